"""Measures in headless Chromium against a real `shaodian serve`: what a user does, by real clicks.

The proposal form answers a sealed zone at level 3 starting in the past with both reasons and saves nothing;
the public finds an announced measure from the login page; staff who issued vote links print them again as QR
codes. Skipped without Chromium (failed instead when CI is set).
"""

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from .browser_support import chromium, demo_site, login, require_chromium, submit_and_wait

pytestmark = pytest.mark.browser

require_chromium()

# Run inside `shaodian shell`: a measure on grid_a's building that passed legal review and was approved.
SETUP = """
import datetime as dt, json
from django.utils import timezone
from shaodian.measures import services
from shaodian.measures.models import Measure
from shaodian.measures.tests.helpers import BASIS, building_of
from shaodian.security.models import User
U = lambda n: User.objects.select_related("node").get(username=n)
t = timezone.now() - dt.timedelta(minutes=10)
m = services.measure_propose(actor=U("staff_a"), building_id=building_of(U("grid_a")).pk, zone="controlled",
    static_level="controlled", restrictions=["entry_verification"], reason="密接居住楼栋",
    starts_at=t + dt.timedelta(days=2), ends_at=t + dt.timedelta(days=8), now=t)
services.measure_evaluate(actor=U("cdc"), measure_id=m.pk, risk_evidence=["楼内密接2人"], businesses_affected=0,
                          now=t + dt.timedelta(minutes=1))
services.measure_submit(actor=U("staff_a"), measure_id=m.pk, now=t + dt.timedelta(minutes=2))
services.measure_legal_approve(actor=U("legal"), measure_id=m.pk, legal_basis=[BASIS], now=t + dt.timedelta(minutes=3))
services.measure_approve(actor=U("street_a"), measure_id=m.pk, now=t + dt.timedelta(minutes=4))
print("FACTS" + json.dumps({"pk": m.pk, "measures": Measure.objects.count()}))
"""


@pytest.fixture(scope="module")
def site():
    with demo_site("measures", residents=1500, seed=11) as s:
        s.facts_setup = s.facts(SETUP)
        s.env["SHAODIAN_PUBLIC_URL"] = "https://vote.haitang.example.gov.cn"
        s.start()
        yield s


@pytest.fixture
def browser():
    with chromium("shaodian-measures-") as driver:
        yield driver


def test_a_sealed_zone_at_level_three_starting_yesterday_is_refused_by_click(site, browser):
    d = browser
    login(d, site.base, "staff_a")
    d.get(site.base + "/measures/")
    Select(d.find_element(By.ID, "f-zone")).select_by_value("sealed")
    Select(d.find_element(By.ID, "f-level")).select_by_value("controlled")
    # Yesterday, in local time, as the datetime-local input holds it.
    d.execute_script("const t = new Date(Date.now() - 864e5 - new Date().getTimezoneOffset() * 6e4);"
                     "document.getElementById('f-start').value = t.toISOString().slice(0, 16)")
    d.find_element(By.CSS_SELECTOR, "input[name=restrictions][value=entry_verification]").click()
    d.find_element(By.ID, "f-reason").send_keys("楼内确诊")
    submit_and_wait(d, d.find_element(By.CSS_SELECTOR, "form.card button[type=submit]"))
    text = d.find_element(By.TAG_NAME, "main").text
    assert "封控区须实行四级（封控），不能是三级（管控）" in text and "开始时间不能早于现在" in text
    assert site.facts("from shaodian.measures.models import Measure; import json; "
                      "print('FACTS' + json.dumps(Measure.objects.count()))") == site.facts_setup["measures"]
    assert d.execute_script("return window.__csp") == []


def test_the_public_finds_an_announced_measure_from_the_login_page(site, browser):
    d = browser
    d.get(site.base + "/login/")
    d.find_element(By.LINK_TEXT, "管控措施公示").click()
    time.sleep(0.5)
    main = d.find_element(By.TAG_NAME, "main").text
    assert "已公告、即将实施" in main and "即将实施" in main and "社区内出现病例，加强防范" in main
    d.find_element(By.LINK_TEXT, "公开信息").click()
    time.sleep(0.5)
    assert "管控措施公示" in d.find_element(By.TAG_NAME, "main").text


def test_staff_print_their_vote_links_as_qr_codes(site, browser):
    d = browser
    pk = site.facts_setup["pk"]
    login(d, site.base, "staff_a")
    d.get(f"{site.base}/measures/{pk}/votes/")
    submit_and_wait(d, d.find_element(By.XPATH, "//button[contains(., '发放个人表决链接')]"))
    first = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".vote-links .mono")]
    assert first and all(t.startswith("https://vote.haitang.example.gov.cn/public/vote/") for t in first)
    d.get(f"{site.base}/measures/{pk}/votes/")
    submit_and_wait(d, d.find_element(By.XPATH, "//button[contains(., '再次显示')]"))
    again = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".vote-links .mono")]
    assert sorted(again) == sorted(first)
    d.find_element(By.PARTIAL_LINK_TEXT, "打印二维码").click()
    time.sleep(0.5)
    cards = d.find_elements(By.CSS_SELECTOR, ".vote-card")
    assert len(cards) == len(again)
    assert sorted(c.find_element(By.CSS_SELECTOR, ".vote-card-url").text for c in cards) == sorted(again)
    assert all(c.find_element(By.CSS_SELECTOR, "img.vote-card-qr").get_attribute("naturalWidth") != "0" for c in cards)
    assert d.execute_script("return window.__csp") == []

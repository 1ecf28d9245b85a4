"""In headless Chromium: every role's home at phone and desktop size, and the people picker in the two forms
that needed internal numbers (a pass, a paper ballot).

HOMES_SHOTS=DIR saves each home at 360×640 and 1280×800 there.
"""

import json
import os
import re
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from .browser_support import DESKTOP, PHONE, chromium, demo_site, login, require_chromium, sideways, submit_and_wait, viewport

pytestmark = pytest.mark.browser

require_chromium()

ROLES = ["grid_a", "staff_a", "street_a", "commander", "cdc", "legal", "supply", "guard_a", "volunteer_a",
         "supervisor", "admin"]
# Each role's home shows this heading: its own work.
WORK = {"grid_a": "h-people", "staff_a": "h-cps", "street_a": "h-measures", "commander": "h-measures",
        "cdc": "h-tracing", "legal": "h-review", "supply": "h-passes", "guard_a": "h-cps", "volunteer_a": "h-tasks",
        "supervisor": "h-measures", "admin": "h-people"}


@pytest.fixture(scope="module")
def site():
    with demo_site("homes", residents=800, seed=5) as s:
        s.start()
        yield s


@pytest.fixture(scope="module")
def chrome():
    with chromium("shaodian-homes-") as driver:
        yield driver


def _fresh(driver, site, username):
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    viewport(driver, *DESKTOP)
    login(driver, site.base, username)
    assert driver.current_url == site.base + "/", f"{username} could not log in"


def _pick(driver, field: str, typed: str, value: int, *, enter: bool = False):
    """Type into the picker of `field` (then Enter, if asked) and click the result whose value is `value`."""
    box = driver.find_element(By.CSS_SELECTOR, f"#picker-{field} input[data-picker-q]")
    box.clear()
    driver.execute_script("window.__samePage = true;")
    box.send_keys(typed + (Keys.ENTER if enter else ""))
    radio = f"#picker-{field}-results input[type=radio][value='{value}']"
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, radio))
    label = driver.find_element(By.CSS_SELECTOR, radio).find_element(By.XPATH, "./ancestor::label")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
    label.click()
    assert driver.find_element(By.CSS_SELECTOR, radio).is_selected()
    assert driver.execute_script("return window.__samePage === true"), "searching submitted the form"


def test_it_issues_a_pass_to_the_person_picked_by_part_of_the_name(chrome, site):
    facts = site.facts(
        "import json\n"
        "from shaodian.security.models import User\n"
        "from shaodian.people.models import Resident\n"
        "from shaodian.checkpoints.models import Checkpoint\n"
        "staff = User.objects.get(username='staff_a')\n"
        "mine = Resident.objects.filter(community_id=staff.node_id).order_by('pk')\n"
        "r = next(r for r in mine if len(r.name) == 3 and mine.filter(name__startswith=r.name[:2]).count() <= 3)\n"
        "cp = Checkpoint.objects.filter(community_id=staff.node_id, active=True).order_by('pk').first()\n"
        "print('FACTS' + json.dumps({'id': r.pk, 'name': r.name, 'cp': cp.pk}))\n"
    )
    _fresh(chrome, site, "staff_a")
    chrome.get(site.base + "/checkpoints/passes/#issue")
    Select(chrome.find_element(By.ID, "f-kind")).select_by_value("work")
    _pick(chrome, "resident_id", facts["name"][:2], facts["id"], enter=True)
    box = chrome.find_element(By.CSS_SELECTOR, f"input[name=checkpoints][value='{facts['cp']}']")
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    chrome.find_element(By.ID, "f-reason").send_keys("社区超市理货员，每日上下班")
    submit_and_wait(chrome, chrome.find_element(By.CSS_SELECTOR, "form.guard-pass-form button[type=submit]"))

    issued = re.search(r"/checkpoints/passes/(\d+)/", chrome.current_url)
    assert issued, chrome.current_url
    pass_id = int(issued.group(1))
    holder = site.facts(
        "import json\nfrom shaodian.checkpoints.models import Pass\n"
        f"p = Pass.objects.get(pk={pass_id})\n"
        "print('FACTS' + json.dumps([p.resident_id, p.kind]))\n"
    )
    assert holder == [facts["id"], "work"]
    assert facts["name"] in chrome.find_element(By.TAG_NAME, "main").text


def test_it_records_a_paper_ballot_for_the_household_picked_by_a_members_name(chrome, site):
    facts = site.facts(
        "import json, datetime as dt\n"
        "from django.utils import timezone\n"
        "from shaodian.security.models import User\n"
        "from shaodian.measures.tests.helpers import advance, building_of, propose, residents_in\n"
        "class Clock:\n"
        "    def tick(self, d): pass\n"
        "    def move_to(self, w): pass\n"
        "users = {u.username: u for u in User.objects.all()}\n"
        "b = building_of(users['grid_a'])\n"
        "m = advance(users, propose(users, b, Clock()), Clock(), 'approved')\n"
        "people = residents_in(b)\n"
        "r = next(r for r in people if sum(p.name.startswith(r.name[:2]) for p in people) == 1)\n"
        "print('FACTS' + json.dumps({'measure': m.pk, 'household': r.household_id, 'name': r.name}))\n"
    )
    _fresh(chrome, site, "staff_a")
    chrome.get(site.base + f"/measures/{facts['measure']}/votes/")
    _pick(chrome, "household_id", facts["name"][:2], facts["household"])
    chrome.find_element(By.CSS_SELECTOR, "input[name=choice][value=approve]").click()
    form = chrome.find_element(By.CSS_SELECTOR, "#picker-household_id").find_element(By.XPATH, "./ancestor::form")
    submit_and_wait(chrome, form.find_element(By.CSS_SELECTOR, "button"))

    assert "选票已录入" in chrome.find_element(By.TAG_NAME, "main").text
    votes = site.facts(
        "import json\nfrom shaodian.measures.models import Vote\n"
        f"print('FACTS' + json.dumps(list(Vote.objects.filter(measure_id={facts['measure']})"
        ".values_list('household_id', 'approve', 'channel'))))\n"
    )
    assert votes == [[facts["household"], True, "paper"]]


def test_the_map_buttons_speak_chinese(chrome, site):
    _fresh(chrome, site, "staff_a")
    chrome.get(site.base + "/places/")
    WebDriverWait(chrome, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-control-zoom-in"))
    titles = [chrome.find_element(By.CSS_SELECTOR, c).get_attribute("title")
              for c in (".leaflet-control-zoom-in", ".leaflet-control-zoom-out")]
    assert titles == ["放大", "缩小"]


@pytest.mark.parametrize("username", ROLES)
def test_every_roles_home_shows_its_work_on_a_phone_and_a_desktop(chrome, site, username):
    _fresh(chrome, site, username)
    shots = os.environ.get("HOMES_SHOTS")
    for size in (PHONE, DESKTOP):
        viewport(chrome, *size)
        chrome.get(site.base + "/")
        assert chrome.find_elements(By.ID, WORK[username]), f"{username}: no {WORK[username]} on the home"
        assert not chrome.find_elements(By.XPATH, "//div[@class='stat'][b='0'][span='居民']")
        if size == PHONE:
            assert sideways(chrome) == []
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            height = chrome.execute_script("return document.documentElement.scrollHeight")
            viewport(chrome, size[0], max(size[1], min(height, 4000)))
            chrome.save_screenshot(str(Path(shots) / f"home-{username}-{size[0]}.png"))
    assert json.loads(json.dumps(chrome.execute_script("return window.__csp || []"))) == []

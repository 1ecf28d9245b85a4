"""The grid worker's field page (今日走访) in headless Chromium at 360×640 against a real `shaodian serve`.

Online, a visit is two taps (the door, then 已见到) and reaches the server at once; with the network cut the
next visit (people present typed, symptoms ticked: still a tap on the door and one on the outcome, plus the
typing) waits on the phone with a visible count, and reaches the server exactly once when the network returns.
SHAODIAN_SCREENSHOTS=1 also saves the screening pages at 360×640 and 1280×800 to screenshots/.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .browser_support import DESKTOP, PHONE, chromium, demo_site, login, require_chromium, shots_dir, sideways, viewport

pytestmark = pytest.mark.browser

require_chromium()

SETUP = """
import datetime as dt, json
from django.utils import timezone
from shaodian.screening import services
from shaodian.screening.models import VisitTask
from shaodian.security.models import User

staff, grid_a = User.objects.get(username="staff_a"), User.objects.get(username="grid_a")
campaign = services.campaign_start(actor=staff, place_id=staff.node_id, name="浏览器测试排查", purpose="测试",
                                   deadline=timezone.now() + dt.timedelta(days=1))
tasks = list(VisitTask.objects.filter(campaign=campaign, grid_id=grid_a.node_id).order_by("id").values_list("id", flat=True))
print("FACTS" + json.dumps({"campaign": campaign.pk, "tasks": tasks}))
"""

RECORDS = """
import json
from shaodian.screening.models import VisitRecord
print("FACTS" + json.dumps([[r.task_id, r.outcome, r.people_present, r.symptomatic]
                            for r in VisitRecord.objects.filter(task_id__in={tasks}).order_by("id")]))
"""


@pytest.fixture(scope="module")
def site():
    with demo_site("field", residents=300, seed=5) as site:
        site.setup = site.facts(SETUP)
        site.start()
        yield site


@pytest.fixture(scope="module")
def driver():
    with chromium("shaodian-field-chromium-") as drv:
        drv.execute_cdp_cmd("Network.enable", {})
        yield drv


def network(drv, *, offline: bool):
    drv.execute_cdp_cmd("Network.emulateNetworkConditions",
                        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def wait(drv, script, timeout=15, message=""):
    return WebDriverWait(drv, timeout, poll_frequency=0.1).until(lambda d: d.execute_script(script), message)


def records(site):
    return site.facts(RECORDS.replace("{tasks}", repr(site.setup["tasks"])))


def tap(drv, css):
    drv.find_element(By.CSS_SELECTOR, css).click()


def test_a_grid_worker_records_visits_online_and_through_a_network_cut(driver, site):
    first, second = site.setup["tasks"][:2]
    viewport(driver, *PHONE)
    login(driver, site.base, "grid_a")
    driver.get(site.base + "/screening/field/")
    wait(driver, "return document.getElementById('field').dataset.ready === '1'", message="field.js did not start")
    assert sideways(driver) == [] and driver.execute_script("return window.__csp") == []

    # Online: two taps.
    tap(driver, f"#door-{first} summary")
    tap(driver, f"#door-{first} .field-reached")
    wait(driver, f"return document.getElementById('door-{first}').hidden", message="the door stayed on the list")
    wait(driver, "return document.getElementById('field').dataset.queue === '0'", message="the visit was not sent")
    assert records(site) == [[first, "reached", None, False]]

    # The network goes away: the visit waits on the phone, counted.
    network(driver, offline=True)
    wait(driver, "return document.getElementById('field').dataset.online === '0'", message="the page did not see the cut")
    tap(driver, f"#door-{second} summary")
    driver.find_element(By.CSS_SELECTOR, f"#door-{second} input[name=people_present]").send_keys("3")
    tap(driver, f"#door-{second} input[name=symptomatic]")
    tap(driver, f"#door-{second} .field-reached")
    wait(driver, "return document.getElementById('field').dataset.queue === '1'", message="the visit was not queued")
    assert driver.find_element(By.CSS_SELECTOR, "#f-queue b").text == "1"
    assert not driver.find_element(By.ID, "f-note").get_attribute("hidden")
    assert records(site) == [[first, "reached", None, False]]
    stored = driver.execute_script("return localStorage.getItem('sd.field.queue')")
    assert str(second) in stored and "王" not in stored  # task numbers and what was typed, no names

    # Back online: sent once, and the queue is cleared.
    network(driver, offline=False)
    wait(driver, "return document.getElementById('field').dataset.queue === '0'", timeout=30,
         message="the queue was not sent when the network returned")
    assert driver.execute_script("return localStorage.getItem('sd.field.queue')") == "[]"
    assert records(site) == [[first, "reached", None, False], [second, "reached", 3, True]]
    # A reload shows neither door again.
    driver.get(site.base + "/screening/field/")
    wait(driver, "return document.getElementById('field').dataset.ready === '1'")
    assert not driver.find_elements(By.ID, f"door-{first}") and not driver.find_elements(By.ID, f"door-{second}")


def test_the_screening_pages_fit_a_phone_and_a_desktop(driver, site):
    shots = shots_dir()
    campaign = site.setup["campaign"]
    pages = {"grid_a": ["/screening/field/", "/screening/rounds/"],
             "street_a": ["/screening/", f"/screening/campaigns/{campaign}/", "/screening/rounds/"]}
    for user, paths in pages.items():
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        viewport(driver, *DESKTOP)
        login(driver, site.base, user)
        for path in paths:
            for size in (PHONE, DESKTOP):
                viewport(driver, *size)
                driver.get(site.base + path)
                if shots:
                    name = f"screening-{user}-{path.strip('/').replace('/', '-')}-{size[0]}x{size[1]}.png"
                    driver.save_screenshot(str(shots / name))
                assert "服务器错误" not in driver.page_source
                assert sideways(driver) == [], (user, path, size)
                assert driver.execute_script("return window.__csp") == []

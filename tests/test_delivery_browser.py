"""A volunteer marks deliveries door by door on a 360×640 phone in headless Chromium against a real `shaodian serve`
of the demo city — online, then with the network cut (Chromium offline, and the server stopped for a reload from
the service worker's copy): the taps wait on the phone with a visible count and reach the server once when the
network returns. The supply officer reads the plan and the route map. Skipped without Chromium (failed when CI is
set). Screenshots go to $SHAODIAN_DELIVERY_SHOTS when set."""

import os
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .browser_support import DESKTOP, PHONE, chromium, demo_site, login, require_chromium, sideways, submit_and_wait, \
    viewport
from .serving import BACKENDS

pytestmark = pytest.mark.browser

require_chromium()

TAPS = """
import json
from shaodian.delivery.models import DeliveryTap
print("FACTS" + json.dumps([[t.client_id, t.stop_id, t.status]
                            for t in DeliveryTap.objects.filter(stop__round_id={round}).order_by("id")]))
"""


def shot(browser, name: str) -> None:
    where = os.environ.get("SHAODIAN_DELIVERY_SHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(where) / f"{name}.png"))


@pytest.fixture(scope="module", params=BACKENDS)
def site(request):
    # The taps' idempotency holds in the database (a unique client id): on PostgreSQL too when the suite runs there.
    with demo_site("delivery", residents=1500, seed=12, backend=request.param) as s:
        s.start()
        yield s


@pytest.fixture
def browser():
    with chromium("shaodian-delivery-") as driver:
        yield driver


def shots(browser, name: str) -> None:
    """The page from its top as a phone and as a desktop show it; the test goes on at the phone's size."""
    for size in (PHONE, DESKTOP):
        viewport(browser, *size)
        browser.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.2)
        shot(browser, f"{name}-{size[0]}x{size[1]}")
    viewport(browser, *PHONE)


def network(browser, *, offline: bool):
    browser.execute_cdp_cmd("Network.emulateNetworkConditions",
                            {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def wait(browser, script, timeout=15, message=""):
    return WebDriverWait(browser, timeout, poll_frequency=0.1).until(lambda d: d.execute_script(script), message)


def taps(site, round_id) -> list:
    return site.facts(TAPS.replace("{round}", str(round_id)))


def door_class(browser, door_id) -> str:
    return browser.find_element(By.ID, door_id).get_attribute("class")


def test_a_volunteer_taps_doors_online_and_through_a_network_cut(site, browser):
    browser.execute_cdp_cmd("Network.enable", {})
    viewport(browser, *PHONE)
    login(browser, site.base, "volunteer_a")
    shot(browser, "volunteer-home-360")
    rounds = browser.find_elements(By.CSS_SELECTOR, "#h-tasks ~ ul a, section[aria-labelledby=h-tasks] a")
    assert rounds, "the volunteer's home lists the rounds"
    open_round = next(a for a in rounds if "2栋" in a.text)
    submit_and_wait(browser, open_round)
    page = browser.current_url.split("#")[0]
    round_id = int(page.rstrip("/").rsplit("/", 1)[1])
    wait(browser, "return document.getElementById('round').dataset.ready === '1'", message="round.js did not start")
    wait(browser, "return !!navigator.serviceWorker.controller", message="the service worker did not take control")
    assert "配送到户" in browser.page_source and sideways(browser) == []
    before = taps(site, round_id)
    progress = browser.find_element(By.ID, "progress").text
    pending = [li.get_attribute("id") for li in browser.find_elements(By.CSS_SELECTOR, "li.door.pending")]
    assert len(pending) >= 3, "the demo round has doors left to deliver"
    first, second, third = pending[:3]
    shots(browser, "round-online")

    # Online: one tap, sent at once, shown in place.
    browser.find_element(By.CSS_SELECTOR, f"#{first} button[value=delivered]").click()
    wait(browser, f"var li = document.getElementById('{first}'); return li.classList.contains('delivered') && "
                  "!li.classList.contains('queued')", message="the online tap was not confirmed")
    assert browser.find_element(By.ID, "round").get_attribute("data-queue") == "0"
    now_shown = browser.find_element(By.ID, "progress").text
    assert now_shown != progress and "已送达" in now_shown
    assert [t[1] for t in taps(site, round_id)[len(before):]] == [int(first.split("-")[1])]

    # Not reached needs a reason: said on the phone, nothing queued.
    browser.find_element(By.CSS_SELECTOR, f"#{second} button[value=unreached]").click()
    wait(browser, "return !document.getElementById('r-note').hidden", message="no message for a missing reason")
    assert "请写明未送达的原因" in browser.find_element(By.ID, "r-note").text
    assert browser.find_element(By.ID, "round").get_attribute("data-queue") == "0"

    # The network is cut: the tap waits on the phone, counted, and the door says so.
    network(browser, offline=True)
    wait(browser, "return document.getElementById('round').dataset.online === '0'", message="the page did not see the cut")
    browser.find_element(By.CSS_SELECTOR, f"#{second} input[name=reason]").send_keys("家中无人，已电话联系")
    browser.find_element(By.CSS_SELECTOR, f"#{second} button[value=unreached]").click()
    wait(browser, "return document.getElementById('round').dataset.queue === '1'", message="the tap was not queued")
    assert browser.find_element(By.CSS_SELECTOR, "#r-queue b").text == "1"
    assert "queued" in door_class(browser, second) and "unreached" in door_class(browser, second)
    assert "网络恢复后自动上传" in browser.find_element(By.ID, "r-note").text

    # Reloaded with no server at all: the service worker's copy, the waiting tap still shown; one more tap.
    site.stop()
    browser.get(page)
    wait(browser, "return document.getElementById('round').dataset.ready === '1'", message="no page offline")
    assert browser.find_element(By.TAG_NAME, "h1").text and "queued" in door_class(browser, second)
    assert "delivered" in door_class(browser, first), "the kept copy was not refreshed after the online tap"
    browser.find_element(By.CSS_SELECTOR, f"#{third} button[value=delivered]").click()
    wait(browser, "return document.getElementById('round').dataset.queue === '2'", message="the second tap was not queued")
    shots(browser, "round-offline")
    # Closing now would turn the waiting doors into "not reached": the page says so and does not send the close.
    browser.find_element(By.CSS_SELECTOR, "form.round-close button").click()
    wait(browser, "return document.getElementById('r-note').textContent.indexOf('结束本轮') >= 0",
         message="the close was not held back while taps wait")
    assert browser.current_url.split("#")[0] == page
    queued = browser.execute_script("return JSON.parse(localStorage.getItem('sd.round.queue'))")
    stored = browser.execute_script("return localStorage.getItem('sd.round.queue')")
    assert {tuple(sorted(t)) for t in queued} == {("client_id", "reason", "round", "status", "stop")}
    labels = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "li.door .door-head span:first-child")]
    assert "栋" not in stored and "*" not in stored and not any(label in stored for label in labels)

    # The network returns: the queue is sent, each tap stored once, and the doors say so.
    site.start()
    network(browser, offline=False)
    wait(browser, "return document.getElementById('round').dataset.queue === '0'", timeout=40,
         message="the queue was not sent when the network returned")
    wait(browser, f"return !document.getElementById('{third}').classList.contains('queued')",
         message="the door still says it waits")
    after = taps(site, round_id)[len(before):]
    assert [(t[1], t[2]) for t in after] == [(int(first.split("-")[1]), "delivered"),
                                             (int(second.split("-")[1]), "unreached"),
                                             (int(third.split("-")[1]), "delivered")]
    assert len({t[0] for t in after}) == 3 and {q["client_id"] for q in queued} <= {t[0] for t in after}

    # The same queue sent again (an answer lost on the way back) stores nothing more.
    browser.execute_script("localStorage.setItem('sd.round.queue', JSON.stringify(arguments[0])); "
                           "window.dispatchEvent(new Event('online'));", queued)
    wait(browser, "return localStorage.getItem('sd.round.queue') === '[]'", message="the resent queue stayed")
    assert len(taps(site, round_id)) == len(before) + 3
    shots(browser, "round-back-online")
    assert browser.execute_script("return window.__csp") == [] and sideways(browser) == []


def test_the_supply_officer_reads_the_plan_and_the_route_map(site, browser):
    viewport(browser, *DESKTOP)
    login(browser, site.base, "supply")
    browser.get(site.base + "/delivery/plans/")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "ul.list a.name"))
    assert "短缺说明" in browser.page_source and "先保特殊群体需求" in browser.page_source
    shot(browser, "plan-1280")
    submit_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "中转站"))
    assert browser.find_elements(By.CSS_SELECTOR, "svg.route-map polyline")
    shot(browser, "route-1280")
    viewport(browser, *PHONE)
    browser.refresh()
    assert sideways(browser) == []
    shot(browser, "route-360")
    browser.get(site.base + "/delivery/")
    assert "今日未送达住户" in browser.page_source
    shot(browser, "delivery-home-360")
    assert browser.execute_script("return window.__csp") == []

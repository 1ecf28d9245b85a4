"""The guard page (查验放行) in headless Chromium against a real `shaodian serve` with its own SQLite.

Online it verifies a personal code; then the network goes away — Chromium is put offline *and* the
server is stopped, since the emulation does not reach the service worker's own fetches — and the page
must reload from the service worker's cache, judge passes by their signature, and queue scans; back
online the queue is uploaded and the server holds every scan exactly once. Skipped without Chromium
(failed instead when CI is set). SHAODIAN_SCREENSHOTS=1 saves each checkpoint page at 360×640 and
1280×800 to screenshots/.
"""

import base64
import json
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .browser_support import DESKTOP, PHONE, chromium, demo_site, login, require_chromium, shots_dir, sideways, viewport

pytestmark = pytest.mark.browser

require_chromium()

# Run inside `shaodian shell`: two gates of guard_a's community, three passes, two residents' codes.
SETUP = """
import datetime as dt, json
from django.utils import timezone
from shaodian.checkpoints import services
from shaodian.people.models import Resident
from shaodian.places.models import Place
from shaodian.security.models import User
from shaodian.checkpoints.health import flags_for

staff = User.objects.get(username="staff_a")
community = Place.objects.get(pk=staff.node_id)
gate = services.checkpoint_create(actor=staff, place=community, name="测试东门", kind="community_gate")
other = services.checkpoint_create(actor=staff, place=community, name="测试西门", kind="community_gate")
nearby = list(Resident.objects.filter(community_id=community.pk).order_by("id")[:40])
flagged = flags_for([r.pk for r in nearby])
people = [r for r in nearby if r.pk not in flagged][:7]
now = timezone.now()

def issue(resident, checkpoint):
    return services.pass_issue(actor=staff, kind="medical", checkpoint_ids=[checkpoint.pk], reason="就医复诊",
                               valid_from=now - dt.timedelta(hours=1), valid_to=now + dt.timedelta(days=2),
                               resident_id=resident.pk)

good, revoked, elsewhere = issue(people[0], gate), issue(people[1], gate), issue(people[2], other)
services.pass_revoke(actor=staff, permit=revoked, reason="测试撤销")
from shaodian.tracing import services as tracing
tracing.case_register(actor=User.objects.get(username="cdc"), resident_id=people[5].pk, kind="confirmed",
                      test_date=timezone.localdate())
print("FACTS" + json.dumps({
    "gate": gate.pk, "good": services.pass_token(good), "revoked": services.pass_token(revoked),
    "revoked_serial": revoked.serial, "elsewhere": services.pass_token(elsewhere),
    "person": services.identity_token(people[3]), "person2": services.identity_token(people[4]),
    "pass_id": good.pk, "resident": people[3].pk,
    "other": other.pk, "case": services.identity_token(people[5]), "case_name": people[5].name,
    "healthy": services.identity_token(people[6]), "healthy_name": people[6].name,
}))
"""

ALERTS = """
import json
from shaodian.checkpoints.models import ScanAlert
print("FACTS" + json.dumps(sorted((a.kind, a.temperature, a.acknowledged_by.username if a.acknowledged_by else None)
                                  for a in ScanAlert.objects.filter(checkpoint_id={gate}))))
"""

OPEN = """
import json
from shaodian.checkpoints.models import ScanAlert
print("FACTS" + json.dumps(ScanAlert.objects.filter(acknowledged_at__isnull=True).count()))
"""

COUNT = """
import json
from shaodian.checkpoints.models import Scan
rows = list(Scan.objects.filter(checkpoint_id={gate}).values_list("client_id", "direction", "temperature", "permit_id"))
print("FACTS" + json.dumps(rows))
"""


# --- the server (stopped and started again to take the network away) and the browser ------------------


@pytest.fixture(scope="module")
def site():
    with demo_site("guard", residents=300, seed=5) as site:
        site.setup = site.facts(SETUP)
        site.start()
        yield site


@pytest.fixture(scope="module")
def driver():
    with chromium("shaodian-guard-chromium-", "--autoplay-policy=no-user-gesture-required") as drv:
        drv.execute_cdp_cmd("Network.enable", {})
        yield drv


# --- helpers -----------------------------------------------------------------------------------------


def network(drv, *, offline: bool):
    drv.execute_cdp_cmd("Network.emulateNetworkConditions",
                        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def sign_in(drv, base, username):
    drv.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(drv, base, username)
    WebDriverWait(drv, 10).until(lambda d: d.current_url == base + "/")


def wait(drv, script, timeout=10, message=""):
    return WebDriverWait(drv, timeout, poll_frequency=0.1).until(lambda d: d.execute_script(script), message)


def ready(drv):
    wait(drv, "var g = document.getElementById('guard'); return g && g.dataset.ready === '1'", message="guard.js did not start")


def scan(drv, code, temperature=None):
    """Type (or paste, as a scanner does) a code and wait for a new verdict."""
    drv.execute_script("document.getElementById('g-result').setAttribute('data-result', 'waiting')")
    box = drv.find_element(By.ID, "g-code")
    box.clear()
    drv.execute_script("arguments[0].value = arguments[1]", box, code)  # as fast as a scanner
    if temperature is not None:
        drv.find_element(By.ID, "g-temp").send_keys(str(temperature))
    drv.find_element(By.CSS_SELECTOR, "#g-form button[type=submit]").click()
    result = wait(drv, "var r = document.getElementById('g-result').dataset.result; return r !== 'waiting' && r",
                  timeout=5, message="no verdict shown")
    return result, drv.find_element(By.ID, "g-result").text


def queue(drv) -> list:
    return drv.execute_script("return JSON.parse(localStorage.getItem('sd.guard.queue') || '[]')")


def texts(drv) -> dict:
    return drv.execute_script("return JSON.parse(document.getElementById('guard-config').textContent).text")


def forge(token: str) -> str:
    """Stretch a genuine pass by a year, keeping its signature: what a forger would try."""
    prefix, body, sig = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["u"] += 365 * 86400
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()
    return ".".join([prefix, base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), sig])


def shoot(drv, name):
    shots = shots_dir()
    if shots is None:
        return
    for width, height in (PHONE, DESKTOP):
        viewport(drv, width, height)
        time.sleep(0.1)
        drv.save_screenshot(str(shots / f"guard-{name}-{width}x{height}.png"))
    viewport(drv, *PHONE)


def severe(drv) -> list:
    # Offline, Chromium logs every refused request as SEVERE: those are expected here.
    return [e["message"] for e in drv.get_log("browser") if e["level"] == "SEVERE"
            and "ERR_INTERNET_DISCONNECTED" not in e["message"] and "ERR_CONNECTION_REFUSED" not in e["message"]]


# --- the tests ---------------------------------------------------------------------------------------


def test_it_verifies_online_then_offline_and_uploads_every_scan_once(driver, site):
    facts = site.setup
    gate = facts["gate"]
    page = f"{site.base}/checkpoints/{gate}/guard/"
    viewport(driver, *PHONE)
    sign_in(driver, site.base, "guard_a")
    driver.get(page)
    ready(driver)
    T = texts(driver)
    wait(driver, "return !!navigator.serviceWorker.controller", message="the service worker did not take control")
    wait(driver, "return (localStorage.getItem('sd.guard.keys') || '').indexOf(arguments[0]) > 0".replace(
        "arguments[0]", json.dumps(facts["revoked_serial"])), message="the key and revocation list were not cached")
    assert driver.find_element(By.ID, "g-net").text == T["online"]
    shoot(driver, "idle")

    # Online: the server's verdict, big, with the masked name; the scan is uploaded at once.
    result, shown = scan(driver, facts["person"], temperature="36.6")
    assert result == "allowed", shown
    assert int(driver.find_element(By.ID, "g-result").get_attribute("data-ms")) < 1000
    assert T["allowed"] in shown or "放行" in shown
    assert "*" in driver.find_element(By.ID, "g-name").text
    shoot(driver, "allowed")
    wait(driver, "return (JSON.parse(localStorage.getItem('sd.guard.queue') || '[]')).length === 0",
         message="the online scan was not uploaded")
    assert len(site.facts(COUNT.format(gate=gate))) == 1
    assert driver.execute_async_script(
        "var cb = arguments[0]; caches.open('sd-guard-v1').then(function (c) { return c.match(location.href); })"
        ".then(function (r) { cb(!!r); })"), "the guard page is not in the cache"

    # Offline: no server at all, and Chromium offline. The page still loads, from the service worker.
    site.stop()
    network(driver, offline=True)
    driver.get(page)
    ready(driver)
    assert driver.find_element(By.CSS_SELECTOR, "h1.guard-title").text.startswith("测试东门")
    wait(driver, "return document.getElementById('guard').dataset.online === '0'", message="offline not shown")
    assert driver.find_element(By.ID, "g-net").text == T["offline"]

    result, shown = scan(driver, facts["good"])
    assert result == "allowed" and T["offline_pass"] in shown, shown
    assert int(driver.find_element(By.ID, "g-result").get_attribute("data-ms")) < 1000
    shoot(driver, "offline-pass")
    result, shown = scan(driver, forge(facts["good"]))
    assert result == "invalid" and T["forged"] in shown, shown
    shoot(driver, "offline-forged")
    result, shown = scan(driver, facts["revoked"])
    assert result == "invalid" and T["revoked"] in shown, shown
    result, shown = scan(driver, facts["elsewhere"])
    assert result == "invalid" and T["wrong_checkpoint"] in shown, shown
    assert len(queue(driver)) == 1, "refused passes must not be queued as passages"

    driver.find_element(By.CSS_SELECTOR, "input[name=direction][value=out] + span").click()
    result, shown = scan(driver, facts["person"])
    assert result == "pending" and T["pending"] in shown, shown
    result, shown = scan(driver, facts["person2"], temperature="37.8")
    assert result == "fever" and T["temp_high"] in shown and T["pending"] in shown, shown  # never green, nor blue
    shoot(driver, "offline-pending")
    offline = queue(driver)
    assert len(offline) == 3
    assert driver.find_element(By.CSS_SELECTOR, "#g-queue b").text == "3"
    assert [s["direction"] for s in offline] == ["in", "out", "out"]
    assert all(s["at"][-6] in "+-" and s["checkpoint"] == gate for s in offline)
    assert offline[2]["temperature"] == 37.8

    # Back online: the queue empties by itself and the server has each scan once.
    site.start()
    network(driver, offline=False)
    wait(driver, "return (JSON.parse(localStorage.getItem('sd.guard.queue') || '[]')).length === 0", timeout=25,
         message="the queue was not uploaded after the network came back")
    wait(driver, "return document.querySelector('#g-queue b').textContent === '0'", message="the queue length shown is stale")
    assert driver.find_element(By.ID, "g-net").text == T["online"]
    stored = site.facts(COUNT.format(gate=gate))
    ids = [row[0] for row in stored]
    assert len(stored) == 4 and len(set(ids)) == 4
    assert {s["client_id"] for s in offline} <= set(ids)
    assert next(row for row in stored if row[0] == offline[0]["client_id"])[3] == facts["pass_id"]

    # The same scans again (an answer lost on the way back): the server says duplicate, stores nothing.
    driver.execute_script("localStorage.setItem('sd.guard.queue', JSON.stringify(arguments[0])); "
                          "return window.shaodianGuard.flush();", offline)
    wait(driver, "return (JSON.parse(localStorage.getItem('sd.guard.queue') || '[]')).length === 0",
         message="duplicates stayed in the queue")
    assert len(site.facts(COUNT.format(gate=gate))) == 4

    # A scan the server refuses leaves the queue and is listed with its reason.
    bad = dict(offline[0], client_id="refused-1", checkpoint=999999999)
    driver.execute_script("localStorage.setItem('sd.guard.queue', JSON.stringify([arguments[0]])); "
                          "return window.shaodianGuard.flush();", bad)
    wait(driver, "return !document.getElementById('g-rejected').hidden", message="the refused scan is not shown")
    assert driver.find_elements(By.CSS_SELECTOR, "#g-rejected-list li")
    assert queue(driver) == []
    shoot(driver, "rejected")

    assert driver.execute_script("return window.__csp") == []
    assert sideways(driver) == []
    assert severe(driver) == []


def test_the_other_checkpoint_pages_fit_a_phone_without_csp_errors(driver, site):
    facts = site.setup
    viewport(driver, *PHONE)
    sign_in(driver, site.base, "staff_a")
    driver.get_log("browser")
    seen = {}
    for name, path in (
        ("list", "/checkpoints/"),
        ("poster", f"/checkpoints/{facts['gate']}/poster/"),
        ("passes", f"/checkpoints/passes/?resident={facts['resident']}"),
        ("pass", f"/checkpoints/passes/{facts['pass_id']}/"),
        ("identity", f"/checkpoints/identity/{facts['resident']}/"),
    ):
        driver.get(site.base + path)
        assert driver.find_element(By.TAG_NAME, "h1").text not in ("403", "404", "500"), name
        seen[name] = {"csp": driver.execute_script("return window.__csp"), "wide": sideways(driver)}
        assert driver.find_elements(By.CSS_SELECTOR, "img[src^='data:image/svg+xml']") or name in ("list", "passes")
        shoot(driver, name)
    assert {k: v for k, v in seen.items() if v["csp"] or v["wide"]} == {}
    assert severe(driver) == []


def test_offline_scans_of_a_case_and_a_fever_alert_the_guard_and_the_staff_after_upload(driver, site):
    from shaodian.security.crypto import mask_name

    facts = site.setup
    gate = facts["other"]  # not the first test's gate: whichever runs first, each counts its own
    page = f"{site.base}/checkpoints/{gate}/guard/"
    viewport(driver, *PHONE)
    sign_in(driver, site.base, "guard_a")
    driver.get(page)
    ready(driver)
    T = texts(driver)
    wait(driver, "return !!navigator.serviceWorker.controller", message="the service worker did not take control")
    driver.execute_script("localStorage.removeItem('sd.guard.alerts'); localStorage.removeItem('sd.guard.rejected');")

    # Online, a fever is never green: re-measure, fever clinic.
    result, shown = scan(driver, facts["healthy"], temperature="38.6")
    assert result == "fever", shown
    assert "发热门诊" in shown and "38.6" in shown and "✓" not in shown
    assert "is-red" in driver.find_element(By.ID, "g-result").get_attribute("class")
    shoot(driver, "fever-online")
    wait(driver, "return document.getElementById('guard').dataset.alerts === '1'", timeout=15,
         message="the fever scan raised no alert on the guard page")

    # Offline: the case is only recorded (blue), a fever is red even so.
    driver.execute_script("localStorage.removeItem('sd.guard.alerts'); window.dispatchEvent(new StorageEvent('storage', "
                          "{key: 'sd.guard.alerts'}));")
    site.stop()
    network(driver, offline=True)
    driver.get(page)
    ready(driver)
    wait(driver, "return document.getElementById('guard').dataset.online === '0'", message="offline not shown")
    assert driver.find_element(By.ID, "g-alerts").is_displayed() is False
    result, shown = scan(driver, facts["case"])
    assert result == "pending" and T["pending"] in shown, shown
    result, shown = scan(driver, facts["healthy"], temperature="38.6")
    assert result == "fever" and T["fever"] in shown and T["pending"] in shown, shown
    shoot(driver, "fever-offline")
    assert len(queue(driver)) == 2

    # Back online: the queue is verified on upload; the case and the fever show red with time and masked name.
    site.start()
    network(driver, offline=False)
    wait(driver, "return (JSON.parse(localStorage.getItem('sd.guard.queue') || '[]')).length === 0", timeout=25,
         message="the queue was not uploaded after the network came back")
    wait(driver, "return document.getElementById('guard').dataset.alerts === '2'", timeout=10,
         message="no alert shown after the upload")
    box = driver.find_element(By.ID, "g-alerts")
    assert box.is_displayed()
    text = box.text
    assert mask_name(facts["case_name"]) in text and facts["case_name"] not in text
    assert T["alert_case"] in text and T["alert_fever"] in text and "38.6" in text
    colour = driver.execute_script("return getComputedStyle(document.getElementById('g-alerts')).borderTopColor")
    assert colour.replace(" ", "") in ("rgb(180,35,24)", "rgb(217,45,32)"), colour
    shoot(driver, "alerts-after-upload")
    kinds = site.facts(ALERTS.format(gate=gate))
    assert ["case", None, None] in kinds and kinds.count(["fever", 38.6, None]) == 2, kinds

    # The guard has reported them: the list clears.
    driver.find_element(By.ID, "g-alerts-clear").click()
    wait(driver, "return document.getElementById('g-alerts').hidden", message="the alert list did not clear")

    # Community staff: the home page says alerts wait; they open the list and acknowledge one with a click.
    open_alerts = site.facts(OPEN)
    assert open_alerts >= 3
    sign_in(driver, site.base, "staff_a")
    link = driver.find_element(By.CSS_SELECTOR, ".home-alerts a")
    assert str(open_alerts) in link.text
    shoot(driver, "home-alerts")
    link.click()
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/checkpoints/alerts/"))
    items = driver.find_elements(By.CSS_SELECTOR, "#alerts li.is-open")
    assert len(items) == open_alerts
    shoot(driver, "alerts-list")
    first = next(li for li in items if li.get_attribute("data-kind") == "case")
    first.find_element(By.NAME, "note").send_keys("已电话联系，转运隔离")
    old = driver.find_element(By.TAG_NAME, "html")
    first.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.TAG_NAME, "html") != old)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#alerts li.is-open")) == open_alerts - 1
    shoot(driver, "alerts-acknowledged")
    assert ["case", None, "staff_a"] in site.facts(ALERTS.format(gate=gate))
    assert driver.execute_script("return window.__csp") == []
    assert sideways(driver) == []

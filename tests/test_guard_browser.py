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
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "shaodian-demo"
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
PHONE = (360, 640)
DESKTOP = (1280, 800)

pytestmark = pytest.mark.browser

if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    _why = "headless Chromium not installed: apt-get install chromium chromium-driver"
    if os.environ.get("CI"):
        pytest.fail(_why, pytrace=False)
    pytest.skip(_why, allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""

# Run inside `shaodian shell`: two gates of guard_a's community, three passes, two residents' codes.
SETUP = """
import datetime as dt, json
from django.utils import timezone
from shaodian.checkpoints import services
from shaodian.people.models import Resident
from shaodian.places.models import Place
from shaodian.security.models import User
from shaodian.tracing.selectors import health_flags

staff = User.objects.get(username="staff_a")
community = Place.objects.get(pk=staff.node_id)
gate = services.checkpoint_create(actor=staff, place=community, name="测试东门", kind="community_gate")
other = services.checkpoint_create(actor=staff, place=community, name="测试西门", kind="community_gate")
people = [r for r in Resident.objects.filter(community_id=community.pk).order_by("id")[:40] if not health_flags(r.pk)][:5]
now = timezone.now()

def issue(resident, checkpoint):
    return services.pass_issue(actor=staff, kind="medical", checkpoint_ids=[checkpoint.pk], reason="就医复诊",
                               valid_from=now - dt.timedelta(hours=1), valid_to=now + dt.timedelta(days=2),
                               resident_id=resident.pk)

good, revoked, elsewhere = issue(people[0], gate), issue(people[1], gate), issue(people[2], other)
services.pass_revoke(actor=staff, permit=revoked, reason="测试撤销")
print("FACTS" + json.dumps({
    "gate": gate.pk, "good": services.pass_token(good), "revoked": services.pass_token(revoked),
    "revoked_serial": revoked.serial, "elsewhere": services.pass_token(elsewhere),
    "person": services.identity_token(people[3]), "person2": services.identity_token(people[4]),
    "pass_id": good.pk, "resident": people[3].pk,
}))
"""

COUNT = """
import json
from shaodian.checkpoints.models import Scan
rows = list(Scan.objects.filter(checkpoint_id={gate}).values_list("client_id", "direction", "temperature", "permit_id"))
print("FACTS" + json.dumps(rows))
"""


# --- the server: its own data dir, stopped and started again to take the network away ----------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url) -> int:
    try:
        with urllib.request.urlopen(url, timeout=1) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


class Site:
    def __init__(self):
        self.data = Path(tempfile.mkdtemp(prefix="shaodian-guard-"))
        bindir = Path(sys.executable).parent
        self.cli = str(bindir / "shaodian")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHAODIAN_DATABASE_URL")}
        env.update(SHAODIAN_DATA_DIR=str(self.data), SHAODIAN_DATABASE_URL=f"sqlite:///{self.data}/guard.sqlite3")
        env.pop("SHAODIAN_LOGIN_FAILURE_LIMIT", None)
        self.env = env
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.log = open(self.data / "serve.log", "w+")

    def run(self, *args) -> str:
        done = subprocess.run([self.cli, *args], cwd=self.data, env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"shaodian {' '.join(args)[:80]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def facts(self, code: str):
        out = self.run("shell", "-c", code)
        return json.loads(next(line[5:] for line in out.splitlines() if line.startswith("FACTS")))

    def start(self):
        self.proc = subprocess.Popen([self.cli, "serve", "--port", str(self.port)], cwd=self.data, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                if _status(self.base + "/login/") == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                pytest.fail(f"shaodian serve did not answer on {self.base}:\n{self.log.read()}")
            time.sleep(0.2)

    def stop(self):
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def close(self):
        self.stop()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)


@pytest.fixture(scope="module")
def site():
    site = Site()
    try:
        site.run("migrate", "-v0")
        site.run("demo-city", "--residents", "300", "--seed", "5", "-v0")
        site.setup = site.facts(SETUP)
        site.start()
        yield site
    finally:
        site.close()


@pytest.fixture(scope="module")
def driver():
    profile = tempfile.mkdtemp(prefix="shaodian-guard-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--window-size=1280,800", "--autoplay-policy=no-user-gesture-required",
    ):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(20)
    drv.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_PROBE})
    drv.execute_cdp_cmd("Network.enable", {})
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


# --- helpers -----------------------------------------------------------------------------------------


def viewport(drv, width, height):
    phone = width < 720
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 2 if phone else 1, "mobile": phone})


def network(drv, *, offline: bool):
    drv.execute_cdp_cmd("Network.emulateNetworkConditions",
                        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def login(drv, base, username):
    drv.execute_cdp_cmd("Network.clearBrowserCookies", {})
    drv.get(base + "/login/")
    drv.find_element(By.ID, "id_username").send_keys(username)
    drv.find_element(By.ID, "id_password").send_keys(PASSWORD)
    old = drv.find_element(By.TAG_NAME, "html")
    drv.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(drv, 10).until(lambda d: _stale(old))
    WebDriverWait(drv, 10).until(lambda d: d.current_url == base + "/")


def _stale(element) -> bool:
    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False


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
    if os.environ.get("SHAODIAN_SCREENSHOTS") != "1":
        return
    SHOTS.mkdir(exist_ok=True)
    for width, height in (PHONE, DESKTOP):
        viewport(drv, width, height)
        time.sleep(0.1)
        drv.save_screenshot(str(SHOTS / f"guard-{name}-{width}x{height}.png"))
    viewport(drv, *PHONE)


def sideways(drv) -> list:
    return drv.execute_script(
        "var w = document.documentElement.clientWidth, out = [];"
        "document.querySelectorAll('body *').forEach(function (el) {"
        "  var r = el.getBoundingClientRect(); if (r.right > w + 1 && out.length < 5)"
        "    out.push(el.tagName.toLowerCase() + '.' + el.className + ' right=' + Math.round(r.right)); });"
        "return out;"
    )


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
    login(driver, site.base, "guard_a")
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
    assert result == "pending" and T["temp_high"] in shown, shown
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
    login(driver, site.base, "staff_a")
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

"""What the headless-Chromium tests share: a real `shaodian serve` on its own SQLite, the browser, the form login.

Plain helpers, no fixtures: each browser test module builds its own fixtures from these. Call
`require_chromium()` at the top of such a module so it is skipped (failed when CI is set) without Chromium.
"""

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
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "shaodian-demo"
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
PHONE = (360, 640)
DESKTOP = (1280, 800)

# Collects CSP violations before any page script runs (CDP injection is not subject to the CSP).
CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


def require_chromium():
    """Skip the calling test module without headless Chromium; fail it instead when CI is set."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        why = "headless Chromium not installed: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(why, pytrace=False)
        pytest.skip(why, allow_module_level=True)


# --- the server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, *, data=None, headers=None, timeout=5):
    """(status, body) of a plain HTTP request; an error status is an answer, not an exception."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


class Site:
    """`shaodian serve` on a free port with its own data dir and SQLite database, started and stopped at will."""

    def __init__(self, name: str):
        self.data = Path(tempfile.mkdtemp(prefix=f"shaodian-{name}-"))
        self.cli = str(Path(sys.executable).parent / "shaodian")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHAODIAN_DATABASE_URL")}
        env.update(SHAODIAN_DATA_DIR=str(self.data), SHAODIAN_DATABASE_URL=f"sqlite:///{self.data}/{name}.sqlite3")
        env.pop("SHAODIAN_LOGIN_FAILURE_LIMIT", None)
        self.env = env
        self.port = None  # taken at the first start, kept across restarts (the service worker's origin)
        self.base = None
        self.proc = None
        self.log = open(self.data / "serve.log", "w+")

    def run(self, *args) -> str:
        done = subprocess.run([self.cli, *args], cwd=self.data, env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"shaodian {' '.join(args)[:80]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def facts(self, code: str):
        """Run `code` in `shaodian shell`; it prints one line `FACTS<json>`, returned decoded."""
        out = self.run("shell", "-c", code)
        return json.loads(next(line[5:] for line in out.splitlines() if line.startswith("FACTS")))

    def start(self):
        if self.port is None:
            self.port = free_port()
            self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([self.cli, "serve", "--port", str(self.port)], cwd=self.data, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                if fetch(self.base + "/login/", timeout=1)[0] == 200:
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


@contextmanager
def demo_site(name: str, *, residents: int, seed: int):
    """A migrated Site with a fresh demo city, not yet serving; removed with its data dir on exit."""
    site = Site(name)
    try:
        site.run("migrate", "-v0")
        site.run("demo-city", "--residents", str(residents), "--seed", str(seed), "-v0")
        yield site
    finally:
        site.close()


# --- the browser --------------------------------------------------------------------------------------


@contextmanager
def chromium(profile_prefix: str, *extra_args: str):
    """Headless Chromium on its own throw-away profile, asking for Chinese, with the CSP probe installed."""
    profile = tempfile.mkdtemp(prefix=profile_prefix)
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--window-size=1280,800", *extra_args,
    ):
        opts.add_argument(arg)
    # The city's phones ask for Chinese; the fallback without Accept-Language is tested over plain HTTP.
    opts.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(20)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_PROBE})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def viewport(driver, width, height):
    phone = width < 720
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2 if phone else 1, "mobile": phone},
    )


def login(driver, base, username, password=PASSWORD):
    """Log in through the form and wait for the page it leads to."""
    driver.get(base + "/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    submit_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def submit_and_wait(driver, button):
    """Click a button that posts a whole page and wait for the next page."""
    old = driver.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(driver, 10).until(_gone(old))
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def _gone(element):
    """Like EC.staleness_of, but mid-navigation Chromium may answer "node does not belong to the document"."""

    def check(_driver):
        try:
            element.is_enabled()
        except WebDriverException:
            return True
        return False

    return check


def sideways(driver) -> list:
    """Up to five elements that stick out to the right of the viewport."""
    return driver.execute_script(
        "var w = document.documentElement.clientWidth, out = [];"
        "document.querySelectorAll('body *').forEach(function (el) {"
        "  var r = el.getBoundingClientRect(); if (r.right > w + 1 && out.length < 5)"
        "    out.push(el.tagName.toLowerCase() + '.' + el.className + ' right=' + Math.round(r.right)); });"
        "return out;"
    )


def shots_dir() -> Path | None:
    """screenshots/ (created) when SHAODIAN_SCREENSHOTS=1, else None: no screenshots wanted."""
    if os.environ.get("SHAODIAN_SCREENSHOTS") != "1":
        return None
    SHOTS.mkdir(exist_ok=True)
    return SHOTS

"""What the headless-Chromium tests share: a real `shaodian serve` (tests/serving.py), the browser, the form login.

Plain helpers, no fixtures: each browser test module builds its own fixtures from these. Call
`require_chromium()` at the top of such a module so it is skipped (failed when CI is set) without Chromium.
"""

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from . import serving

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = serving.PASSWORD
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


# --- the server: one harness for every test that starts `shaodian serve` (tests/serving.py) --------------

Site, demo_site, fetch, free_port = serving.Site, serving.demo_site, serving.fetch, serving.free_port


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

"""Real pages in headless Chromium against a real `shaodian serve` with its own SQLite demo city.

Skipped when Chromium is absent (failed instead when CI is set). SHAODIAN_SCREENSHOTS=1 saves
every key page at 360×640 (phone) and 1280×800 (desktop), in Chinese and English, to screenshots/.
"""

import base64
import json
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from .browser_support import (
    DESKTOP,
    PASSWORD,
    PHONE,
    chromium,
    demo_site,
    fetch,
    login,
    require_chromium,
    shots_dir,
    sideways,
    submit_and_wait,
    viewport,
)

pytestmark = pytest.mark.browser

require_chromium()

# --- the server and the browser -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def server():
    """Base URL of `shaodian serve` on a free port, with its own data dir and a fresh demo city."""
    with demo_site("browser", residents=800, seed=3) as site:
        site.start()
        yield site.base


@pytest.fixture(scope="session")
def chrome():
    with chromium("shaodian-chromium-") as driver:
        yield driver


@pytest.fixture
def browser(chrome, server):
    """The shared Chromium, logged out, at desktop size, with an empty console."""
    chrome.execute_cdp_cmd("Network.clearBrowserCookies", {})
    viewport(chrome, *DESKTOP)
    chrome.get_log("browser")
    return chrome


_sessions: dict[tuple[str, str], str] = {}


def as_user(driver, base, username, lang=None):
    """Log in through the form once per user (Argon2 is slow on a busy box), then reuse the session."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    if lang:
        set_cookie(driver, base, "django_language", lang)
    sid = _sessions.get((base, username))
    if sid is None:
        login(driver, base, username)
        assert driver.current_url == base + "/", f"{username} could not log in"
        _sessions[base, username] = driver.get_cookie("sessionid")["value"]
    else:
        set_cookie(driver, base, "sessionid", sid)


def set_cookie(driver, base, name, value):
    driver.execute_cdp_cmd("Network.setCookie", {"name": name, "value": value, "url": base + "/"})


def severe(driver, ignore_status_of: str | None = None) -> list[str]:
    """SEVERE console entries; a page answered with an error status may log that one status line."""
    out = []
    for entry in driver.get_log("browser"):
        if entry["level"] != "SEVERE":
            continue
        msg = entry["message"]
        if ignore_status_of and msg.startswith(ignore_status_of) and "Failed to load resource" in msg:
            continue
        out.append(msg)
    return out


def rows(driver) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, "#rows > li:not(.pager)"))


def text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def api_token(base, username) -> str:
    status, body = fetch(
        base + "/api/v1/auth/token",
        data=json.dumps({"username": username, "password": PASSWORD, "name": "browser-test"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert status == 200, body
    return json.loads(body)["token"]


def api_get(base, token, path):
    status, body = fetch(base + "/api/v1" + path, headers={"Authorization": f"Bearer {token}"})
    assert status == 200, body
    return json.loads(body)


# --- a tour of the key pages, observed once and asserted by several tests ----------------------------


def _shot(driver, name, width, height):
    shots = shots_dir()
    if shots is None:
        return
    stem = f"{name}-{width}x{height}"
    driver.save_screenshot(str(shots / f"{stem}.png"))
    full_h = min(driver.execute_script("return document.documentElement.scrollHeight"), 6000)
    if full_h > height:
        png = driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {"captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": full_h, "scale": 1}},
        )
        (shots / f"{stem}-full.png").write_bytes(base64.b64decode(png["data"]))


def _observe(driver, base, lang, name, expect_error=False):
    """Look at the page now open, at both sizes: console, CSP, resources, horizontal overflow."""
    url = driver.current_url
    seen = {"name": f"{lang}-{name}", "url": url}
    for width, height in (DESKTOP, PHONE):
        viewport(driver, width, height)
        if width == PHONE[0]:
            seen["scroll"] = driver.execute_script(
                "var e = document.documentElement; return [e.scrollWidth, e.clientWidth];"
            )
            seen["wide"] = sideways(driver)
        _shot(driver, seen["name"], width, height)
    viewport(driver, *DESKTOP)
    seen["csp"] = driver.execute_script("return window.__csp || []")
    seen["resources"] = driver.execute_script(
        "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".map(function (e) { return e.name; });"
    )
    seen["htmx"] = driver.execute_script("return typeof htmx !== 'undefined'")
    seen["severe"] = severe(driver, ignore_status_of=url if expect_error else None)
    return seen


def _tour(driver, base, lang):
    def look(name, path=None, expect_error=False):
        if path is not None:
            driver.get(path if path.startswith("http") else base + path)
        seen.append(_observe(driver, base, lang, name, expect_error))

    def follow(css):
        return driver.find_element(By.CSS_SELECTOR, css).get_attribute("href")

    seen = []
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    set_cookie(driver, base, "django_language", lang)
    look("login", "/login/")

    as_user(driver, base, "grid_a", lang)
    look("home", "/")
    look("residents", "/residents/")
    detail = next(
        li.find_element(By.CSS_SELECTOR, "a.name").get_attribute("href")
        for li in driver.find_elements(By.CSS_SELECTOR, "#rows > li:not(.pager)")
        if "********" in li.text and "****" in li.find_element(By.CSS_SELECTOR, ".row1 .mono").text
    )
    look("resident", detail)
    household = follow("dl.fields a[href*='/households/']")
    form = driver.find_element(By.XPATH, "//form[input[@name='field' and @value='phone']]")
    form.find_element(By.NAME, "purpose").send_keys("核实联系方式")
    form.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".reveal-value")))
    look("resident-revealed")
    look("household", household)
    building = follow(".crumbs a[href*='/buildings/']")
    look("building", building)
    look("grid", follow(".crumbs a[href*='/places/']"))
    driver.get(base + "/residents/")
    driver.find_element(By.CSS_SELECTOR, "#more a").click()
    WebDriverWait(driver, 10).until(lambda d: rows(d) > 20)
    look("residents-more")
    look("notfound", "/residents/999999999/", expect_error=True)

    as_user(driver, base, "staff_a", lang)
    look("import", "/residents/import/")
    driver.find_element(By.CSS_SELECTOR, "input[type=file]")

    as_user(driver, base, "commander", lang)
    look("tree-district", "/places/")
    for level in ("street", "community", "grid"):
        look(f"tree-{level}", follow("ul.list a.name"))
    look("home-commander", "/")

    as_user(driver, base, "supervisor", lang)
    look("audit", "/audit/")

    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    set_cookie(driver, base, "django_language", lang)
    driver.get_log("browser")
    for _ in range(6):  # the fifth failure locks the name; later attempts get the locked page at once
        login(driver, base, "nobody-locked", "wrong-password")
        if not driver.find_elements(By.ID, "id_password"):
            break
    else:
        pytest.fail("five wrong passwords did not lock the account")
    look("locked", expect_error=True)
    return seen


@pytest.fixture(scope="module")
def tour(chrome, server):
    """Every key page in Chinese and in English, observed at both sizes."""
    chrome.get_log("browser")
    seen = _tour(chrome, server, "zh-hans") + _tour(chrome, server, "en")
    chrome.execute_cdp_cmd("Network.clearBrowserCookies", {})
    return seen


# --- the tests ----------------------------------------------------------------------------------------


def test_it_logs_in_through_the_form_in_chinese_by_default(browser, server):
    # Without any Accept-Language the platform speaks Chinese.
    status, body = fetch(server + "/login/")
    assert status == 200 and '<html lang="zh-CN">' in body and "登录" in body

    browser.get(server + "/login/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert "登录" in browser.find_element(By.TAG_NAME, "h1").text

    login(browser, server, "grid_a", "not-the-password")
    assert "/login/" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, ".errorlist").text.strip()

    login(browser, server, "grid_a")
    assert browser.current_url == server + "/"
    _sessions[server, "grid_a"] = browser.get_cookie("sessionid")["value"]
    counts = [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".stats .stat b")]
    assert len(counts) >= 4 and int(counts[0].replace(",", "")) > 0
    assert "居民" in text(browser)


def test_it_searches_pages_with_htmx_and_opens_a_masked_detail(browser, server):
    as_user(browser, server, "grid_a")
    browser.get(server + "/residents/")
    search = browser.find_element(By.CSS_SELECTOR, "input[name=q]")
    search.send_keys("王")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]"))
    names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#rows a.name")]
    assert names and all(n.startswith("王") for n in names), names

    browser.get(server + "/residents/")
    before = rows(browser)
    assert before == 20
    browser.execute_script("window.__samePage = true;")
    browser.find_element(By.CSS_SELECTOR, "#more a").click()
    WebDriverWait(browser, 10).until(lambda d: rows(d) > before)
    assert browser.execute_script("return window.__samePage === true"), "More reloaded the page"
    assert browser.find_elements(By.CSS_SELECTOR, "#more a"), "the second page lost its More button"

    target = next(
        li.find_element(By.CSS_SELECTOR, "a.name")
        for li in browser.find_elements(By.CSS_SELECTOR, "#rows > li:not(.pager)")
        if "********" in li.text
    )
    name = target.text
    submit_and_wait(browser, target)
    assert re.search(r"/residents/\d+/$", browser.current_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    assert "********" in browser.find_element(By.ID, "val-id_number").text
    assert severe(browser) == []


def test_it_reveals_a_phone_in_place_for_a_stated_purpose(browser, server):
    as_user(browser, server, "grid_a")
    browser.get(server + "/residents/")
    target = next(
        li.find_element(By.CSS_SELECTOR, "a.name").get_attribute("href")
        for li in browser.find_elements(By.CSS_SELECTOR, "#rows > li:not(.pager)")
        if re.fullmatch(r"1\d\d\*{4}\d{4}", li.find_element(By.CSS_SELECTOR, ".row1 .mono").text)
    )
    browser.get(target)
    masked = browser.find_element(By.ID, "val-phone").text
    form = browser.find_element(By.XPATH, "//form[input[@name='field' and @value='phone']]")
    browser.execute_script("window.__samePage = true;")
    form.find_element(By.NAME, "purpose").send_keys("联系核酸检测安排")
    form.find_element(By.TAG_NAME, "button").click()
    shown = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".reveal-value")))
    assert re.fullmatch(r"1\d{10}", shown.text), shown.text
    assert shown.text[:3] == masked[:3] and shown.text[-4:] == masked[-4:]
    assert browser.execute_script("return window.__samePage === true"), "the reveal reloaded the page"
    assert severe(browser) == []


def test_it_switches_the_language_and_back(browser, server):
    as_user(browser, server, "grid_a")
    browser.get(server + "/residents/")
    assert "居民" in browser.find_element(By.CSS_SELECTOR, "nav.menu").text
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.lang button"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Residents" in browser.find_element(By.CSS_SELECTOR, "nav.menu").text
    assert browser.current_url.startswith(server + "/residents/")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.lang button"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert "居民" in browser.find_element(By.CSS_SELECTOR, "nav.menu").text


def test_it_has_no_csp_violation_or_script_error_on_key_pages(tour):
    problems = {p["name"]: p["severe"] + p["csp"] for p in tour if p["severe"] or p["csp"]}
    assert problems == {}
    assert all(p["htmx"] for p in tour), [p["name"] for p in tour if not p["htmx"]]


def test_it_loads_nothing_from_outside_the_server(tour, server):
    outside = {p["name"]: [u for u in p["resources"] if not u.startswith(server + "/")] for p in tour}
    assert {k: v for k, v in outside.items() if v} == {}
    assert all(p["resources"] for p in tour)


def test_it_never_scrolls_sideways_on_a_phone(tour):
    wide = {p["name"]: (p["scroll"], p["wide"]) for p in tour if p["scroll"][0] > p["scroll"][1]}
    assert wide == {}


def test_it_answers_404_for_a_resident_of_another_grid(browser, server):
    token = api_token(server, "grid_b")
    other = api_get(server, token, "/residents?limit=1")["items"][0]
    mine = api_get(server, api_token(server, "grid_a"), "/residents?limit=1")["items"][0]
    assert other["grid_id"] != mine["grid_id"]

    as_user(browser, server, "grid_a")
    browser.get(f"{server}/residents/{other['id']}/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "404"
    assert other["name"] not in text(browser)
    browser.get(f"{server}/residents/{mine['id']}/")
    assert browser.find_element(By.TAG_NAME, "h1").text == mine["name"]

"""A resident files a report with a photo from a 360×640 phone in headless Chromium against a real `shaodian serve`,
without an account, and gets a tracking number; staff then see it. Skipped without Chromium (failed when CI is set).
"""

import io
import tempfile
from pathlib import Path

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from .browser_support import DESKTOP, PHONE, SHOTS, chromium, demo_site, login, require_chromium, sideways, \
    submit_and_wait, viewport

pytestmark = pytest.mark.browser

require_chromium()


@pytest.fixture(scope="module")
def site():
    with demo_site("complaints", residents=1500, seed=11) as s:
        s.start()
        yield s


@pytest.fixture
def browser():
    with chromium("shaodian-complaints-") as driver:
        yield driver


def photo_with_gps() -> str:
    img = Image.new("RGB", (2400, 1600), (90, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    path = Path(tempfile.mkdtemp(prefix="shaodian-photo-")) / "门口.jpg"
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return str(path)


def test_a_resident_files_a_report_with_a_photo_on_a_phone(site, browser):
    SHOTS.mkdir(exist_ok=True)
    viewport(browser, *PHONE)
    browser.get(site.base + "/public/report/")
    assert "反映问题" in browser.title
    browser.save_screenshot(str(SHOTS / "complaints-report-360.png"))
    Select(browser.find_element(By.ID, "id_place")).select_by_index(1)
    browser.find_element(By.ID, "id_text").send_keys("小区大门被铁链锁住，我母亲要去医院透析出不去")
    browser.find_element(By.ID, "id_photo").send_keys(photo_with_gps())
    browser.find_element(By.ID, "id_anonymous").click()
    assert sideways(browser) == []
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button"))
    number = browser.find_element(By.ID, "number").text
    code = browser.find_element(By.ID, "code").text
    assert len(number) == 12 and len(code) == 8
    assert sideways(browser) == [] and browser.execute_script("return window.__csp") == []
    browser.save_screenshot(str(SHOTS / "complaints-done-360.png"))

    # Staff of the handling street see it, with the photo and without the anonymous reporter.
    viewport(browser, *DESKTOP)
    login(browser, site.base, "commander")
    browser.get(site.base + "/complaints/")
    browser.find_element(By.PARTIAL_LINK_TEXT, number).click()
    assert "匿名反映" in browser.page_source
    assert browser.execute_script("var i = document.querySelector('img.photo'); return i && i.naturalWidth") == 1280
    browser.save_screenshot(str(SHOTS / "complaints-detail-1280.png"))
    browser.get(site.base + "/complaints/kpi/")
    # the page reads the daily summary the services keep: the report just filed is counted
    assert int(browser.find_element(By.CSS_SELECTOR, "table.grid tbody td").text) > 0
    browser.save_screenshot(str(SHOTS / "complaints-kpi-1280.png"))
    browser.get(site.base + "/complaints/")
    assert "导出Excel" in browser.page_source
    browser.save_screenshot(str(SHOTS / "complaints-list-1280.png"))
    viewport(browser, *PHONE)
    browser.get(site.base + "/complaints/")
    assert sideways(browser) == []
    browser.save_screenshot(str(SHOTS / "complaints-list-360.png"))
    browser.get(site.base + "/complaints/kpi/")
    browser.save_screenshot(str(SHOTS / "complaints-kpi-360.png"))

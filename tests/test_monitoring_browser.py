"""A person under monitoring sends a daily report through their own link on a 360×640 phone in headless Chromium,
without an account: the grid worker issues the link on the person's page, the person ticks a symptom and sends a
fever; the alert then shows on the grid worker's alerts page. Skipped without Chromium (failed when CI is set).
Screenshots of every monitoring page at 360×640 and 1280×800 with SHAODIAN_SCREENSHOTS=1.
"""

import pytest
from selenium.webdriver.common.by import By

from .browser_support import DESKTOP, PHONE, chromium, demo_site, login, require_chromium, shots_dir, sideways, \
    submit_and_wait, viewport

pytestmark = pytest.mark.browser

require_chromium()


@pytest.fixture(scope="module")
def site():
    with demo_site("monitoring", residents=1500, seed=13) as s:
        s.start()
        yield s


def _shoot(browser, name: str) -> None:
    shots = shots_dir()
    if shots is None:
        return
    for size, label in ((PHONE, "360"), (DESKTOP, "1280")):
        viewport(browser, *size)
        browser.save_screenshot(str(shots / f"monitoring-{name}-{label}.png"))
    viewport(browser, *PHONE)


def test_a_person_reports_a_fever_through_their_own_link_on_a_phone(site):
    with chromium("shaodian-monitoring-staff-") as staff:
        viewport(staff, *PHONE)
        login(staff, site.base, "grid_a")
        staff.get(site.base + "/monitoring/")
        assert "健康监测" in staff.title and sideways(staff) == []
        _shoot(staff, "list")
        # The contact put under monitoring today has no report yet: issue the link on the person's page.
        rows = staff.find_elements(By.CSS_SELECTOR, "ul.list li")
        target = next(r for r in rows if "尚无报告" in r.text)
        name = target.find_element(By.CSS_SELECTOR, "a.name").text
        target.find_element(By.CSS_SELECTOR, "a.name").click()
        submit_and_wait(staff, staff.find_element(By.CSS_SELECTOR, "button[name=action][value=link]"))
        link = staff.find_element(By.CSS_SELECTOR, "p.mono").text
        assert "/public/health/" in link and sideways(staff) == []
        _shoot(staff, "detail")
        for page, shot in (("/monitoring/alerts/", "alerts"), ("/monitoring/risk-areas/", "risk-areas")):
            staff.get(site.base + page)
            assert sideways(staff) == [], page
            _shoot(staff, shot)

        with chromium("shaodian-monitoring-person-") as phone:  # the person's own phone: no login, no cookie
            viewport(phone, *PHONE)
            phone.get(link)
            assert "每日健康打卡" in phone.title and name in phone.page_source
            _shoot(phone, "self-report")
            temperature = phone.find_element(By.ID, "id_temperature")
            temperature.send_keys("33.0")
            submit_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "main form button"))
            assert "34" in phone.find_element(By.CSS_SELECTOR, ".errorlist").text  # refused, with the range
            temperature = phone.find_element(By.ID, "id_temperature")
            temperature.clear()
            temperature.send_keys("38.4")
            phone.find_element(By.CSS_SELECTOR, "input[name=symptoms][value=cough]").click()
            assert sideways(phone) == []
            submit_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "main form button"))
            assert "今日报告已收到" in phone.find_element(By.CSS_SELECTOR, "[role=status]").text
            _shoot(phone, "self-report-done")

        staff.get(site.base + "/monitoring/alerts/")
        text = staff.find_element(By.TAG_NAME, "main").text
        assert name in text and "发热" in text and "38.4" in text


def test_community_staff_see_the_returnee_list_with_its_unmatched_and_invalid_rows(site):
    with chromium("shaodian-monitoring-community-") as staff:
        viewport(staff, *PHONE)
        login(staff, site.base, "staff_a")
        staff.get(site.base + "/monitoring/returnees/")
        _shoot(staff, "returnees")
        staff.find_element(By.CSS_SELECTOR, "ul.list a.name").click()
        assert "未匹配" in staff.page_source and "无效" in staff.page_source and "来自风险地区" in staff.page_source
        assert sideways(staff) == []
        _shoot(staff, "returnee-list")

"""人户迁移 by real clicks in headless Chromium: grid_b asks, grid_a accepts, the person moves; the edit form stays masked."""

import pytest
from selenium.webdriver.common.by import By

from .browser_support import DESKTOP, PHONE, chromium, demo_site, login, require_chromium, shots_dir, sideways, submit_and_wait, viewport

pytestmark = pytest.mark.browser

require_chromium()

FACTS = """
import json
from shaodian.people.models import Resident
from shaodian.places.models import Household
from shaodian.security.models import User
a, b = User.objects.get(username="grid_a"), User.objects.get(username="grid_b")
r = Resident.objects.filter(grid_id=a.node_id).exclude(phone="").order_by("id").first()
h = Household.objects.filter(grid_id=b.node_id).order_by("id").first()
print("FACTS" + json.dumps({"resident": r.pk, "name": r.name, "id_number": r.id_number, "phone": r.phone,
                            "household": h.pk, "address": h.address, "old_address": r.household.address}))
"""


@pytest.fixture(scope="module")
def site():
    with demo_site("transfer", residents=300, seed=5) as s:
        s.start()
        yield s


def _shot(driver, name):
    out = shots_dir()
    if out is None:
        return
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        viewport(driver, *size)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        viewport(driver, size[0], min(max(height, size[1]), 4000))
        driver.save_screenshot(str(out / f"people-{name}-{label}.png"))
    viewport(driver, *DESKTOP)


def test_grid_b_requests_and_grid_a_accepts_a_transfer_by_clicks(site):
    facts = site.facts(FACTS)
    base = site.base
    with chromium("shaodian-transfer-") as driver:
        viewport(driver, *DESKTOP)
        login(driver, base, "grid_b")
        driver.get(f"{base}/residents/households/{facts['household']}/")
        submit_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "a[href*='/residents/transfers/new/']"))
        driver.find_element(By.ID, "id_name").send_keys(facts["name"])
        driver.find_element(By.ID, "id_id_number").send_keys(facts["id_number"])
        driver.find_element(By.ID, "id_note").send_keys("已在本小区租住")
        _shot(driver, "transfer-form")
        submit_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        page = driver.find_element(By.TAG_NAME, "main").text
        assert "迁入申请已发送" in page and "待处理" in page
        assert facts["old_address"] not in driver.page_source and facts["phone"][-4:] not in driver.page_source
        assert not sideways(driver)
        _shot(driver, "transfers-outgoing")

        driver.delete_all_cookies()
        login(driver, base, "grid_a")
        driver.get(f"{base}/residents/transfers/")
        assert facts["name"] in driver.find_element(By.TAG_NAME, "main").text
        _shot(driver, "transfers-inbox")
        submit_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=decision][value=accept]"))
        assert "已同意" in driver.find_element(By.TAG_NAME, "main").text
        driver.get(f"{base}/residents/{facts['resident']}/")
        assert "404" in driver.title or "未找到" in driver.page_source

        driver.delete_all_cookies()
        login(driver, base, "grid_b")
        driver.get(f"{base}/residents/{facts['resident']}/")
        main = driver.find_element(By.TAG_NAME, "main").text
        assert facts["address"] in main and "已迁出" in main
        _shot(driver, "resident-after-transfer")
        # The edit form shows the phone masked; saving with it untouched keeps the number.
        driver.get(f"{base}/residents/{facts['resident']}/edit/")
        assert facts["phone"] not in driver.page_source
        _shot(driver, "edit-masked-phone")
        submit_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form input[name=form][value=person] ~ button[type=submit]"))
        kept = site.facts(f"from shaodian.people.models import Resident; import json; "
                          f"print('FACTS' + json.dumps(Resident.objects.get(pk={facts['resident']}).phone))")
        assert kept == facts["phone"]

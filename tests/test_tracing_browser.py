"""A tracer on a case page in headless Chromium: real mouse clicks on the controls inside contact cards."""

import pytest
from selenium.webdriver.common.by import By

from .browser_support import DESKTOP, PHONE, chromium, demo_site, login, require_chromium, submit_and_wait, viewport

pytestmark = pytest.mark.browser

require_chromium()

PROPOSED = """
import json
from shaodian.tracing.models import Contact
rows = list(Contact.objects.filter(status="proposed", degree=1).order_by("case_id", "-minutes", "pk")
            .values_list("case_id", "pk")[:2])
print("FACTS" + json.dumps(rows))
"""


def status_of(site, contact_id):
    return site.facts(f"import json; from shaodian.tracing.models import Contact; "
                      f"print('FACTS' + json.dumps(Contact.objects.get(pk={contact_id}).status))")


@pytest.fixture(scope="module")
def site():
    with demo_site("tracing", residents=800, seed=3) as site:
        site.start()
        yield site


@pytest.fixture(scope="module")
def browser():
    with chromium("shaodian-tracing-") as driver:
        yield driver


def click_decision(driver, contact_id, label):
    """Scroll the contact's card into view and click its button with the mouse (not a form post)."""
    card = driver.find_element(By.ID, f"contact-{contact_id}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", card)
    card.find_element(By.NAME, "note").send_keys("同桌就餐")
    button = next(b for b in card.find_elements(By.CSS_SELECTOR, "button[name=decision]") if b.text.strip() == label)
    submit_and_wait(driver, button)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_it_confirms_and_dismisses_a_contact_by_clicking_its_buttons(site, browser, size):
    contacts = site.facts(PROPOSED)
    assert len(contacts) == 2, "the demo city has no proposed contacts to decide"
    (case_id, first), (_case, second) = contacts
    viewport(browser, *size)
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, site.base, "cdc")
    page = f"{site.base}/tracing/cases/{case_id}/"
    browser.get(page)
    click_decision(browser, first, "确认")
    assert "/residents/" not in browser.current_url, "the card's link took the click"
    assert status_of(site, first) == "confirmed"
    assert "已确认" in browser.find_element(By.ID, f"contact-{first}").text
    browser.get(page)
    click_decision(browser, second, "排除")
    assert "/residents/" not in browser.current_url
    assert status_of(site, second) == "dismissed"

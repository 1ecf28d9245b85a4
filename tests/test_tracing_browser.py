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


def test_it_dismisses_ticked_contacts_in_one_action(site, browser):
    rows = site.facts(PROPOSED)
    case_id = rows[0][0]
    ids = site.facts(f"import json; from shaodian.tracing.models import Contact; print('FACTS' + json.dumps(list("
                     f"Contact.objects.filter(case_id={case_id}).order_by('-minutes', 'degree', 'pk')[:50]"
                     f".values_list('pk', 'status'))))")
    picked = [pk for pk, status in ids if status == "proposed"][:2]
    assert len(picked) == 2
    viewport(browser, *PHONE)
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login(browser, site.base, "cdc")
    browser.get(f"{site.base}/tracing/cases/{case_id}/")
    for pk in picked:
        box = browser.find_element(By.CSS_SELECTOR, f"#contact-{pk} .pick")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()  # the label, as a thumb would
        assert box.find_element(By.TAG_NAME, "input").is_selected()
    summary = browser.find_element(By.CSS_SELECTOR, "#bulk").find_element(By.XPATH, "ancestor::details/summary")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    summary.click()
    browser.find_element(By.ID, "id_note").send_keys("不同时段，复核排除")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#bulk button[value=dismiss]"))
    assert [status_of(site, pk) for pk in picked] == ["dismissed", "dismissed"]
    assert "已决定 2 名密接" in browser.find_element(By.TAG_NAME, "body").text

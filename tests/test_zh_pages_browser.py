"""Pages whose scripts write text (the maps, the guard page) read Chinese in headless Chromium too.

tests/test_zh_pages.py reads the HTML the server sends; what a script adds (Leaflet's buttons, the guard
page's verdicts and queue) exists only in the browser. This walks those pages for the roles that use them
and checks the rendered text and the attributes a user reads with the same checker. Skipped without
Chromium (failed instead when CI is set).
"""

import pytest

from shaodian.demo.users import DEMO_LOGINS
from tests.test_zh_pages import catalogue_messages, code_values, english_on

from .browser_support import DESKTOP, PHONE, chromium, demo_site, login, require_chromium, viewport

pytestmark = pytest.mark.browser

require_chromium()

FACTS = """
import json
from shaodian.checkpoints.models import Checkpoint
from shaodian.measures.models import Measure
from shaodian.places.models import Place
from shaodian.security.models import User
staff = User.objects.get(username="staff_a")
gate = Checkpoint.objects.filter(place_id=staff.node_id).order_by("pk").first()
print("FACTS" + json.dumps({"gate": gate.pk, "measures": list(Measure.objects.order_by("pk").values_list("pk", flat=True)),
                            "community": staff.node_id}))
"""

# What the browser shows: the rendered text, and the attributes a user reads (tooltips, hints, labels read aloud).
SHOWN_TEXT = """
var parts = [document.body.innerText];
document.querySelectorAll('[title],[placeholder],[aria-label],[alt]').forEach(function (el) {
  ['title', 'placeholder', 'aria-label', 'alt'].forEach(function (a) { if (el.getAttribute(a)) parts.push(el.getAttribute(a)); });
});
return parts.join('\\n');
"""


LOGIN_NAMES = {name for names, _role in DEMO_LOGINS for name in names.split()}


@pytest.fixture(scope="module")
def site():
    with demo_site("zhpages", residents=800, seed=5) as s:
        s.start()
        yield s


@pytest.fixture(scope="module")
def chrome():
    with chromium("shaodian-zhpages-") as driver:
        yield driver


def _pages(facts) -> dict[str, list[str]]:
    measures = [f"/measures/{pk}/" for pk in facts["measures"]]
    return {
        "commander": ["/", "/places/", "/measures/", "/measures/zones/", "/measures/closures/", "/measures/risk/",
                      *measures],
        "staff_a": ["/", f"/places/{facts['community']}/", "/checkpoints/", "/checkpoints/passes/",
                    f"/checkpoints/{facts['gate']}/poster/", *measures],
        "guard_a": ["/", f"/checkpoints/{facts['gate']}/guard/"],
        "cdc": ["/", "/tracing/"],
        "legal": ["/", "/measures/"],
        "supply": ["/", "/checkpoints/passes/"],
        "admin": ["/", "/audit/", "/system/outbox/"],
    }


def test_script_written_text_is_chinese(site, chrome):
    facts = site.facts(FACTS)
    codes, messages = code_values(), catalogue_messages()
    problems, seen = {}, 0
    for username, urls in _pages(facts).items():
        chrome.execute_cdp_cmd("Network.clearBrowserCookies", {})
        viewport(chrome, *DESKTOP)
        login(chrome, site.base, username)
        for url in urls:
            for size in (PHONE, DESKTOP):
                viewport(chrome, *size)
                chrome.get(site.base + url)
                text = chrome.execute_script(SHOWN_TEXT)
                assert "Server Error" not in text, f"{url} as {username}"
                seen += 1
                # A login name is the user's own name wherever they are named (the audit page's actors).
                found = english_on(text, codes, messages, LOGIN_NAMES)
                if found:
                    problems[f"{url} as {username} at {size[0]}px"] = found
    assert seen > 20
    assert not problems, "English on Chinese pages:\n" + "\n".join(f"{k}: {v}" for k, v in sorted(problems.items()))

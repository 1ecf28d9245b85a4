"""The measures pages speak Chinese: no code value of an enum appears as visible text (issue 9, item 8)."""

import re
from html.parser import HTMLParser

import pytest

from shaodian.measures import lifecycle, rules, services
from shaodian.measures.models import ClosureType, MeasureStatus, StaticLevelKey, ZoneLevel
from shaodian.risk.matrix import RiskLevel
from shaodian.measures.tests.helpers import advance, building_of, propose
from shaodian.people.models import SpecialGroup

pytestmark = pytest.mark.django_db

# Every code value the measures pages could print; "grid" etc. are covered through lifecycle.Level.
CODES = sorted({str(v) for enum in (lifecycle.Status, lifecycle.Role, lifecycle.Level, lifecycle.SpecialGroup,
                                    lifecycle.GapKind, lifecycle.Verdict, rules.PlaceFlag, rules.Restriction,
                                    rules.ClosureType, RiskLevel, SpecialGroup, ClosureType, MeasureStatus,
                                    StaticLevelKey, ZoneLevel) for v in enum} | {"building", "unit", "legal_passed"},
               key=len, reverse=True)
CODE_RE = re.compile(r"(?<![A-Za-z0-9_./-])(" + "|".join(map(re.escape, CODES)) + r")(?![A-Za-z0-9_/-])")
# Names of actions in the timeline, as the lifecycle logs them.
ACTION_WORDS = re.compile(r"\b(Measure proposed|Sent to legal review|Vote recorded|Special-group gate checked|"
                          r"Passed legal review|Recovery started)\b")


class VisibleText(HTMLParser):
    """The text a reader sees: element text outside script and style (attribute values are not shown)."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def leaks(html: str) -> list[str]:
    found = []
    for text in visible(html):
        found += [f"{m.group(1)!r} in {text[:80]!r}" for m in CODE_RE.finditer(text)]
        found += [f"{m.group(1)!r} in {text[:80]!r}" for m in ACTION_WORDS.finditer(text)]
    return found


def test_the_detector_finds_a_code_in_visible_text_only():
    assert leaks("<p>慢性病 3 · dialysis 3</p>") == ["'dialysis' in '慢性病 3 · dialysis 3'"]
    assert leaks('<p><span class="tag">no_carer</span></p>') and leaks("<li>负责补齐: grid_worker</li>")
    assert leaks("<li>Measure proposed</li>")
    assert not leaks('<input name="zone" value="sealed"><p>封控区</p><script>var s = "sealed";</script>')


@pytest.fixture
def story(users, clock, measures_story):
    ids = measures_story(5)
    # A measure returned by the legal reviewer, one that passed legal review, and one withdrawn.
    building = building_of(users["grid_a"])
    returned = advance(users, propose(users, building, clock), clock, "legal_review")
    clock.tick(60)
    services.measure_legal_return(actor=users["legal"], measure_id=returned.pk, reasons=["范围过大"])
    passed = advance(users, propose(users, building, clock), clock, "legal_passed")
    withdrawn = propose(users, building, clock)
    clock.tick(60)
    services.measure_withdraw(actor=users["staff_a"], measure_id=withdrawn.pk, reason="已无必要")
    return [*ids.values(), returned.pk, passed.pk, withdrawn.pk]


@pytest.mark.parametrize("username", ["staff_a", "street_a", "commander", "cdc", "legal", "grid_a", "supervisor"])
def test_measures_pages_show_no_code_values(users, client_as, story, username):
    client = client_as(username)
    urls = ["/measures/", "/measures/zones/", "/measures/closures/", "/measures/risk/", "/public/",
            "/public/measures"]
    for pk in story:
        urls += [f"/measures/{pk}/", f"/measures/{pk}/gate/", f"/measures/{pk}/votes/"]
    found = {}
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            bad = leaks(response.content.decode())
            if bad:
                found[url] = bad
    assert not found, found


def test_the_status_follows_the_real_state_after_legal_review(users, client_as, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "legal_passed")
    page = client_as("street_a").get(f"/measures/{m.pk}/").content.decode()
    assert "合法性审查已通过，待审批" in page
    head, _sep, log = " ".join(visible(page)).partition("流转记录")
    assert "合法性审查中" not in head and "合法性审查通过 " in log and "→ 合法性审查已通过，待审批" in log
    listing = client_as("street_a").get("/measures/").content.decode()
    assert "合法性审查已通过，待审批" in listing

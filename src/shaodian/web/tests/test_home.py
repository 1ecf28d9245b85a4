"""Every role's home shows that role's own work, and every link on it opens (no dead ends)."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db.models import Count
from django.utils import timezone

from shaodian.checkpoints.models import Checkpoint, Pass, Scan
from shaodian.measures.models import Measure
from shaodian.measures.tests.conftest import clock  # noqa: F401 (fixture)
from shaodian.measures.tests.helpers import advance, building_of, propose
from shaodian.people.models import Resident
from shaodian.places.models import Building, Place
from shaodian.web.home import local_midnight

pytestmark = pytest.mark.django_db

ROLES = ["grid_a", "staff_a", "street_a", "commander", "cdc", "legal", "supply", "guard_a", "volunteer_a",
         "supervisor", "admin"]
# What the homes of the guard, volunteer and legal reviewer showed before: counts they may not see.
# Counts only, none per row: the busiest home (community staff: residents, gates, passes, measures) runs 22.
QUERY_BUDGET = 24
EMPTY_COUNTS = re.compile(r"<b>0</b><span>居民</span>")


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]


def _gate(community: Place, name: str) -> Checkpoint:
    cp = Checkpoint(name=name, kind="community_gate")
    cp.locate_at(community)
    cp.save()
    return cp


def _buildings(user, n):
    return list(Building.objects.filter(grid_id=user.node_id).annotate(n=Count("units__households__current_residents"))
                .filter(n__gte=5).order_by("pk")[:n])


def _scan(cp, resident, at, direction, n):
    for i in range(n):
        Scan.objects.create(client_id=f"home-{cp.pk}-{direction}-{at.timestamp()}-{i}", resident=resident,
                            checkpoint=cp, at=at, direction=direction)


def test_the_guards_home_shows_its_checkpoints_with_todays_entries_and_exits(client_as, users):
    guard = users["guard_a"]
    cp = _gate(guard.node, "海棠苑东门（测试）")
    resident = Resident.objects.filter(community_id=guard.node_id).first()
    now = timezone.now()
    midnight = local_midnight(now)
    _scan(cp, resident, midnight + (now - midnight) / 2, "in", 3)
    _scan(cp, resident, midnight + (now - midnight) / 3, "out", 2)
    _scan(cp, resident, midnight - dt.timedelta(minutes=5), "in", 4)  # yesterday, Beijing time

    page = client_as("guard_a").get("/").content.decode()

    assert not EMPTY_COUNTS.search(page)
    cps = _section(page, "h-cps")
    assert f'href="/checkpoints/{cp.pk}/guard/"' in cps
    row = _text(cps[cps.index("海棠苑东门（测试）"):])
    assert row.startswith("海棠苑东门（测试）")
    assert "今日进 3 今日出 2" in row


def test_local_midnight_is_beijing_midnight():
    at = dt.datetime(2026, 11, 27, 17, 30, tzinfo=dt.timezone.utc)  # 01:30 on the 28th in Beijing
    assert local_midnight(at) == dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.timezone.utc)


def test_the_legal_reviewers_home_lists_the_measures_waiting_for_review(client_as, users, clock):  # noqa: F811
    first, second = _buildings(users["grid_a"], 2)
    waiting = advance(users, propose(users, first, clock), clock, "legal_review")
    reviewed = advance(users, propose(users, second, clock), clock, "legal_passed")

    page = client_as("legal").get("/").content.decode()

    assert not EMPTY_COUNTS.search(page)
    review = _section(page, "h-review")
    assert f'href="/measures/{waiting.pk}/"' in review
    assert f'href="/measures/{reviewed.pk}/"' not in review  # its legal review is done: the approver's turn
    assert waiting.area_name in _text(review)
    approve = _section(client_as("commander").get("/").content.decode(), "h-approve")
    assert f'href="/measures/{reviewed.pk}/"' in approve and f'href="/measures/{waiting.pk}/"' not in approve


def test_the_supply_officers_home_counts_passes_by_state(client_as, users):
    supply = users["supply"]
    cp = _gate(users["guard_a"].node, "保供测试卡口")
    now = timezone.now()
    day = dt.timedelta(days=1)
    terms = {"valid": (now - day, now + day, None), "future": (now + day, now + 2 * day, None),
             "expired": (now - 2 * day, now - day, None), "revoked": (now - day, now + day, now)}
    before = {"valid": 0, "future": 0, "expired": 0, "revoked": 0}
    page = client_as("supply").get("/").content.decode()
    for label, key in (("当前有效", "valid"), ("未生效", "future"), ("已过期", "expired"), ("已撤销", "revoked")):
        before[key] = int(re.search(rf"<b>([\d,]+)</b><span>{label}</span>", page).group(1).replace(",", ""))
    for key, (start, end, revoked) in terms.items():
        for _ in range({"valid": 3, "future": 2, "expired": 1, "revoked": 1}[key]):
            p = Pass.objects.create(kind="supply_vehicle", plate="沪A12345", reason="保供", valid_from=start,
                                    valid_to=end, issued_by=supply, revoked_at=revoked)
            p.checkpoints.set([cp])

    page = client_as("supply").get("/").content.decode()

    passes = _section(page, "h-passes")
    for label, key, added in (("当前有效", "valid", 3), ("未生效", "future", 2), ("已过期", "expired", 1),
                              ("已撤销", "revoked", 1)):
        shown = int(re.search(rf"<b>([\d,]+)</b><span>{label}</span>", passes).group(1).replace(",", ""))
        assert shown == before[key] + added, label
    assert 'href="/checkpoints/passes/#issue"' in passes
    assert not EMPTY_COUNTS.search(page)


def test_the_volunteers_home_says_it_has_no_task_yet_and_shows_public_notices(client_as, users):
    page = client_as("volunteer_a").get("/").content.decode()

    assert not EMPTY_COUNTS.search(page)
    assert "目前还没有分派给您的任务" in _text(_section(page, "h-tasks"))
    assert "h-notices" in page
    assert 'href="/public/measures"' in page


def test_the_volunteer_sees_a_measure_in_force_over_its_community_and_not_one_elsewhere(client_as, users, clock):  # noqa: F811
    here = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "in_force")
    # The same measure over grid_b's community, which the volunteer does not serve.
    elsewhere = Measure.objects.get(pk=here.pk)
    elsewhere.pk, elsewhere.building, elsewhere.area_name = None, None, "另一社区（测试）"
    elsewhere.locate_at(Place.objects.get(pk=users["grid_b"].node.community_id))
    elsewhere.save()
    assert elsewhere.community_id != users["volunteer_a"].node_id

    notices = _text(_section(client_as("volunteer_a").get("/").content.decode(), "h-notices"))

    assert here.area_name in notices
    assert elsewhere.area_name not in notices


def test_the_health_officials_home_counts_cases_and_contacts(client_as):
    page = client_as("cdc").get("/").content.decode()
    assert "h-tracing" in page and 'href="/tracing/"' in _section(page, "h-tracing")


@pytest.mark.parametrize("username", ROLES)
def test_every_link_on_every_roles_home_opens(client_as, username):
    client = client_as(username)
    page = client.get("/").content.decode()
    links = set(re.findall(r'href="(/[^"#]*)', page)) - {"/"}
    links = {unescape(u) for u in links if not u.startswith("/static/")}
    assert links, "a home with no link is a dead end"
    dead = {u: client.get(u, follow=True).status_code for u in links}
    assert {u: s for u, s in dead.items() if s != 200} == {}


@pytest.mark.parametrize("username", ROLES)
def test_no_home_shows_counts_its_role_may_not_see(client_as, username):
    assert not EMPTY_COUNTS.search(client_as(username).get("/").content.decode())


@pytest.mark.parametrize("username", ROLES)
def test_a_home_costs_a_bounded_number_of_queries(client_as, username, django_assert_max_num_queries):
    client = client_as(username)
    client.get("/")  # session and user cached like any later visit
    with django_assert_max_num_queries(QUERY_BUDGET):
        client.get("/")


@pytest.mark.parametrize("username", ROLES)
def test_no_home_shows_an_english_code_in_chinese(client_as, username):
    page = client_as(username).get("/").content.decode()
    main = _text(page[page.index("<main>"):page.index("</main>")])
    assert set(re.findall(r"[A-Za-z_]{3,}", main)) - {"Excel"} == set()

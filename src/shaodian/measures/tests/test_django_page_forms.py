"""Bad input on the measure pages is a message on the page (422), never a 500, and nothing is saved."""

import pytest

from shaodian.measures import votes
from shaodian.measures.models import Measure, Vote
from shaodian.measures.tests.helpers import advance, building_of, propose
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def test_an_unknown_action_is_a_message_on_the_detail_page(users, client_as, clock):
    m = propose(users, building_of(users["grid_a"]), clock)
    for body in ({"action": "explode"}, {}):
        r = client_as("staff_a").post(f"/measures/{m.pk}/act/", body)
        assert r.status_code == 422 and "未知操作" in r.content.decode()
    assert Measure.objects.get(pk=m.pk).status == "draft"


def test_a_number_that_is_not_a_number_is_refused_by_the_evaluation_form(users, client_as, clock):
    m = propose(users, building_of(users["grid_a"]), clock)
    before = AuditLog.objects.count()
    r = client_as("cdc").post(f"/measures/{m.pk}/act/", {"action": "evaluate", "risk_evidence": "两例确诊",
                                                         "businesses_affected": "很多"})
    assert r.status_code == 422 and "errorlist" in r.content.decode() and "很多" in r.content.decode()
    assert Measure.objects.get(pk=m.pk).status == "draft" and AuditLog.objects.count() == before


def test_a_notice_dated_9999_is_a_form_error(users, client_as, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "approved")
    r = client_as("staff_a").post(f"/measures/{m.pk}/act/", {"action": "notice", "reason": "疫情", "starts_at": "9999-12-31T08:00",
                                                             "ends_at": "9999-12-31T09:00"})
    assert r.status_code == 422 and "2100-12-31" in r.content.decode()
    assert Measure.objects.get(pk=m.pk).status == "approved"


def test_a_ballot_without_a_choice_is_a_message_and_no_vote(users, client, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "approved")
    [(_h, _a, raw), *_] = votes.vote_open(actor=users["staff_a"], measure_id=m.pk)
    for body in ({}, {"choice": "maybe"}):
        r = client.post(f"/public/vote/{raw}/", body)
        assert r.status_code == 422 and "请选择同意或不同意" in r.content.decode()
    assert not Vote.objects.filter(measure=m).exists()


def test_a_paper_ballot_with_an_unknown_action_is_a_message_and_no_vote(users, client_as, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "approved")
    r = client_as("staff_a").post(f"/measures/{m.pk}/votes/", {"action": "burn", "household_id": "1"})
    assert r.status_code == 422 and "errorlist" in r.content.decode()
    assert not Vote.objects.filter(measure=m).exists()


def test_a_closure_with_an_unknown_flag_is_a_message(users, client_as):
    place = users["grid_a"].node_id
    r = client_as("staff_a").post("/measures/closures/", {"action": "flags", "flags_place": place, "flags": ["moat"]})
    assert r.status_code == 422 and "errorlist" in r.content.decode()


@pytest.mark.parametrize("household, chosen", [("42", True), ("abc", False), ("9" * 30, False)])
def test_the_paper_ballot_is_filled_in_only_with_a_household_number(users, client_as, clock, household, chosen):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "approved")
    r = client_as("staff_a").get(f"/measures/{m.pk}/votes/", {"household": household})
    html = r.content.decode()
    assert r.status_code == 200 and 'id="picker-household_id"' in html
    assert ('name="household_id" value="42" checked' in html) == chosen and 'value="abc"' not in html

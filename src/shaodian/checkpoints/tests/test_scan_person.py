"""Who a scan names (issue 8, item 5): a signed code, a pass, an ID card number, or an internal id inside the jurisdiction."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from shaodian.checkpoints import services
from shaodian.checkpoints.models import Scan
from shaodian.people.idcard import check_char
from shaodian.people.models import Resident
from shaodian.places.models import Place

pytestmark = pytest.mark.django_db

URL = "/api/v1/scans/batch"


@pytest.fixture(autouse=True)
def fresh_scope():
    services._scope_cache.clear()
    yield
    services._scope_cache.clear()


@pytest.fixture
def gate(users):
    community = Place.objects.get(pk=users["staff_a"].node_id)
    return services.checkpoint_create(actor=users["staff_a"], place=community, name="东门", kind="community_gate")


@pytest.fixture
def ours(users):
    return Resident.objects.filter(community_id=users["staff_a"].node_id).order_by("pk").first()


@pytest.fixture
def theirs(users):
    """A resident of grid_b's community: outside guard_a's jurisdiction."""
    return Resident.objects.filter(grid_id=users["grid_b"].node_id).order_by("pk").first()


def post(api, gate, *people):
    at = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    items = [{"client_id": f"p{i}", "person": person, "checkpoint": gate.pk, "at": at, "direction": "in"}
             for i, person in enumerate(people)]
    res = api.post(URL, json.dumps({"scans": items}), content_type="application/json")
    assert res.status_code == 200, res.content
    return res.json()["results"]


def without_client_id(result):
    return {k: v for k, v in result.items() if k != "client_id"}


def test_a_guard_cannot_record_scans_for_a_resident_elsewhere_by_internal_id(api_as, gate, theirs):
    [result] = post(api_as("guard_a"), gate, theirs.pk)
    assert result["status"] == "rejected" and result["code"] == "unknown_person"
    assert not Scan.objects.filter(resident_id=theirs.pk, checkpoint_id=gate.pk).exists()


def test_out_of_reach_and_unknown_ids_get_the_same_answer(api_as, gate, theirs):
    unknown = Resident.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    results = post(api_as("guard_a"), gate, theirs.pk, str(theirs.pk), unknown, str(unknown))
    assert len({json.dumps(without_client_id(r), sort_keys=True) for r in results}) == 1, results


def test_an_internal_id_inside_the_jurisdiction_still_counts(api_as, gate, ours):
    [result] = post(api_as("guard_a"), gate, ours.pk)
    assert result["status"] == "accepted"
    assert Scan.objects.get(client_id="p0").resident_id == ours.pk


def test_a_signed_code_counts_wherever_its_holder_lives(api_as, gate, theirs):
    [result] = post(api_as("guard_a"), gate, services.identity_token(theirs))
    assert result["status"] == "accepted"
    assert Scan.objects.get(client_id="p0").resident_id == theirs.pk


def test_an_id_card_number_names_its_holder_wherever_they_live(api_as, gate, theirs):
    number = theirs.id_number
    assert len(number) == 18
    results = post(api_as("guard_a"), gate, number, number[:17] + number[17].lower())
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    assert set(Scan.objects.filter(client_id__in=["p0", "p1"]).values_list("resident_id", flat=True)) == {theirs.pk}


def test_an_id_card_number_with_a_wrong_check_character_is_refused(api_as, gate, theirs):
    number = theirs.id_number
    wrong = number[:17] + next(c for c in "0123456789X" if c != number[17])
    [result] = post(api_as("guard_a"), gate, wrong)
    assert result["status"] == "rejected" and result["code"] == "bad_id_number"
    assert "校验位" in result["reason"] and "check character" in result["reason"]


def test_an_unregistered_id_card_number_is_an_unknown_person(api_as, gate):
    first17 = "11010519800101123"
    [result] = post(api_as("guard_a"), gate, first17 + check_char(first17))
    assert result["status"] == "rejected" and result["code"] == "unknown_person"


def test_the_id_card_number_is_stored_nowhere_in_plain_text(api_as, gate, theirs):
    post(api_as("guard_a"), gate, theirs.id_number)
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM checkpoints_scan WHERE client_id = 'p0'")
        row = cur.fetchone()
    assert row and theirs.id_number not in repr(row)


def test_the_jurisdiction_is_the_senders_own(api_as, users, theirs):
    """The city's admin scans anywhere in the city: their jurisdiction includes grid_b."""
    gate = services.checkpoint_create(actor=users["admin"], place=users["grid_b"].node, name="西门", kind="community_gate")
    [result] = post(api_as("admin"), gate, theirs.pk)
    assert result["status"] == "accepted"

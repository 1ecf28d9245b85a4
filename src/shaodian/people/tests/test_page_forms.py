"""Bad input on the resident pages is a message, never a 500, and nothing is saved or revealed."""

import pytest

from shaodian.people.models import CareNote, Resident
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def _resident(users):
    return Resident.objects.filter(grid_id=users["grid_a"].node_id).order_by("id").first()


def test_a_reveal_purpose_over_200_characters_is_refused_and_not_audited(client_as, users):
    r = _resident(users)
    before = AuditLog.objects.filter(action="reveal").count()
    response = client_as("staff_a").post(f"/residents/{r.pk}/reveal/", {"field": "id_number", "purpose": "查" * 201})
    assert response.status_code == 422 and "200" in response.content.decode()
    assert r.id_number not in response.content.decode()
    assert AuditLog.objects.filter(action="reveal").count() == before


def test_a_care_note_over_2000_characters_is_a_form_error(client_as, users):
    r = _resident(users)
    response = client_as("staff_a").post(f"/residents/{r.pk}/edit/", {"form": "care", "group": "insulin",
                                                                     "note": "药" * 2001})
    assert response.status_code == 422 and "errorlist" in response.content.decode()
    assert not CareNote.objects.filter(resident=r, group="insulin").exists()


@pytest.mark.parametrize("household_id", ["", "abc", "99999999999999999999999"])
def test_a_registration_for_no_household_is_the_404_page(client_as, household_id):
    before = Resident.objects.count()
    response = client_as("staff_a").post("/residents/new/", {"household_id": household_id, "name": "新人"})
    assert response.status_code == 404
    assert Resident.objects.count() == before


def test_a_registration_with_an_unknown_group_is_a_form_error(client_as, users):
    household_id = _resident(users).household_id
    before = Resident.objects.count()
    response = client_as("staff_a").post("/residents/new/", {"household_id": household_id, "name": "新人",
                                                            "id_number": "11010519880808888X", "tags": ["wizard"]})
    assert response.status_code == 422 and "errorlist" in response.content.decode()
    assert Resident.objects.count() == before


def test_an_export_filter_over_100_characters_is_refused(client_as):
    response = client_as("staff_a").post("/residents/exports/", {"q": "张" * 101})
    assert response.status_code == 400


@pytest.mark.parametrize("household", ["abc", "-1", "99999999999999999999999", "9" * 5_000_000])
def test_a_link_to_register_or_transfer_into_no_household_is_the_404_page(client_as, household):
    client = client_as("staff_a")
    assert client.get("/residents/new/", {"household": household}).status_code == 404
    assert client.get("/residents/transfers/new/", {"household": household}).status_code == 404


def test_a_link_to_register_into_a_household_shows_its_form(client_as, users):
    r = _resident(users)
    assert client_as("staff_a").get("/residents/new/", {"household": r.household_id}).status_code == 200


@pytest.mark.parametrize("query", [{"grid": "abc"}, {"tag": "x" * 33}, {"cursor": "c" * 21}, {"cursor": "abc"},
                                   {"grid": "9" * 5_000_000}])
def test_a_bad_list_filter_is_a_message_on_the_list(client_as, query):
    response = client_as("staff_a").get("/residents/", query)
    assert response.status_code == 422 and "errorlist" in response.content.decode()


def test_a_long_search_is_cut_as_the_box_would_cut_it(client_as, users):
    r = _resident(users)
    response = client_as("staff_a").get("/residents/", {"q": r.name + " " * 100 + "多余"})
    assert response.status_code == 200 and r.name in response.content.decode()


def test_an_export_link_with_a_bad_filter_is_refused(client_as):
    client = client_as("staff_a")
    assert client.get("/residents/export.xlsx", {"q": "张" * 101}).status_code == 400
    assert client.get("/residents/export.xlsx", {"grid": "abc"}).status_code == 400

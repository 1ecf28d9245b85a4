"""The people picker: scoped, masked and audited; radio buttons for htmx, links back without script."""

import re

import pytest

from shaodian.people.models import Resident
from shaodian.places.models import Household
from shaodian.security.crypto import mask_id_number
from shaodian.security.models import AuditAction, AuditLog

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _pick(client, **params):
    return client.get("/residents/pick/", params, **HX)


def _radios(html: str, field: str = "resident_id") -> set[int]:
    return {int(v) for v in re.findall(rf'type="radio" name="{field}" value="(\d+)"', html)}


def _same_prefix_in_both_grids(users):
    """A two-character name prefix that residents of grid_a and of grid_b share."""
    a = {r.name[:1]: r for r in Resident.objects.filter(grid_id=users["grid_a"].node_id).order_by("pk")}
    for r in Resident.objects.filter(grid_id=users["grid_b"].node_id).order_by("pk"):
        if r.name[:1] in a:
            return r.name[:1], a[r.name[:1]], r
    pytest.fail("the test city has no surname shared by the two grids: the scoping check would prove nothing")


def test_it_finds_a_resident_of_the_users_grid_by_name_and_hides_the_other_grids(client_as, users):
    surname, mine, theirs = _same_prefix_in_both_grids(users)
    response = _pick(client_as("grid_a"), q=mine.name, kind="resident", field="resident_id", **{"for": "pass"})
    assert response.status_code == 200
    html = response.content.decode()
    assert mine.pk in _radios(html)
    assert theirs.pk not in _radios(_pick(client_as("grid_a"), q=surname, kind="resident").content.decode())
    assert mine.id_number not in html and mask_id_number(mine.id_number) in html


def test_it_finds_a_resident_by_the_last_four_characters_of_the_id_number(client_as, users):
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).order_by("pk").first()
    html = _pick(client_as("staff_a"), q=r.id_number[-4:]).content.decode()
    assert r.pk in _radios(html)


def test_each_search_is_audited_as_a_list_with_the_ids_shown(client_as, users):
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).order_by("pk").first()
    before = AuditLog.objects.count()
    html = _pick(client_as("grid_a"), q=r.name).content.decode()
    row = AuditLog.objects.order_by("-pk").first()
    assert AuditLog.objects.count() == before + 1
    assert (row.action, row.object_type, row.actor_id) == (AuditAction.LIST, "resident", users["grid_a"].pk)
    assert set(row.detail["ids"]) == _radios(html) and r.pk in row.detail["ids"]


def test_a_supply_officer_picks_a_pass_holder_masked_and_without_the_address(client_as, users):
    r = Resident.objects.filter(district_id=users["supply"].node_id).order_by("pk").first()
    client = client_as("supply")
    html = _pick(client, q=r.id_number[-4:], **{"for": "pass"}).content.decode()
    assert r.pk in _radios(html)
    assert r.name not in html and r.household.address not in html
    # An address walks whole buildings, and a single character fishes: neither for a role without the resident list.
    refused = _pick(client, q=r.household.address, **{"for": "pass"}).content.decode()
    assert "请输入姓名或证件号码后4位" in refused and not _radios(refused)
    assert not _radios(_pick(client, q=r.name[:1], **{"for": "pass"}).content.decode())
    # Not for anything but a pass.
    assert _pick(client, q=r.id_number[-4:], **{"for": "ballot"}).status_code == 403


@pytest.mark.parametrize("username", ["guard_a", "volunteer_a", "legal", "supervisor"])
def test_roles_that_neither_browse_residents_nor_issue_passes_may_not_pick(client_as, username):
    assert _pick(client_as(username), q="张", **{"for": "pass"}).status_code == 403


def test_it_finds_a_household_by_address_or_by_a_members_name(client_as, users):
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).select_related("household").order_by("pk").first()
    client = client_as("staff_a")
    by_address = _pick(client, q=r.household.address, kind="household", field="household_id").content.decode()
    by_member = _pick(client, q=r.name, kind="household", field="household_id").content.decode()
    assert r.household_id in _radios(by_address, "household_id")
    assert r.household_id in _radios(by_member, "household_id")


def test_a_ballots_picker_lists_only_households_inside_the_measures_area(client_as, users):
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).select_related("household__unit").order_by("pk").first()
    building = r.household.unit.building_id
    in_building = set(Household.objects.filter(unit__building_id=building).values_list("pk", flat=True))
    client = client_as("staff_a")

    def pick(q, within):
        return _radios(_pick(client, q=q, kind="household", field="household_id", within=within).content.decode(),
                       "household_id")

    assert r.household_id in pick(r.name, f"building:{building}")
    assert pick(r.name[:1], f"building:{building}") <= in_building
    other = (Resident.objects.filter(community_id=users["staff_a"].node_id).exclude(household__unit__building_id=building)
             .order_by("pk").first())
    assert other.household_id in pick(other.name, "")
    assert other.household_id not in pick(other.name, f"building:{building}")
    assert not pick(r.name, "building:x") and not pick(r.name, "street:1")


def test_a_bad_number_is_a_message_not_an_error(client_as):
    html = _pick(client_as("grid_a"), q="12").content.decode()
    assert "请输入证件号码或手机号的后4位" in html


def test_without_script_it_is_a_page_whose_results_link_back_to_the_form(client_as, users):
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).order_by("pk").first()
    client = client_as("staff_a")
    html = client.get("/residents/pick/", {"q": r.name, "next": "/checkpoints/passes/"}).content.decode()
    assert f'href="/checkpoints/passes/?resident={r.pk}"' in html
    # Only back to this site.
    html = client.get("/residents/pick/", {"q": r.name, "next": "https://evil.example/"}).content.decode()
    assert 'href="https://evil.example' not in html and f"resident={r.pk}" not in html


def test_the_pass_form_and_the_paper_ballot_form_carry_the_picker(client_as):
    page = client_as("staff_a").get("/checkpoints/passes/").content.decode()
    assert 'hx-get="/residents/pick/"' in page and '"field": "resident_id"' in page
    assert 'name="resident_id" inputmode' not in page  # no more typing of internal numbers


def test_a_bad_kind_field_or_return_address_falls_back(client_as, users):
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).order_by("pk").first()
    html = _pick(client_as("staff_a"), q=r.name, kind="person", field="Bad-Field!").content.decode()
    assert r.pk in _radios(html, "resident_id")
    html = client_as("staff_a").get("/residents/pick/", {"q": r.name, "next": "/" + "x" * 5_000_000}).content.decode()
    assert "x" * 1000 not in html.split("</header>", 1)[-1] and r.name in html

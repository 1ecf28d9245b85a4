"""What a grid worker types finds the right people, and only theirs."""

import pytest

from shaodian.errors import ServiceError
from shaodian.people import selectors
from shaodian.people.models import Resident
from shaodian.security.models import AuditLog


def mine(user):
    return Resident.objects.filter(grid_id=user.node_id).order_by("id")


def test_it_pages_newest_first_without_gaps_or_repeats(users):
    grid_a = users["grid_a"]
    seen, cursor = [], None
    while True:
        page = selectors.resident_search(grid_a, cursor=cursor, limit=37)
        seen += [r.pk for r in page.items]
        if page.next is None:
            break
        cursor = page.next
    assert seen == sorted(mine(grid_a).values_list("pk", flat=True), reverse=True)


def test_name_prefix(users):
    grid_a = users["grid_a"]
    target = mine(grid_a).first()
    found = selectors.resident_search(grid_a, q=target.name[:1], limit=200).items
    assert target in found and all(r.name.startswith(target.name[:1]) for r in found)
    assert target in selectors.resident_search(grid_a, q=target.name, limit=200).items


def test_id_and_phone_tails_and_full_numbers(users):
    grid_a = users["grid_a"]
    r = mine(grid_a).exclude(phone="").last()
    for q in (r.id_number[-4:], r.phone[-4:], r.id_number, r.phone, r.id_number.lower()):
        assert r in selectors.resident_search(grid_a, q=q, limit=200).items, q


def test_address_fragment(users):
    grid_a = users["grid_a"]
    r = mine(grid_a).select_related("household").first()
    found = selectors.resident_search(grid_a, q=r.household.address[-8:], limit=200).items
    assert r in found and all(r.household.address[-8:] in x.household.address for x in found)


def test_tag_filter(users):
    staff = users["staff_a"]
    found = selectors.resident_search(staff, tag="elderly", limit=200).items
    assert found and all("elderly" in r.tag_list for r in found)
    with pytest.raises(ServiceError):
        selectors.resident_search(staff, tag="nonsense")


def test_a_number_of_the_wrong_length_asks_for_four_digits(users):
    with pytest.raises(ServiceError) as exc:
        selectors.resident_search(users["grid_a"], q="123")
    assert exc.value.errors["q"][0].code == "search"


def test_searching_for_someone_elsewhere_finds_nobody(users):
    other = mine(users["grid_b"]).first()
    for q in (other.name, other.id_number[-4:], other.id_number):
        assert other not in selectors.resident_search(users["grid_a"], q=q, limit=200).items


def test_a_list_leaves_one_audit_row_with_the_ids_shown(users):
    grid_a = users["grid_a"]
    page = selectors.resident_search(grid_a, limit=5)
    log = AuditLog.objects.latest("id")
    assert (log.action, log.actor, log.count, log.detail["ids"]) == ("list", grid_a, 5, [r.pk for r in page.items])


def test_levels_see_their_whole_subtree(users):
    staff, commander = users["staff_a"], users["commander"]
    assert selectors.residents_for(staff).count() == Resident.objects.filter(community_id=staff.node_id).count()
    assert selectors.residents_for(commander).count() == Resident.objects.count()
    for name in ("guard_a", "volunteer_a", "legal", "supply", "supervisor"):
        assert selectors.residents_for(users[name]).count() == 0


def test_common_and_rare_names_take_different_plans_with_the_same_answer(users, monkeypatch):
    commander = users["commander"]
    surname = Resident.objects.values_list("name", flat=True).first()[0]
    by_index = [r.pk for r in selectors.resident_search(commander, q=surname, limit=200).items]
    monkeypatch.setattr(selectors, "NAME_PROBE", 1)  # every name now counts as common
    by_scope = [r.pk for r in selectors.resident_search(commander, q=surname, limit=200).items]
    assert by_index == by_scope and by_index == sorted(by_index, reverse=True) and len(by_index) > 1

import pytest

from shaodian.errors import NotFound, ServiceError
from shaodian.people import selectors, services
from shaodian.people.idcard import check_char
from shaodian.people.models import HouseLink, Resident
from shaodian.places.models import Household
from shaodian.security.models import AuditLog


def new_id(seq: int) -> str:
    first17 = f"11010519900101{seq:03d}"
    return first17 + check_char(first17)


def own_household(user) -> Household:
    return Household.objects.filter(grid_id=user.node_id).order_by("id").first()


def foreign_household(user) -> Household:
    return Household.objects.exclude(community_id=user.node.community_id).order_by("id").first()


def test_it_registers_a_resident_with_encrypted_numbers(users):
    grid_a = users["grid_a"]
    h = own_household(grid_a)
    r = services.resident_create(actor=grid_a, name="李新", id_number=new_id(901), phone="13912345678", household_id=h.pk)
    r.refresh_from_db()
    assert (r.id_number, r.phone, r.grid_id, r.community_id) == (new_id(901), "13912345678", h.grid_id, h.community_id)
    assert r.birth_date.isoformat() == "1990-01-01" and r.sex == "M"
    assert HouseLink.objects.get(resident=r).is_current
    assert AuditLog.objects.filter(action="create", object_type="resident", object_id=str(r.pk), actor=grid_a).exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"id_number": "11010519900101901Y"}, "id_number"),
        ({"id_number": "110105199001019010"}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"name": "<script>alert(1)</script>"}, "name"),
        ({"name": "Robert'); DROP TABLE people_resident;--"}, "name"),
        ({"name": "   "}, "name"),
        ({"document_type": "driving_licence"}, "document_type"),
        ({"tags": ["vip"]}, "tags"),
        ({"household_id": 999999999}, "household_id"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(users, changes, field):
    grid_a = users["grid_a"]
    before = (Resident.objects.count(), HouseLink.objects.count(), AuditLog.objects.filter(action="create").count())
    args = {"name": "王五", "id_number": new_id(902), "phone": "13912345678", "household_id": own_household(grid_a).pk}
    with pytest.raises(ServiceError) as exc:
        services.resident_create(actor=grid_a, **(args | changes))
    assert field in exc.value.errors
    msg = exc.value.errors[field][0]
    assert msg.zh and msg.en
    assert before == (Resident.objects.count(), HouseLink.objects.count(), AuditLog.objects.filter(action="create").count())


def test_sql_looking_names_that_are_plausible_are_stored_verbatim(users):
    grid_a = users["grid_a"]
    r = services.resident_create(actor=grid_a, name="O'Brien Ma", id_number=new_id(903), household_id=own_household(grid_a).pk)
    assert Resident.objects.get(pk=r.pk).name == "O'Brien Ma"


def test_it_refuses_a_household_outside_the_jurisdiction(users):
    grid_a = users["grid_a"]
    with pytest.raises(ServiceError) as exc:
        services.resident_create(actor=grid_a, name="赵六", id_number=new_id(904), household_id=foreign_household(grid_a).pk)
    assert "household_id" in exc.value.errors


def test_it_refuses_a_duplicate_document_number(users):
    grid_a = users["grid_a"]
    existing = Resident.objects.filter(grid_id=grid_a.node_id).first()
    with pytest.raises(ServiceError) as exc:
        services.resident_create(actor=grid_a, name="重复", id_number=existing.id_number, household_id=own_household(grid_a).pk)
    assert exc.value.errors["id_number"][0].code == "duplicate"


def test_roles_without_the_permission_cannot_register(users):
    for name in ("guard_a", "volunteer_a", "legal", "supervisor"):
        with pytest.raises(ServiceError) as exc:
            services.resident_create(actor=users[name], name="某某", id_number=new_id(905), household_id=own_household(users["grid_a"]).pk)
        assert exc.value.status == 403


def test_possible_duplicates_by_name_and_birth_date(users):
    grid_a = users["grid_a"]
    r = Resident.objects.filter(grid_id=grid_a.node_id).first()
    found = selectors.possible_duplicates(grid_a, name=r.name, birth_date=r.birth_date)
    assert r in found
    assert selectors.possible_duplicates(grid_a, name=r.name + "某", birth_date=r.birth_date) == []


def test_reveal_needs_a_purpose_and_the_role_and_is_audited(users):
    grid_a, staff_a = users["grid_a"], users["staff_a"]
    r = Resident.objects.filter(grid_id=grid_a.node_id).exclude(phone_hash="").first()
    with pytest.raises(ServiceError):
        services.resident_reveal(actor=grid_a, resident_id=r.pk, field="phone", purpose="")
    assert services.resident_reveal(actor=grid_a, resident_id=r.pk, field="phone", purpose="通知核酸检测") == r.phone
    log = AuditLog.objects.filter(action="reveal", object_id=str(r.pk)).latest("id")
    assert (log.actor, log.purpose, log.detail) == (grid_a, "通知核酸检测", {"field": "phone"})
    # A grid worker may call residents but not read full ID numbers; community staff may.
    with pytest.raises(ServiceError) as exc:
        services.resident_reveal(actor=grid_a, resident_id=r.pk, field="id_number", purpose="核对身份")
    assert exc.value.status == 403
    assert AuditLog.objects.filter(action="denied", object_id=str(r.pk)).exists()
    assert services.resident_reveal(actor=staff_a, resident_id=r.pk, field="id_number", purpose="核对身份") == r.id_number


def test_reveal_outside_the_jurisdiction_is_not_found(users):
    r = Resident.objects.filter(grid_id=users["grid_b"].node_id).first()
    with pytest.raises(NotFound):
        services.resident_reveal(actor=users["grid_a"], resident_id=r.pk, field="phone", purpose="看看")


def test_update_changes_only_what_differs_and_rehashes_the_phone(users):
    grid_a = users["grid_a"]
    r = Resident.objects.filter(grid_id=grid_a.node_id).exclude(phone_hash="").first()
    services.resident_update(actor=grid_a, resident_id=r.pk, phone="13700001234")
    page = selectors.resident_search(grid_a, q="13700001234")
    assert [x.pk for x in page.items] == [r.pk]
    assert AuditLog.objects.filter(action="update", object_id=str(r.pk)).latest("id").detail == {"fields": ["phone"]}


def test_care_note_adds_the_tag(users):
    grid_a = users["grid_a"]
    r = Resident.objects.filter(grid_id=grid_a.node_id).exclude(tags__contains=",dialysis,").first()
    services.care_note_save(actor=grid_a, resident_id=r.pk, group="dialysis", note="周一三五透析", carer_name="张护工")
    r.refresh_from_db()
    assert "dialysis" in r.tag_list


def test_a_second_home_and_a_move_of_current_address(users):
    staff = users["staff_a"]
    r = Resident.objects.filter(community_id=staff.node_id).first()
    other = Household.objects.filter(community_id=staff.node_id).exclude(pk=r.household_id).exclude(grid_id=r.grid_id).first()
    services.resident_link(actor=staff, resident_id=r.pk, household_id=other.pk, kind="owner")
    r.refresh_from_db()
    assert r.links.count() == 2 and r.household_id != other.pk
    services.resident_link(actor=staff, resident_id=r.pk, household_id=other.pk, kind="owner", make_current=True)
    r.refresh_from_db()
    assert (r.household_id, r.grid_id) == (other.pk, other.grid_id)
    assert list(r.links.filter(is_current=True).values_list("household_id", flat=True)) == [other.pk]


def test_a_grid_worker_cannot_move_someone_out_of_reach(users):
    grid_a = users["grid_a"]
    r = Resident.objects.filter(grid_id=grid_a.node_id).first()
    with pytest.raises(ServiceError):
        services.resident_link(actor=grid_a, resident_id=r.pk, household_id=foreign_household(grid_a).pk, make_current=True)


def test_the_edit_page_saves_and_reports_errors(client_as, users):
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).first()
    client = client_as("grid_a")
    assert client.get(f"/residents/{r.pk}/edit/").status_code == 200
    bad = client.post(f"/residents/{r.pk}/edit/", {"form": "person", "name": r.name, "phone": "123"})
    assert bad.status_code == 422 and "11" in bad.content.decode()
    ok = client.post(f"/residents/{r.pk}/edit/", {"form": "care", "group": "insulin", "carer_name": "李护工", "note": "冷藏"})
    assert ok.status_code == 302
    r.refresh_from_db()
    assert "insulin" in r.tag_list and r.care_notes.get(group="insulin").carer_name == "李护工"
    other = Resident.objects.filter(grid_id=users["grid_b"].node_id).first()
    assert client.get(f"/residents/{other.pk}/edit/").status_code == 404


def test_the_form_asks_before_registering_a_likely_duplicate(client_as, users):
    grid_a = users["grid_a"]
    existing = Resident.objects.filter(grid_id=grid_a.node_id).exclude(phone_hash="").first()
    h = own_household(grid_a)
    client = client_as("grid_a")
    form = {"household_id": h.pk, "name": existing.name, "id_number": new_id(950), "phone": existing.phone,
            "document_type": "resident_id"}
    r = client.post("/residents/new/", form)
    assert r.status_code == 200 and existing.household.address in r.content.decode()
    assert not Resident.objects.filter(id_hash=selectors.id_hashes(new_id(950))["id_hash"]).exists()
    r = client.post("/residents/new/", form | {"confirm_new": "1"})
    assert r.status_code == 302
    assert Resident.objects.filter(id_hash=selectors.id_hashes(new_id(950))["id_hash"]).exists()

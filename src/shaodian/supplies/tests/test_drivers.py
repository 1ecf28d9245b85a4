"""Supply drivers linked to the resident they are: by ID number, matched city-wide and never kept; the supply
officer learns only "linked or not". The drivers' part of the vehicles page registers, links and white-lists."""

import pytest

from shaodian.errors import NotFound, ServiceError
from shaodian.people import idcard
from shaodian.places.models import Place
from shaodian.security.models import AuditLog, RoleChoice, User
from shaodian.supplies import fleet
from shaodian.supplies.models_fleet import Driver
from shaodian.testing.city import resident_in

pytestmark = pytest.mark.django_db

OUTSIDER = "11010119700615991" + idcard.check_char("11010119700615991")  # valid, held by nobody in the city
BAD_CHECK = OUTSIDER[:17] + ("0" if OUTSIDER[17] != "0" else "1")
PAGE = "/supplies/vehicles/"


def _stored(d: Driver) -> str:
    """Every column of the driver's row, as stored, in one string."""
    return " ".join(str(v) for v in Driver.objects.filter(pk=d.pk).values().get().values())


def test_a_driver_who_lives_in_the_city_is_linked_and_the_number_is_not_kept(users):
    person = resident_in("grid_b", 3)  # outside nothing: matched city-wide, whoever registers
    d = fleet.driver_register(actor=users["supply"], name="张师傅", phone="13700001111", whitelisted=True,
                              id_number=f" {person.id_number.lower()} ")
    assert d.resident_id == person.pk
    assert person.id_number not in _stored(d) and person.id_number[-4:] not in _stored(d)
    log = AuditLog.objects.get(object_type="driver", object_id=str(d.pk))
    assert log.detail == {"whitelisted": True, "linked": True}
    # Linked, a white-listed driver is one tracing spares home quarantine.
    assert fleet.whitelisted_among([person.pk]) == [(person.pk, "whitelisted_driver")]


def test_a_driver_from_outside_the_city_is_registered_unlinked(users):
    d = fleet.driver_register(actor=users["supply"], name="张师傅", phone="13700001111", id_number=OUTSIDER)
    assert d.resident_id is None
    assert AuditLog.objects.get(object_type="driver", object_id=str(d.pk)).detail == {"whitelisted": False,
                                                                                      "linked": False}


@pytest.mark.parametrize("number, words", [(BAD_CHECK, "校验位"), ("12345", "18位"), ("1101011970061599AB", "数字")])
def test_a_malformed_number_is_refused_and_nothing_is_saved(users, number, words):
    with pytest.raises(ServiceError) as exc:
        fleet.driver_register(actor=users["supply"], name="张师傅", phone="13700001111", id_number=number)
    assert set(exc.value.errors) == {"id_number"} and words in str(exc.value)
    assert not Driver.objects.exists() and not AuditLog.objects.filter(object_type="driver").exists()


def test_a_driver_is_linked_and_unlinked_later_with_the_same_rules(users):
    supply, person = users["supply"], resident_in("grid_a", 3)
    d = fleet.driver_register(actor=supply, name="张师傅", phone="13700001111")
    with pytest.raises(ServiceError) as exc:
        fleet.driver_link_set(actor=supply, driver_id=d.pk, id_number=BAD_CHECK)
    assert set(exc.value.errors) == {"id_number"}
    assert fleet.driver_link_set(actor=supply, driver_id=d.pk, id_number=person.id_number).resident_id == person.pk
    assert fleet.driver_link_set(actor=supply, driver_id=d.pk, id_number=OUTSIDER).resident_id is None
    fleet.driver_link_set(actor=supply, driver_id=d.pk, id_number=person.id_number)
    assert fleet.driver_link_set(actor=supply, driver_id=d.pk, id_number="  ").resident_id is None
    details = list(AuditLog.objects.filter(object_type="driver_link", object_id=str(d.pk)).order_by("pk")
                   .values_list("detail", flat=True))
    assert details == [{"linked": True}, {"linked": False}, {"linked": True}, {"linked": False}]


def test_only_the_supply_officer_of_the_drivers_area_links_them(users):
    d = fleet.driver_register(actor=users["supply"], name="张师傅", phone="13700001111",
                              place_id=users["grid_a"].node_id)
    other = _officer_of_the_other_street()
    with pytest.raises(NotFound):
        fleet.driver_link_set(actor=other, driver_id=d.pk, id_number=resident_in("grid_a", 3).id_number)
    with pytest.raises(ServiceError) as exc:
        fleet.driver_link_set(actor=users["supervisor"], driver_id=d.pk, id_number="")
    assert exc.value.status == 403
    assert Driver.objects.get(pk=d.pk).resident_id is None


def _officer_of_the_other_street() -> User:
    street = Place.objects.get(name="朝阳街道")
    return User.objects.create(username="supply_b", role=RoleChoice.SUPPLY_OFFICER, node=street)


# The page


def test_the_page_registers_a_linked_driver_and_says_only_yes(client_as, users):
    person = resident_in("grid_a", 3)
    r = client_as("supply").post("/supplies/vehicles/drivers/new/", {
        "name": "张建军", "phone": "13700001111", "id_number": person.id_number, "whitelisted": "on"}, follow=True)
    page = r.content.decode()
    assert r.redirect_chain[-1] == (PAGE, 302)
    assert "张建军已关联本市居民" in page and "白名单" in page
    d = Driver.objects.get(name="张建军")
    assert d.whitelisted and d.resident_id == person.pk
    # Nothing about the resident: not their name, number, phone or address.
    for secret in (person.name, person.id_number, person.id_number[-4:], person.phone):
        assert secret not in page


def test_the_page_says_when_no_resident_holds_the_number(client_as):
    r = client_as("supply").post("/supplies/vehicles/drivers/new/", {
        "name": "张建军", "phone": "13700001111", "id_number": OUTSIDER}, follow=True)
    page = r.content.decode()
    assert "张建军未关联本市居民" in page and "未关联本市居民" in page
    assert Driver.objects.get(name="张建军").resident_id is None and OUTSIDER not in page


def test_the_page_refuses_a_malformed_number_in_chinese(client_as):
    r = client_as("supply").post("/supplies/vehicles/drivers/new/", {
        "name": "张建军", "phone": "13700001111", "id_number": BAD_CHECK})
    page = r.content.decode()
    assert r.status_code == 422 and "身份证号码校验位错误" in page
    assert 'value="张建军"' in page and BAD_CHECK not in page  # the name is kept, the number is not echoed
    assert not Driver.objects.exists()


def test_the_page_links_a_driver_later(client_as, users):
    d = fleet.driver_register(actor=users["supply"], name="张建军", phone="13700001111")
    c = client_as("supply")
    assert "未关联本市居民" in c.get(PAGE).content.decode()
    person = resident_in("grid_a", 3)
    r = c.post("/supplies/vehicles/drivers/link/", {"driver": d.pk, "id_number": person.id_number}, follow=True)
    assert "张建军已关联本市居民" in r.content.decode() and Driver.objects.get(pk=d.pk).resident_id == person.pk
    r = c.post("/supplies/vehicles/drivers/link/", {"driver": d.pk, "id_number": BAD_CHECK})
    assert r.status_code == 422 and "校验位错误" in r.content.decode()
    assert Driver.objects.get(pk=d.pk).resident_id == person.pk


def test_the_white_list_changes_on_the_page_only_with_a_reason(client_as, users):
    d = fleet.driver_register(actor=users["supply"], name="张建军", phone="13700001111")
    c = client_as("supply")
    url = "/supplies/vehicles/drivers/whitelist/"
    r = c.post(url, {"driver": d.pk, "whitelisted": "on", "reason": ""})
    assert r.status_code == 422 and "这个字段是必填项" in r.content.decode()
    r = c.post(url, {"driver": d.pk, "whitelisted": "on", "reason": " "})
    assert r.status_code == 422 and not Driver.objects.get(pk=d.pk).whitelisted
    assert c.post(url, {"driver": d.pk, "whitelisted": "on", "reason": "承运保供粮油"}).status_code == 302
    assert Driver.objects.get(pk=d.pk).whitelisted
    assert "移出白名单" in c.get(PAGE).content.decode()
    assert c.post(url, {"driver": d.pk, "reason": "已不再承运"}).status_code == 302
    assert not Driver.objects.get(pk=d.pk).whitelisted
    reasons = list(AuditLog.objects.filter(object_type="driver_whitelist", object_id=str(d.pk)).order_by("pk")
                   .values_list("detail", flat=True))
    assert reasons == [{"whitelisted": True, "reason": "承运保供粮油"}, {"whitelisted": False, "reason": "已不再承运"}]


def test_who_sees_the_drivers_may_not_change_them_and_others_are_refused(client_as, users):
    d = fleet.driver_register(actor=users["supply"], name="张建军", phone="13700001111")
    staff = client_as("supervisor")  # sees supplies, does not manage them
    page = staff.get(PAGE).content.decode()
    assert "张建军" in page and "登记司机" not in page and "列入白名单" not in page
    for url, data in (("drivers/new/", {"name": "李四", "phone": "13700002222"}),
                      ("drivers/link/", {"driver": d.pk, "id_number": ""}),
                      ("drivers/whitelist/", {"driver": d.pk, "whitelisted": "on", "reason": "承运"})):
        assert staff.post(PAGE + url, data).status_code == 403, url
    assert client_as("cdc").get(PAGE).status_code == 403
    assert client_as("cdc").post(PAGE + "drivers/whitelist/", {"driver": d.pk, "whitelisted": "on",
                                                              "reason": "承运"}).status_code == 403
    assert Driver.objects.count() == 1 and not Driver.objects.get(pk=d.pk).whitelisted


def test_a_driver_of_another_area_is_not_found(client, users):
    d = fleet.driver_register(actor=users["supply"], name="张建军", phone="13700001111",
                              place_id=users["grid_a"].node_id)
    client.force_login(_officer_of_the_other_street())
    assert "张建军" not in client.get(PAGE).content.decode()
    assert client.post(PAGE + "drivers/whitelist/", {"driver": d.pk, "whitelisted": "on",
                                                     "reason": "承运"}).status_code == 404
    assert client.post(PAGE + "drivers/link/", {"driver": d.pk, "id_number": ""}).status_code == 404
    assert not Driver.objects.get(pk=d.pk).whitelisted

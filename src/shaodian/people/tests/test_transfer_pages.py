"""Transfer pages and API: the requester sees only that a request was sent and its answer; the holder decides."""

import json

import pytest

from shaodian.people import services
from shaodian.people.idcard import check_char
from shaodian.people.models import Resident, TransferRequest
from shaodian.places.models import Household

pytestmark = pytest.mark.django_db


def _number(seq: int) -> str:
    first17 = f"11010519780303{seq:03d}"
    return first17 + check_char(first17)


def _household(user) -> Household:
    return Household.objects.filter(grid_id=user.node_id).order_by("id").first()


@pytest.fixture
def held(users):
    return services.resident_create(actor=users["grid_a"], name="页面迁移", id_number=_number(1), phone="13933330001",
                                    household_id=_household(users["grid_a"]).pk)


def test_the_registration_page_offers_a_transfer_request_in_one_click(client_as, users, held):
    client = client_as("grid_b")
    target = _household(users["grid_b"])
    r = client.post(f"/residents/new/?household={target.pk}",
                    {"household_id": target.pk, "name": "页面迁移", "id_number": _number(1), "document_type": "resident_id"})
    page = r.content.decode()
    assert r.status_code == 422 and "迁入申请" in page and "已登记，请勿重复录入" not in page
    assert 'id="offer-transfer"' in page and 'action="/residents/transfers/new/"' in page
    assert held.household.address not in page and "13933330001" not in page and "139****0001" not in page
    r = client.post("/residents/transfers/new/", {"household_id": target.pk, "name": "页面迁移", "id_number": _number(1),
                                                  "document_type": "resident_id", "link_kind": "lives_here", "note": ""})
    assert r.status_code == 302 and r["Location"] == "/residents/transfers/"
    assert TransferRequest.objects.count() == 1
    outgoing = client.get("/residents/transfers/").content.decode()
    assert "页面迁移" in outgoing and target.address in outgoing
    assert held.household.address not in outgoing and "139****0001" not in outgoing


def test_the_holder_accepts_from_the_inbox(client_as, users, held):
    target = _household(users["grid_b"])
    client_as("grid_b").post("/residents/transfers/new/", {"household_id": target.pk, "name": "页面迁移",
                                                           "id_number": _number(1), "document_type": "resident_id",
                                                           "link_kind": "lives_here"})
    t = TransferRequest.objects.get()
    client = client_as("grid_a")
    inbox = client.get("/residents/transfers/").content.decode()
    assert f'action="/residents/transfers/{t.pk}/decide/"' in inbox
    r = client.post(f"/residents/transfers/{t.pk}/decide/", {"decision": "decline", "reason": ""})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == "pending"  # a decline without a reason is refused
    r = client.post(f"/residents/transfers/{t.pk}/decide/", {"decision": "accept", "reason": ""})
    assert r.status_code == 302
    held.refresh_from_db()
    assert held.household_id == target.pk
    # Now grid_b holds the person, grid_a no longer does.
    assert client_as("grid_b").get(f"/residents/{held.pk}/").status_code == 200
    assert client_as("grid_a").get(f"/residents/{held.pk}/").status_code == 404


def test_the_transfer_form_reports_bad_input_without_saving(client_as, users):
    target = _household(users["grid_b"])
    r = client_as("grid_b").post("/residents/transfers/new/", {"household_id": target.pk, "name": "张\u200b三",
                                                               "id_number": "123", "document_type": "resident_id",
                                                               "link_kind": "lives_here"})
    page = r.content.decode()
    assert r.status_code == 422 and "U+200B" in page and "18位" in page
    assert not TransferRequest.objects.exists()
    assert client_as("grid_b").get(f"/residents/transfers/new/?household={_household(users['grid_a']).pk}").status_code == 404
    assert client_as("grid_b").get("/residents/transfers/new/?household=99999999999999999999").status_code == 404


def test_the_api_files_and_decides_transfers(api_as, users, held):
    target = _household(users["grid_b"])
    api = api_as("grid_b")
    body = {"name": "页面迁移", "id_number": _number(1), "household_id": target.pk}
    r = api.post("/api/v1/transfers", json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    tid = r.json()["id"]
    assert "页面迁移" not in json.dumps(r.json(), ensure_ascii=False)
    out = api.get("/api/v1/transfers/outgoing").json()
    [mine] = [o for o in out if o["id"] == tid]
    assert mine["resident_id"] is None and "********" in mine["id_number_masked"]
    assert held.household.address not in json.dumps(out, ensure_ascii=False)
    assert api.post(f"/api/v1/transfers/{tid}/accept", "{}", content_type="application/json").status_code == 404
    holder = api_as("grid_a")
    incoming = holder.get("/api/v1/transfers/incoming").json()
    assert [i for i in incoming if i["id"] == tid][0]["can_decide"] is True
    r = holder.post(f"/api/v1/transfers/{tid}/decline", json.dumps({"reason": ""}), content_type="application/json")
    assert r.status_code == 422
    r = holder.post(f"/api/v1/transfers/{tid}/accept", "{}", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert Resident.objects.get(pk=held.pk).grid_id == users["grid_b"].node_id
    out = api_as("grid_b").get("/api/v1/transfers/outgoing").json()
    assert [o for o in out if o["id"] == tid][0]["resident_id"] == held.pk

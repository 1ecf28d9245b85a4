"""The public register (MEA-6): without login, only measures in force, and no personal data at all."""

import pytest

from shaodian.measures.tests.conftest import clock  # noqa: F401
from shaodian.measures.tests.helpers import advance, building_of, make_dialysis_patient, propose, residents_in
from shaodian.security.crypto import mask_name

pytestmark = pytest.mark.django_db
KEYS = {"area", "level", "restrictions", "reason", "legal_basis", "starts_at", "ends_at", "notice", "hotline"}


@pytest.fixture
def in_force(users, clock):  # noqa: F811
    building = building_of(users["grid_a"])
    make_dialysis_patient(building, carer="女儿李某")
    draft = propose(users, building, clock)
    advance(users, propose(users, building_of(users["grid_b"]), clock, by="street_a"), clock, "evaluated")
    return advance(users, draft, clock, "in_force")


def test_the_json_lists_what_is_in_force_without_login(client, in_force):
    response = client.get("/api/v1/public/measures")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert set(item) == KEYS
    assert item["area"] == in_force.area_name and item["level"] == "sealed" and item["hotline"] == "12345"
    assert "传染病防治法" in item["legal_basis"][0] and "投诉" in item["notice"]


def test_the_page_and_json_show_no_personal_data(client, in_force):
    people = residents_in(in_force.building)
    page = client.get("/public/measures").content.decode()
    data = client.get("/api/v1/public/measures").content.decode()
    assert in_force.area_name in page
    for text in (page, data):
        for r in people:
            for secret in (r.name, mask_name(r.name), r.id_number, r.phone, r.id_number[-6:]):
                if secret:
                    assert secret not in text
        for word in ("女儿李某", "dialysis", "透析", "室"):
            assert word not in text

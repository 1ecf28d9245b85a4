"""The public register (MEA-6): without login, only measures in force, and no personal data at all."""

import pytest

from shaodian.measures.tests.conftest import clock  # noqa: F401
from shaodian.measures.tests.helpers import advance, building_of, make_dialysis_patient, propose, residents_in
from shaodian.security.crypto import mask_name

pytestmark = pytest.mark.django_db
KEYS = {"area", "level", "state", "restrictions", "reason", "legal_basis", "starts_at", "ends_at", "published_at", "notice",
        "hotline"}


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
    assert item["state"] == "in_force"
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


@pytest.fixture
def announced(users, clock):  # noqa: F811
    """A measure whose notice is out and whose start is a day away."""
    return advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "notice_published")


def test_the_public_sees_a_measure_before_it_starts(client, announced):
    from django.utils import timezone

    assert announced.status == "notice_published" and announced.starts_at > timezone.now()
    [item] = client.get("/api/v1/public/measures").json()["items"]
    assert item["area"] == announced.area_name and item["state"] == "announced"
    assert item["reason"] == "楼内确诊病例" and item["starts_at"] and item["ends_at"] and item["published_at"]
    page = client.get("/public/measures").content.decode()
    start = timezone.localtime(announced.starts_at).strftime("%Y-%m-%d %H:%M")
    assert announced.area_name in page and "楼内确诊病例" in page and start in page and "即将实施" in page


def test_the_public_pages_have_an_index_and_take_a_trailing_slash(client, announced):
    for url in ("/public/measures", "/public/measures/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert announced.area_name in response.content.decode()
    index = client.get("/public/")
    assert index.status_code == 200 and 'href="/public/measures"' in index.content.decode()
    assert client.get("/public").status_code in (200, 301)


def test_the_login_page_links_to_the_public_register(client):
    page = client.get("/login/").content.decode()
    assert 'href="/public/measures"' in page and 'href="/public/"' in page

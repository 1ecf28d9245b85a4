"""Personal-data pages and API answers tell browsers and proxies not to keep a copy (Cache-Control: no-store)."""

import pytest

from shaodian.people.models import Resident

pytestmark = pytest.mark.django_db


def test_personal_data_pages_and_api_answers_carry_no_store(client_as, api_as, users):
    resident = Resident.objects.filter(grid_id=users["grid_a"].node_id).order_by("pk").first()
    page = client_as("staff_a")
    for path in ["/residents/", f"/residents/{resident.pk}/", "/residents/export.xlsx", "/audit/"]:
        r = page.get(path) if path != "/audit/" else client_as("supervisor").get(path)
        assert r.status_code == 200, path
        assert "no-store" in r["Cache-Control"] and "private" in r["Cache-Control"], path
    api = api_as("grid_a")
    for path in ["/api/v1/residents", f"/api/v1/residents/{resident.pk}", "/api/v1/residents/99999999"]:
        r = api.get(path)
        assert "no-store" in r["Cache-Control"], path


def test_static_files_stay_cacheable(client):
    r = client.get("/static/web/app.css")
    assert r.status_code == 200 and "no-store" not in r.get("Cache-Control", "")

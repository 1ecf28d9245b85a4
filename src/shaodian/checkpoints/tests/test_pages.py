"""The checkpoint pages: list, poster, guard page, passes, identity QR — who sees what, and bad input."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shaodian.checkpoints import services
from shaodian.checkpoints.models import Checkpoint, Pass
from shaodian.people.models import Resident
from shaodian.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(users):
    """A checkpoint in grid_a's grid and one in grid_b's, a pass for a resident of each grid."""
    grid_a = Place.objects.get(pk=users["grid_a"].node_id)
    grid_b = Place.objects.get(pk=users["grid_b"].node_id)
    cp_a = services.checkpoint_create(actor=users["staff_a"], place=grid_a, name="东门", kind="community_gate")
    cp_b = services.checkpoint_create(actor=users["commander"], place=grid_b, name="西门", kind="community_gate")
    res_a = Resident.objects.filter(grid_id=grid_a.pk).order_by("id").first()
    res_b = Resident.objects.filter(grid_id=grid_b.pk).order_by("id").first()
    now = timezone.now()
    pass_a = services.pass_issue(actor=users["staff_a"], kind="dialysis", checkpoint_ids=[cp_a.pk], valid_from=now,
                                 valid_to=now + dt.timedelta(days=3), reason="每周透析", resident_id=res_a.pk)
    pass_b = services.pass_issue(actor=users["commander"], kind="medical", checkpoint_ids=[cp_b.pk], valid_from=now,
                                 valid_to=now + dt.timedelta(days=3), reason="就医", resident_id=res_b.pk)
    return {"cp_a": cp_a, "cp_b": cp_b, "res_a": res_a, "res_b": res_b, "pass_a": pass_a, "pass_b": pass_b}


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


# ----------------------------------------------------------------------------- the list


@pytest.mark.parametrize("username", ["grid_a", "staff_a", "street_a", "commander", "cdc", "supply", "guard_a", "admin"])
def test_it_lists_checkpoints_for_roles_that_see_them(client_as, city, username):
    res = client_as(username).get("/checkpoints/")
    assert res.status_code == 200


@pytest.mark.parametrize("username", ["volunteer_a", "legal", "supervisor"])
def test_it_refuses_the_list_to_other_roles(client_as, city, username):
    assert client_as(username).get("/checkpoints/").status_code == 403


def test_it_sends_anonymous_visitors_to_login(client, city):
    res = client.get("/checkpoints/")
    assert res.status_code == 302 and "/login/" in res["Location"]


def test_it_shows_grid_a_only_its_own_checkpoints(client_as, city):
    page = client_as("grid_a").get("/checkpoints/").content.decode()
    assert "东门" in page and "西门" not in page
    assert f"/checkpoints/{city['cp_a'].pk}/guard/" in page
    assert 'name="kind"' not in page  # grid workers do not add checkpoints


def test_it_lets_community_staff_add_a_checkpoint(client_as, users, city):
    client = client_as("staff_a")
    assert 'name="kind"' in client.get("/checkpoints/").content.decode()
    res = client.post("/checkpoints/", {"name": "海棠菜市场", "kind": "market", "place": users["staff_a"].node_id,
                                        "pass_required": "1"})
    assert res.status_code == 302
    cp = Checkpoint.objects.get(name="海棠菜市场")
    assert cp.kind == "market" and cp.pass_required and cp.community_id == users["staff_a"].node_id


def test_it_answers_bad_checkpoint_forms_in_place(client_as, users, city):
    client = client_as("staff_a")
    res = client.post("/checkpoints/", {"name": "", "kind": "market", "place": users["staff_a"].node_id})
    assert res.status_code == 422 and b"errorlist" in res.content
    res = client.post("/checkpoints/", {"name": "X", "kind": "castle", "place": users["staff_a"].node_id})
    assert res.status_code == 422
    res = client.post("/checkpoints/", {"name": "X", "kind": "market", "place": users["grid_b"].node_id})
    assert res.status_code == 422
    res = client.post("/checkpoints/", {"name": "X", "kind": "market", "place": "abc"})
    assert res.status_code == 422
    res = client.post("/checkpoints/", {"name": "X", "kind": "market", "place": "99999999999999999999999"})
    assert res.status_code == 422
    assert not Checkpoint.objects.filter(name="X").exists()


def test_it_refuses_adding_checkpoints_to_guards(client_as, users, city):
    res = client_as("guard_a").post("/checkpoints/", {"name": "X", "kind": "market", "place": users["guard_a"].node_id})
    assert res.status_code == 403


# ----------------------------------------------------------------------------- poster and guard page


def test_it_prints_a_poster_with_an_svg_qr(client_as, city):
    res = client_as("grid_a").get(f"/checkpoints/{city['cp_a'].pk}/poster/")
    page = res.content.decode()
    assert res.status_code == 200
    assert 'src="data:image/svg+xml' in page and city["cp_a"].code in page and "东门" in page


def test_it_answers_404_for_posters_of_other_jurisdictions_or_unknown(client_as, city):
    client = client_as("grid_a")
    assert client.get(f"/checkpoints/{city['cp_b'].pk}/poster/").status_code == 404
    assert client.get("/checkpoints/999999999/poster/").status_code == 404
    assert client.get(f"/checkpoints/{city['cp_b'].pk}/guard/").status_code == 404


def test_it_opens_the_guard_page_for_guards(client_as, city):
    res = client_as("guard_a").get(f"/checkpoints/{city['cp_a'].pk}/guard/")
    page = res.content.decode()
    assert res.status_code == 200
    assert 'id="guard-config"' in page and f"/api/v1/checkpoints/{city['cp_a'].pk}/verify" in page
    assert "web/guard.js" in page and "HTTPS" in page
    assert page.index("web/offline.js") < page.index("web/guard.js")  # the guard's script uses the shared one
    assert "<script>" not in page  # the CSP forbids inline scripts: config travels as JSON


@pytest.mark.parametrize("username", ["street_a", "commander", "cdc", "supply"])
def test_it_refuses_the_guard_page_to_roles_that_do_not_scan(client_as, city, username):
    assert client_as(username).get(f"/checkpoints/{city['cp_a'].pk}/guard/").status_code == 403


def test_it_serves_the_service_worker_over_the_guard_pages(client):
    res = client.get("/checkpoints/sw.js")
    assert res.status_code == 200
    assert res["Content-Type"].startswith("text/javascript")
    assert res["Service-Worker-Allowed"] == "/checkpoints/"
    assert b"addEventListener(\"fetch\"" in res.content


# ----------------------------------------------------------------------------- passes


def test_it_lists_passes_of_the_jurisdiction_only(client_as, city):
    page = client_as("grid_a").get("/checkpoints/passes/").content.decode()
    assert f"/checkpoints/passes/{city['pass_a'].pk}/" in page
    assert f"/checkpoints/passes/{city['pass_b'].pk}/" not in page
    assert 'name="reason"' not in page  # grid workers see passes, they do not issue them


def test_it_answers_404_for_passes_of_other_jurisdictions(client_as, city):
    client = client_as("grid_a")
    assert client.get(f"/checkpoints/passes/{city['pass_b'].pk}/").status_code == 404
    assert client.get("/checkpoints/passes/999999999/").status_code == 404
    assert client_as("staff_a").get(f"/checkpoints/passes/{city['pass_b'].pk}/").status_code == 404


@pytest.mark.parametrize("username", ["volunteer_a", "legal", "supervisor"])
def test_it_refuses_passes_to_other_roles(client_as, city, username):
    client = client_as(username)
    assert client.get("/checkpoints/passes/").status_code == 403
    assert client.get(f"/checkpoints/passes/{city['pass_a'].pk}/").status_code == 403


@pytest.mark.parametrize("given", ["abc", "12abc", "0", "9" * 30, "9" * 5_000_000])
def test_a_resident_link_with_a_bad_number_is_a_message_on_an_empty_form(client_as, given):
    r = client_as("staff_a").get("/checkpoints/passes/", {"resident": given})
    html = r.content.decode()
    assert r.status_code == 200 and "居民不存在或不在您的管辖范围内。" in html
    assert 'name="resident_id"' not in html  # no one is chosen in the picker


def test_it_shows_issuers_the_signed_qr_and_guards_only_the_status(client_as, city):
    url = f"/checkpoints/passes/{city['pass_a'].pk}/"
    staff = client_as("staff_a").get(url).content.decode()
    assert 'src="data:image/svg+xml' in staff and city["res_a"].name in staff
    guard = client_as("guard_a").get(url).content.decode()
    assert "data:image/svg+xml" not in guard and city["res_a"].name not in guard
    assert city["res_a"].name[0] + "*" in guard  # masked for a role that does not browse residents


def test_it_issues_a_pass_from_the_resident_link(client_as, city):
    client = client_as("staff_a")
    form = client.get(f"/checkpoints/passes/?resident={city['res_a'].pk}").content.decode()
    assert f'value="{city["res_a"].pk}"' in form and city["res_a"].name in form
    other = client.get(f"/checkpoints/passes/?resident={city['res_b'].pk}").content.decode()
    assert city["res_b"].name not in other and "errorlist" in other
    assert 'value="supply_vehicle"' not in form  # community staff issue care and work passes only
    now = timezone.now()
    res = client.post("/checkpoints/passes/", {
        "kind": "medical", "resident_id": city["res_a"].pk, "checkpoints": [city["cp_a"].pk],
        "valid_from": local(now), "valid_to": local(now + dt.timedelta(days=2)), "reason": "区医院复诊",
    })
    assert res.status_code == 302
    permit = Pass.objects.get(reason="区医院复诊")
    assert res["Location"] == f"/checkpoints/passes/{permit.pk}/"
    assert permit.resident_id == city["res_a"].pk and list(permit.checkpoints.all()) == [city["cp_a"]]
    assert timezone.localtime(permit.valid_from).strftime("%Y-%m-%dT%H:%M") == local(now)


def test_it_issues_a_supply_vehicle_pass(client_as, users, city):
    client = client_as("supply")
    now = timezone.now()
    res = client.post("/checkpoints/passes/", {
        "kind": "supply_vehicle", "plate": "沪A 12345", "driver_name": "赵师傅", "driver_phone": "13900001111",
        "checkpoints": [city["cp_a"].pk, city["cp_b"].pk], "valid_from": local(now),
        "valid_to": local(now + dt.timedelta(days=7)), "reason": "蔬菜保供配送",
    })
    assert res.status_code == 302, res.content.decode()[:2000]
    permit = Pass.objects.get(reason="蔬菜保供配送")
    assert permit.plate == "沪A12345" and permit.resident_id is None
    assert "沪A12345" in client.get(res["Location"]).content.decode()


def test_it_answers_bad_pass_forms_in_place(client_as, city):
    client = client_as("staff_a")
    now = timezone.now()
    good = {"kind": "medical", "resident_id": city["res_a"].pk, "checkpoints": [city["cp_a"].pk],
            "valid_from": local(now), "valid_to": local(now + dt.timedelta(days=1)), "reason": "复诊"}
    before = Pass.objects.count()
    for bad in (
        {"reason": ""},
        {"valid_to": local(now - dt.timedelta(hours=1))},
        {"valid_to": local(now + dt.timedelta(days=30))},
        {"valid_from": "tomorrow"},
        {"checkpoints": []},
        {"checkpoints": [city["cp_b"].pk]},
        {"resident_id": city["res_b"].pk},
        {"resident_id": "abc"},
        {"resident_id": "9999999999999999999"},
        {"checkpoints": ["99999999999999999999999"]},
        {"checkpoints": ["²"]},
        {"resident_id": "²"},
        {"kind": "supply_vehicle"},
        {"kind": ""},
    ):
        res = client.post("/checkpoints/passes/", good | bad)
        assert res.status_code == 422, (bad, res.status_code)
        assert b"errorlist" in res.content, bad
    assert Pass.objects.count() == before


def test_it_refuses_issuing_to_roles_without_the_right(client_as, city):
    now = timezone.now()
    res = client_as("guard_a").post("/checkpoints/passes/", {
        "kind": "medical", "resident_id": city["res_a"].pk, "checkpoints": [city["cp_a"].pk],
        "valid_from": local(now), "valid_to": local(now + dt.timedelta(days=1)), "reason": "复诊"})
    assert res.status_code == 403


def test_it_revokes_a_pass_with_a_reason(client_as, city):
    client = client_as("staff_a")
    url = f"/checkpoints/passes/{city['pass_a'].pk}/"
    res = client.post(url, {"reason": " "})
    assert res.status_code == 422 and b"errorlist" in res.content
    assert Pass.objects.get(pk=city["pass_a"].pk).revoked_at is None
    res = client.post(url, {"reason": "治疗结束"})
    assert res.status_code == 302
    permit = Pass.objects.get(pk=city["pass_a"].pk)
    assert permit.revoked_at is not None and permit.revoked_reason == "治疗结束"
    page = client.get(url).content.decode()
    assert "data:image/svg+xml" not in page and 'name="reason"' not in page
    assert permit.serial in client_as("guard_a").get("/api/v1/keys").json()["revoked"]


def test_it_refuses_revocation_by_guards(client_as, city):
    res = client_as("guard_a").post(f"/checkpoints/passes/{city['pass_a'].pk}/", {"reason": "不让过"})
    assert res.status_code == 403
    assert Pass.objects.get(pk=city["pass_a"].pk).revoked_at is None


def test_the_pass_list_costs_the_same_queries_for_many_passes(client_as, users, city):
    client = client_as("staff_a")
    client.get("/checkpoints/passes/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get("/checkpoints/passes/")
    now = timezone.now()
    for i in range(6):
        services.pass_issue(actor=users["staff_a"], kind="work", checkpoint_ids=[city["cp_a"].pk], valid_from=now,
                            valid_to=now + dt.timedelta(days=1), reason=f"上班{i}", resident_id=city["res_a"].pk)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/checkpoints/passes/").content.decode()
    assert "上班5" in page
    assert len(many) == len(few)


# ----------------------------------------------------------------------------- identity QR


def test_it_shows_a_residents_identity_qr_and_typed_code(client_as, city):
    res = client_as("grid_a").get(f"/checkpoints/identity/{city['res_a'].pk}/")
    page = res.content.decode()
    assert res.status_code == 200 and 'src="data:image/svg+xml' in page
    qr_id = Resident.objects.get(pk=city["res_a"].pk).qr_id
    assert qr_id and qr_id[:4] + " " + qr_id[4:8] in page


def test_it_answers_404_for_identity_of_other_jurisdictions(client_as, city):
    client = client_as("grid_a")
    assert client.get(f"/checkpoints/identity/{city['res_b'].pk}/").status_code == 404
    assert client.get("/checkpoints/identity/999999999/").status_code == 404


@pytest.mark.parametrize("username", ["guard_a", "volunteer_a", "supply", "legal"])
def test_it_refuses_identity_pages_to_roles_that_do_not_browse_residents(client_as, city, username):
    assert client_as(username).get(f"/checkpoints/identity/{city['res_a'].pk}/").status_code == 403


def test_it_reissues_a_code_and_the_old_one_stops_working(client_as, api_as, city):
    old = services.identity_token(city["res_a"])
    old_id = Resident.objects.get(pk=city["res_a"].pk).qr_id
    res = client_as("grid_a").post(f"/checkpoints/identity/{city['res_a'].pk}/")
    assert res.status_code == 302
    assert Resident.objects.get(pk=city["res_a"].pk).qr_id != old_id
    guard = api_as("guard_a")
    v = guard.post(f"/api/v1/checkpoints/{city['cp_a'].pk}/verify", {"code": old}, content_type="application/json")
    assert v.json()["result"] == "invalid"


def test_it_refuses_reissue_to_roles_that_cannot_edit_residents(client_as, city):
    old_id = services.identity_token(city["res_a"]) and Resident.objects.get(pk=city["res_a"].pk).qr_id
    assert client_as("cdc").post(f"/checkpoints/identity/{city['res_a'].pk}/").status_code == 403
    assert Resident.objects.get(pk=city["res_a"].pk).qr_id == old_id

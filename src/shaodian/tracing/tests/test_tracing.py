"""Cases, contacts from scans, confirmation and the chain — through services, API and pages."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from shaodian.checkpoints.health import flags_for
from shaodian.errors import ServiceError
from shaodian.people.models import Resident
from shaodian.tracing import chain, services
from shaodian.tracing.models import Contact, Monitoring
from shaodian.tracing.selectors import chain_of
from shaodian.tracing.tests.support import NOW

pytestmark = pytest.mark.django_db


def health_flags(pk) -> set[str]:
    """What a gate reads of one person."""
    return flags_for([pk]).get(pk, set())


def found_ids(result, key="contacts"):
    return {c.resident_id for c in result[key]}


def test_window_and_overlap_decide_who_is_a_contact(scene):
    cdc, case = scene["cdc"], scene["case"]
    a, b, c, d, e, f = scene["people"]
    household = set(Resident.objects.filter(household_id=a.household_id).exclude(pk=a.pk).values_list("pk", flat=True))
    day = (NOW - dt.timedelta(days=1), NOW)
    strict = services.contacts_find(actor=cdc, case_id=case.pk, t_from=day[0], t_to=day[1], window_minutes=0)
    assert found_ids(strict) - household == {b.pk}
    wide = services.contacts_find(actor=cdc, case_id=case.pk, t_from=day[0], t_to=day[1], window_minutes=30)
    assert found_ids(wide) - household == {b.pk, c.pk, d.pk}  # d only through the gate passage
    long_enough = services.contacts_find(actor=cdc, case_id=case.pk, t_from=day[0], t_to=day[1], window_minutes=30,
                                         min_overlap_minutes=20)  # c overlaps 15 min only
    assert found_ids(long_enough) - household == {b.pk}
    ranked = [x for x in wide["contacts"] if x.reason == "colocation"]
    assert ranked[0].resident_id == b.pk and ranked[0].minutes >= ranked[-1].minutes
    assert {x.resident_id for x in wide["contacts"] if x.reason == "household"} == household - {b.pk, c.pk, d.pk}


def test_secondary_contacts_on_request(scene):
    cdc, case = scene["cdc"], scene["case"]
    a, b, c, d, e, f = scene["people"]
    result = services.contacts_find(actor=cdc, case_id=case.pk, t_from=NOW - dt.timedelta(days=1), t_to=NOW,
                                    window_minutes=0, second_degree=True)
    assert {e.pk, f.pk} <= found_ids(result, "secondary")
    assert all(x.via.resident_id == b.pk for x in result["secondary"] if x.resident_id in (e.pk, f.pk))


def test_a_person_confirms_and_monitoring_starts(scene, api_as):
    cdc, case = scene["cdc"], scene["case"]
    b = scene["people"][1]
    services.contacts_find(actor=cdc, case_id=case.pk, t_from=NOW - dt.timedelta(days=1), t_to=NOW, window_minutes=0)
    contact = Contact.objects.get(case=case, resident=b)
    assert contact.status == "proposed" and not health_flags(b.pk)
    client = api_as("cdc")
    r = client.post(f"/api/v1/tracing/contacts/{contact.pk}/decide", json.dumps({"confirm": True, "note": "同桌就餐"}),
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    m = Monitoring.objects.get(resident=b)
    assert m.status == "active" and (m.ends_on - m.starts_on).days == 14
    assert health_flags(b.pk) == {"close_contact"}
    # Re-running the search keeps the person's decision.
    services.contacts_find(actor=cdc, case_id=case.pk, t_from=NOW - dt.timedelta(days=1), t_to=NOW, window_minutes=0)
    assert Contact.objects.get(pk=contact.pk).status == "confirmed"


def test_the_api_contract(scene, api_as):
    client = api_as("cdc")
    b = scene["people"][1]
    body = {"case": scene["case"].pk, "from": (NOW - dt.timedelta(days=1)).isoformat(), "to": NOW.isoformat(),
            "window_minutes": 30, "min_overlap_minutes": 0}
    r = client.post("/api/v1/tracing/contacts", json.dumps(body), content_type="application/json")
    assert r.status_code == 200
    item = next(x for x in r.json()["contacts"] if x["resident_id"] == b.pk)
    assert {"resident_id", "score", "exposures"} <= set(item)
    assert item["exposures"][0]["checkpoint"] == scene["canteen"].pk and item["exposures"][0]["minutes"] > 0
    bad = client.post("/api/v1/tracing/contacts", json.dumps(body | {"to": body["from"]}), content_type="application/json")
    assert bad.status_code == 422
    outside = api_as("grid_b").post("/api/v1/tracing/contacts", json.dumps(body), content_type="application/json")
    assert outside.status_code in (403, 404)


def test_case_registration_rules(users, api_as):
    cdc = users["cdc"]
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).first()
    client = api_as("cdc")
    today = timezone.localdate()
    ok = client.post("/api/v1/cases", json.dumps({"resident_id": r.pk, "kind": "confirmed", "onset_date": str(today),
                                                  "test_date": str(today)}), content_type="application/json")
    assert ok.status_code == 201
    again = client.post("/api/v1/cases", json.dumps({"resident_id": r.pk, "kind": "confirmed", "test_date": str(today)}),
                        content_type="application/json")
    assert again.status_code == 422
    with pytest.raises(ServiceError):
        services.case_register(actor=cdc, resident_id=r.pk + 1, kind="flu", test_date=today + dt.timedelta(days=2))
    with pytest.raises(ServiceError) as exc:
        services.case_register(actor=users["grid_a"], resident_id=r.pk + 1, kind="confirmed", test_date=today)
    assert exc.value.status == 403
    assert health_flags(r.pk) == {"case"}


def test_the_chain_and_its_pages(scene, client_as):
    cdc, case = scene["cdc"], scene["case"]
    b = scene["people"][1]
    services.contacts_find(actor=cdc, case_id=case.pk, t_from=NOW - dt.timedelta(days=1), t_to=NOW, window_minutes=0)
    contact = Contact.objects.get(case=case, resident=b)
    services.contact_decide(actor=cdc, contact_id=contact.pk, confirm=True)
    grown = services.case_register(actor=cdc, resident_id=b.pk, kind="asymptomatic", test_date=timezone.localdate(),
                                   source_contact=contact)
    nodes, edges, root = chain_of(cdc, grown)
    assert root == f"case:{case.pk}"  # the chain starts where it started, not at the case asked about
    assert (f"case:{case.pk}", f"case:{grown.pk}") in edges
    svg = chain.to_svg(nodes, edges, root)
    assert svg.startswith("<svg") and "<script" not in svg
    page = client_as("cdc").get(f"/tracing/cases/{grown.pk}/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert client_as("grid_b").get(f"/tracing/cases/{case.pk}/").status_code == 404
    assert client_as("guard_a").get("/tracing/").status_code == 403
    r = client_as("cdc").post(f"/tracing/cases/{case.pk}/", {"from": "2026-01-01T00:00", "to": "2025-01-01T00:00"})
    assert r.status_code == 422


def test_svg_layout_puts_generations_in_columns():
    nodes = [chain.Node("r", "甲", "case"), chain.Node("a", "乙", "close"), chain.Node("b", "丙", "close"),
             chain.Node("c", "丁 <x>", "secondary")]
    pos = chain.layered(nodes, [("r", "a"), ("r", "b"), ("a", "c")], "r")
    assert pos["r"][0] < pos["a"][0] == pos["b"][0] < pos["c"][0]
    assert "&lt;x&gt;" in chain.to_svg(nodes, [("r", "a"), ("r", "b"), ("a", "c")], "r")

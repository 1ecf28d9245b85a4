"""Contacts change state only through `contacts_transition`: legal moves, reasons for corrections, audited."""

import datetime as dt

import pytest

from shaodian.errors import NotFound, ServiceError
from shaodian.people.models import Resident
from shaodian.places.models import Place
from shaodian.security.models import AuditLog, RoleChoice, User
from shaodian.testing.factories import crowd
from shaodian.tracing import services
from shaodian.tracing.models import CONTACT_MOVES, Case, Contact, ContactExposure, ContactStatus, Monitoring
from shaodian.tracing.tests.support import NOW

pytestmark = pytest.mark.django_db


def proposals(case, n, *, start_minutes=1.0):
    """n proposed contacts of a case in its own community, scores start_minutes, start_minutes + 1, ..."""
    people = (Resident.objects.filter(community_id=case.resident.community_id).exclude(pk=case.resident_id)
              .exclude(contact_records__case=case).exclude(cases__status="active").order_by("pk")[:n])
    return Contact.objects.bulk_create([
        Contact(case=case, resident=r, reason="colocation", minutes=start_minutes + i) for i, r in enumerate(people)])


def test_it_refuses_to_confirm_a_confirmed_contact_again(scene):
    cdc, case = scene["cdc"], scene["case"]
    (c,) = proposals(case, 1)
    services.contact_decide(actor=cdc, contact_id=c.pk, confirm=True)
    with pytest.raises(ServiceError) as exc:
        services.contact_decide(actor=cdc, contact_id=c.pk, confirm=True, note="再确认一次")
    assert "illegal_move" in {m.code for m in exc.value.errors["decision"]}
    assert "已确认" in exc.value.errors["decision"][0].zh


def test_it_refuses_to_overturn_a_decision_without_a_reason(scene):
    cdc, case = scene["cdc"], scene["case"]
    (c,) = proposals(case, 1)
    services.contact_decide(actor=cdc, contact_id=c.pk, confirm=False)
    with pytest.raises(ServiceError) as exc:
        services.contact_decide(actor=cdc, contact_id=c.pk, confirm=True)
    assert set(exc.value.errors) == {"note"}
    assert Contact.objects.get(pk=c.pk).status == "dismissed" and not Monitoring.objects.filter(contact=c).exists()
    # With a reason the correction is made, and monitoring starts; overturned again, it ends.
    services.contact_decide(actor=cdc, contact_id=c.pk, confirm=True, note="复核：同桌就餐")
    assert Monitoring.objects.get(contact=c).status == "active"
    services.contact_decide(actor=cdc, contact_id=c.pk, confirm=False, note="复核：不同时段")
    assert Monitoring.objects.get(contact=c).status == "ended"
    moves = [(a.detail["from"], a.detail["to"]) for a in
             AuditLog.objects.filter(object_type="contact", object_id=str(c.pk)).order_by("id")]
    assert moves == [("proposed", "dismissed"), ("dismissed", "confirmed"), ("confirmed", "dismissed")]


def test_it_refuses_to_confirm_an_active_case_as_a_contact(scene):
    cdc, case = scene["cdc"], scene["case"]
    (c,) = proposals(case, 1)
    Case.objects.create(resident=c.resident, kind="confirmed", test_date=NOW.date(), registered_by=cdc)
    with pytest.raises(ServiceError) as exc:
        services.contact_decide(actor=cdc, contact_id=c.pk, confirm=True)
    assert exc.value.errors["decision"][0].code == "already_case"


def test_the_transition_table_is_the_only_way(scene):
    """Every (from, to) pair: allowed exactly when the table says so."""
    cdc, case = scene["cdc"], scene["case"]
    pairs = [(a, b) for a in ContactStatus.values for b in (ContactStatus.CONFIRMED, ContactStatus.DISMISSED)]
    rows = proposals(case, len(pairs))
    for (start, to), c in zip(pairs, rows):
        Contact.objects.filter(pk=c.pk).update(status=start)
        legal = (start, to) in CONTACT_MOVES
        try:
            services.contact_decide(actor=cdc, contact_id=c.pk, confirm=to == ContactStatus.CONFIRMED, note="理由")
        except ServiceError:
            assert not legal, (start, to)
            assert Contact.objects.get(pk=c.pk).status == start
        else:
            assert legal, (start, to)
            assert Contact.objects.get(pk=c.pk).status == to


def test_it_confirms_the_top_proposals_above_a_score_in_one_action(scene, django_assert_max_num_queries):
    cdc, case = scene["cdc"], scene["case"]
    crowd(Place.objects.get(pk=case.resident.grid_id), 30)  # thirty people of the case's community to propose
    rows = proposals(case, 30)  # scores 1..30
    Contact.objects.filter(pk=rows[-1].pk).update(status="dismissed")  # 30 is decided already: not a proposal
    ContactExposure.objects.create(contact=rows[-2], checkpoint=scene["canteen"], start=NOW - dt.timedelta(days=3),
                                   end=NOW - dt.timedelta(days=3) + dt.timedelta(minutes=29), minutes=29)
    # One query per exemption source (the supply drivers' white list) whatever the number of people.
    with django_assert_max_num_queries(17):
        done = services.contacts_decide(actor=cdc, case_id=case.pk, confirm=True, note="同批次聚餐", top=5, min_score=10)
    assert [c.minutes for c in done] == [29, 28, 27, 26, 25]
    assert set(Contact.objects.filter(case=case, status="confirmed").values_list("minutes", flat=True)) == {25, 26, 27, 28, 29}
    assert Monitoring.objects.filter(contact__in=done, status="active").count() == 5
    # Monitoring counts from the last exposure (Beijing date), or from today without one.
    m = Monitoring.objects.get(contact=rows[-2])
    assert m.starts_on == (NOW - dt.timedelta(days=3)).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert AuditLog.objects.filter(object_type="contact", object_id__in=[str(c.pk) for c in done]).count() == 5
    with pytest.raises(ServiceError):
        services.contacts_decide(actor=cdc, case_id=case.pk, confirm=True, note="", top=5)


def test_a_selection_is_decided_whole_or_not_at_all(scene):
    cdc, case = scene["cdc"], scene["case"]
    a, b, c = proposals(case, 3)
    services.contact_decide(actor=cdc, contact_id=c.pk, confirm=True)
    with pytest.raises(ServiceError):  # c is confirmed already: confirming it again is refused, and so is the rest
        services.contacts_decide(actor=cdc, case_id=case.pk, confirm=True, note="同场所", contact_ids=[a.pk, b.pk, c.pk])
    assert set(Contact.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {"proposed"}
    done = services.contacts_decide(actor=cdc, case_id=case.pk, confirm=False, note="不同时段", contact_ids=[a.pk, b.pk])
    assert {x.status for x in done} == {"dismissed"}


def test_decisions_stay_in_the_jurisdiction(scene, users):
    case = scene["case"]
    (c,) = proposals(case, 1)
    with pytest.raises(ServiceError) as exc:
        services.contact_decide(actor=users["grid_a"], contact_id=c.pk, confirm=True)
    assert exc.value.status == 403
    # A health official of another community cannot see the case, let alone decide on its contacts.
    other = User.objects.create(username="cdc_b", display_name="疾控乙", role=RoleChoice.HEALTH_OFFICIAL,
                                node=Place.objects.get(pk=users["grid_b"].node.community_id))
    with pytest.raises(NotFound):
        services.contacts_decide(actor=other, case_id=case.pk, confirm=True, note="x", top=1)
    with pytest.raises(NotFound):
        services.contact_decide(actor=other, contact_id=c.pk, confirm=True)
    assert Contact.objects.get(pk=c.pk).status == "proposed"


def test_the_api_decides_many_with_one_reason(scene, api_as):
    case = scene["case"]
    rows = proposals(case, 4)
    client = api_as("cdc")
    url = f"/api/v1/tracing/cases/{case.pk}/contacts/decide"
    r = client.post(url, {"confirm": False, "note": "不同时段", "contact_ids": [rows[0].pk, rows[1].pk]},
                    content_type="application/json")
    assert r.status_code == 200 and sorted(r.json()["decided"]) == sorted([rows[0].pk, rows[1].pk])
    again = client.post(url, {"confirm": False, "note": "再次", "contact_ids": [rows[0].pk]}, content_type="application/json")
    assert again.status_code == 422 and again.json()["detail"][0]["msg_zh"].startswith("1个密接已是")
    assert client.post(url, {"confirm": True, "note": "", "top": 2}, content_type="application/json").status_code == 422
    assert Contact.objects.filter(pk__in=[r.pk for r in rows], status="dismissed").count() == 2

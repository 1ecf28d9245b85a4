"""Health flags are data tracing writes with each transition; the gate and the resident page read only that."""

import datetime as dt

import pytest

from shaodian.checkpoints import services as checkpoints
from shaodian.checkpoints.health import flags_for
from shaodian.people import selectors as people
from shaodian.people.models import HealthFlag
from shaodian.tracing import services
from shaodian.tracing.models import Contact, Monitoring
from shaodian.tracing.tests.support import NOW, confirmed_contact

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_scope():
    checkpoints._scope_cache.clear()
    yield
    checkpoints._scope_cache.clear()


def gate_says(scene, resident) -> str:
    guard = scene["cdc"].__class__.objects.get(username="guard_a")
    code = checkpoints.identity_token(resident)
    return checkpoints.verify_at(actor=guard, checkpoint_id=scene["gate"].pk, code=code)["result"]


def test_it_turns_the_gate_green_again_when_the_case_is_closed(scene):
    a = scene["people"][0]
    assert flags_for([a.pk]) == {a.pk: {"case"}}
    assert gate_says(scene, a) == "case_or_contact"
    services.case_close(actor=scene["cdc"], case_id=scene["case"].pk, note="治愈出院")
    assert flags_for([a.pk]) == {}
    assert gate_says(scene, a) == "allowed"


def test_a_dismissed_contact_holds_no_flag(scene):
    b = scene["people"][1]
    contact = confirmed_contact(scene)
    assert flags_for([b.pk]) == {b.pk: {"close_contact"}}
    assert gate_says(scene, b) == "case_or_contact"
    services.contact_decide(actor=scene["cdc"], contact_id=contact.pk, confirm=False, note="复核：不同时段")
    assert flags_for([b.pk]) == {}
    assert Monitoring.objects.get(contact=contact).status == "ended"
    assert gate_says(scene, b) == "allowed"


def test_a_proposed_contact_holds_no_flag(scene):
    b = scene["people"][1]
    services.contacts_find(actor=scene["cdc"], case_id=scene["case"].pk, t_from=NOW - dt.timedelta(days=1), t_to=NOW,
                           window_minutes=0)
    assert Contact.objects.filter(case=scene["case"], resident=b, status="proposed").exists()
    assert flags_for([b.pk]) == {}


def test_a_contact_who_becomes_a_case_is_flagged_a_case_only(scene):
    b = scene["people"][1]
    contact = confirmed_contact(scene)
    services.case_register(actor=scene["cdc"], resident_id=b.pk, kind="asymptomatic", test_date=NOW.date(),
                           source_contact=contact)
    assert flags_for([b.pk]) == {b.pk: {"case"}}
    assert Monitoring.objects.get(contact=contact).status == "ended"


def test_ending_monitoring_takes_its_flag_off(scene):
    b = scene["people"][1]
    contact = confirmed_contact(scene)
    m = Monitoring.objects.get(contact=contact)
    Contact.objects.filter(pk=contact.pk).update(degree=2)  # a secondary contact: the monitoring alone flags
    Monitoring.objects.filter(pk=m.pk).update(reason="secondary_contact")
    services.health_flags_refresh([b.pk])
    assert flags_for([b.pk]) == {b.pk: {"monitoring"}}
    services.monitoring_end(actor=scene["cdc"], monitoring_id=m.pk, note="期满解除")
    assert flags_for([b.pk]) == {}
    assert Monitoring.objects.get(pk=m.pk).task == "期满解除"


def test_a_monitoring_period_past_its_last_day_ends_with_its_flag(scene):
    b = scene["people"][1]
    contact = confirmed_contact(scene)
    m = Monitoring.objects.get(contact=contact)
    Contact.objects.filter(pk=contact.pk).update(degree=2)  # a secondary contact: the monitoring alone flags
    Monitoring.objects.filter(pk=m.pk).update(reason="secondary_contact")
    services.health_flags_refresh([b.pk])
    last_day = Monitoring.objects.get(pk=m.pk).ends_on
    on_last_day = dt.datetime.combine(last_day, dt.time(23, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert services.monitoring_expire(now=on_last_day) == 0  # the last day still counts
    assert flags_for([b.pk]) == {b.pk: {"monitoring"}}
    assert services.monitoring_expire(now=on_last_day + dt.timedelta(hours=2)) == 1
    assert Monitoring.objects.get(pk=m.pk).status == "ended"
    assert flags_for([b.pk]) == {}
    assert services.monitoring_expire(now=on_last_day + dt.timedelta(hours=3)) == 0


def test_the_refresh_repairs_flags_written_around_the_services(scene):
    a, b = scene["people"][:2]
    HealthFlag.objects.filter(resident=a).delete()
    HealthFlag.objects.create(resident=b, flag="monitoring", since=NOW)
    assert services.health_flags_refresh() == 2
    assert flags_for([a.pk, b.pk]) == {a.pk: {"case"}}
    assert services.health_flags_refresh() == 0


def test_the_resident_page_reads_flags_in_the_users_area_only(scene, users):
    a = scene["people"][0]
    assert people.health_flags_of(users["cdc"], a.pk) == ["case"]
    assert people.health_flags_of(users["grid_b"], a.pk) == []  # another community
    assert people.health_flags_of(users["legal"], a.pk) == []  # sees no cases


def test_the_data_migration_fills_the_flags_the_transitions_keep(scene):
    import importlib

    from django.apps import apps

    confirmed_contact(scene)
    kept = set(HealthFlag.objects.values_list("resident_id", "flag"))
    assert kept and services.health_flags_refresh() == 0
    HealthFlag.objects.all().delete()
    importlib.import_module("shaodian.tracing.migrations.0003_fill_health_flags").fill(apps, None)
    assert set(HealthFlag.objects.values_list("resident_id", "flag")) == kept

"""Helpers the tracing tests share: scans as a guard would send them, relative to one fixed now."""

import datetime as dt

from django.utils import timezone

from shaodian.checkpoints.scans import scan_batch_ingest

NOW = timezone.now().replace(microsecond=0)


def scan(actor, items):
    results = scan_batch_ingest(actor=actor, items=items, now=NOW)
    assert all(r["status"] == "accepted" for r in results), results
    return results


def visit(cid, person, venue, start_min_ago, minutes):
    t_in = NOW - dt.timedelta(minutes=start_min_ago)
    return [
        {"client_id": f"{cid}-in", "person": person, "checkpoint": venue, "at": t_in.isoformat(), "direction": "in"},
        {"client_id": f"{cid}-out", "person": person, "checkpoint": venue,
         "at": (t_in + dt.timedelta(minutes=minutes)).isoformat(), "direction": "out"},
    ]


def confirmed_contact(scene):
    """The scene's close contact b, found and confirmed by the health official: monitoring starts."""
    from shaodian.tracing import services
    from shaodian.tracing.models import Contact

    cdc, case = scene["cdc"], scene["case"]
    services.contacts_find(actor=cdc, case_id=case.pk, t_from=NOW - dt.timedelta(days=1), t_to=NOW, window_minutes=0)
    contact = Contact.objects.get(case=case, resident=scene["people"][1])
    return services.contact_decide(actor=cdc, contact_id=contact.pk, confirm=True, note="同桌就餐")

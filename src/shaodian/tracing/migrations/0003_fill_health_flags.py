"""Health flags become data: people.HealthFlag is filled from today's cases, monitoring and contacts."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    """The same rule tracing.flags applies: case; close contact or monitoring by the active period's reason;
    a confirmed close contact with nothing else is a close contact. Since: when the fact began, as far as known."""
    Case = apps.get_model("tracing", "Case")
    Monitoring = apps.get_model("tracing", "Monitoring")
    Contact = apps.get_model("tracing", "Contact")
    HealthFlag = apps.get_model("people", "HealthFlag")
    tz = timezone.get_current_timezone()
    now = timezone.now()
    flags: dict[tuple[int, str], object] = {}
    for pk, at in Case.objects.filter(status="active").values_list("resident_id", "registered_at").iterator():
        flags[(pk, "case")] = at or now
    for pk, reason, starts in Monitoring.objects.filter(status="active").values_list(
            "resident_id", "reason", "starts_on").iterator():
        since = dt.datetime.combine(starts, dt.time(), tzinfo=tz) if starts else now
        flags.setdefault((pk, "close_contact" if reason == "close_contact" else "monitoring"), since)
    flagged = {pk for pk, _flag in flags}
    for pk, at in Contact.objects.filter(status="confirmed", degree=1).values_list("resident_id", "decided_at").iterator():
        if pk not in flagged:
            flags.setdefault((pk, "close_contact"), at or now)
    HealthFlag.objects.bulk_create([HealthFlag(resident_id=pk, flag=flag, since=since)
                                    for (pk, flag), since in sorted(flags.items(), key=lambda x: x[0])], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("tracing", "0002_contact_exposure_rows"),
        ("people", "0005_health_flag"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]

"""Exposures become rows (place and time filters, names by join), one per meeting; the JSON list goes."""

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_exposures(apps, schema_editor):
    """Each JSON exposure becomes a row; overlapping ones at one place merge, as new searches store them."""
    Contact = apps.get_model("tracing", "Contact")
    ContactExposure = apps.get_model("tracing", "ContactExposure")
    Checkpoint = apps.get_model("checkpoints", "Checkpoint")
    known = set(Checkpoint.objects.values_list("pk", flat=True))
    batch = []
    for pk, items in Contact.objects.exclude(exposures_json=[]).values_list("pk", "exposures_json").iterator(chunk_size=2000):
        spans = sorted((e["checkpoint"], dt.datetime.fromisoformat(e["start"]), dt.datetime.fromisoformat(e["end"]))
                       for e in items or [] if e.get("checkpoint") in known)
        merged = []
        for venue, start, end in spans:
            if merged and merged[-1][0] == venue and start <= merged[-1][2]:
                merged[-1][2] = max(merged[-1][2], end)
            else:
                merged.append([venue, start, end])
        batch += [ContactExposure(contact_id=pk, checkpoint_id=v, start=s, end=e, minutes=round((e - s).total_seconds() / 60, 1))
                  for v, s, e in merged]
        if len(batch) >= 5000:
            ContactExposure.objects.bulk_create(batch)
            batch = []
    ContactExposure.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ('checkpoints', '0003_scan_lean_for_ingest'),
        ('people', '0003_resident_qr_id'),
        ('tracing', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name='contact', old_name='exposures', new_name='exposures_json'),
        migrations.CreateModel(
            name='ContactExposure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('start', models.DateTimeField()),
                ('end', models.DateTimeField()),
                ('minutes', models.FloatField()),
                ('checkpoint', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='checkpoints.checkpoint')),
                ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exposures', to='tracing.contact')),
            ],
            options={
                'ordering': ['start', 'pk'],
            },
        ),
        migrations.RunPython(copy_exposures, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(
            model_name='contact',
            name='exposures_json',
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['case', 'status', 'minutes'], name='contact_case_status'),
        ),
        migrations.AddIndex(
            model_name='contactexposure',
            index=models.Index(fields=['checkpoint', 'start'], name='exposure_place_time'),
        ),
        migrations.AddConstraint(
            model_name='contactexposure',
            constraint=models.UniqueConstraint(fields=('contact', 'checkpoint', 'start'), name='exposure_unique'),
        ),
    ]

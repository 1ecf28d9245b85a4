"""RiskConfirmation moves from measures to risk in Django's state only: its table measures_riskconfirmation,
created by measures 0001, stays where it is with its rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('measures', '0002_vote_token_sealed_key'),
        ('places', '0002_place_flags'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RiskConfirmation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('suggested_level', models.CharField(max_length=8)),
                        ('level', models.CharField(max_length=8)),
                        ('decision', models.CharField(choices=[('confirmed', 'Confirmed'), ('changed', 'Changed by the reviewer')], max_length=10)),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('explanation', models.JSONField()),
                        ('confirmed_at', models.DateTimeField()),
                        ('building', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.building')),
                        ('confirmed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'measures_riskconfirmation',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

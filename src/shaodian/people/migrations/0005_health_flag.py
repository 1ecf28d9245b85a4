import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0004_transfer_request_and_link_end"),
    ]

    operations = [
        migrations.CreateModel(
            name="HealthFlag",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("flag", models.CharField(choices=[("case", "Active case"),
                                                   ("close_contact", "Close contact under monitoring"),
                                                   ("monitoring", "Under health monitoring")], max_length=16)),
                ("since", models.DateTimeField()),
                ("resident", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="health_flags",
                                               to="people.resident")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("resident", "flag"), name="health_flag_unique")],
            },
        ),
    ]

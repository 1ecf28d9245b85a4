"""RiskConfirmation now belongs to the risk app (risk 0001); only Django's state forgets it here, the table
measures_riskconfirmation and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('measures', '0002_vote_token_sealed_key'),
        ('risk', '0001_risk_confirmation_from_measures'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='RiskConfirmation')],
            database_operations=[],
        ),
    ]

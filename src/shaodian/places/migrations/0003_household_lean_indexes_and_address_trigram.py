"""Households: drop the single-column indexes a wider index already serves, and index the address for
LIKE '%…%' with pg_trgm on PostgreSQL (the extension is created only there)."""

import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from shaodian.places.index_ops import drop_column_indexes, postgres_index


def _fk(**kwargs):
    return models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, **kwargs)


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0002_place_flags'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name='household', name='city',
                                      field=_fk(null=True, related_name='+', to='places.place')),
                migrations.AlterField(model_name='household', name='community',
                                      field=_fk(null=True, related_name='+', to='places.place')),
                migrations.AlterField(model_name='household', name='grid',
                                      field=_fk(related_name='+', to='places.place', verbose_name='grid')),
                migrations.AlterField(model_name='household', name='unit',
                                      field=_fk(related_name='households', to='places.unit')),
            ],
            database_operations=[
                drop_column_indexes('places_household', ('city_id', 'community_id', 'grid_id', 'unit_id')),
            ],
        ),
        TrigramExtension(),
        postgres_index('places_household', 'household_address_trgm', 'gin (address gin_trgm_ops)'),
    ]

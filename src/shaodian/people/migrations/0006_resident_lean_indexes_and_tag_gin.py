"""Residents: drop the indexes no search uses (single-column scope FKs served by the (column, id)
indexes, a second household index, name+birth date, a house link's resident index that link_unique
starts with, and on PostgreSQL the LIKE-only copies of the hash columns); on PostgreSQL, a GIN index
on the tags as an array for selectors.has_tag."""

import django.db.models.deletion
from django.db import migrations, models

from shaodian.places.index_ops import drop_column_indexes, drop_like_indexes, postgres_index

SCOPE = ('city_id', 'district_id', 'street_id', 'community_id', 'grid_id')


def _fk(**kwargs):
    return models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+',
                             to='places.place', **kwargs)


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_health_flag'),
        ('places', '0003_household_lean_indexes_and_address_trigram'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='resident', name='resident_household'),
        migrations.RemoveIndex(model_name='resident', name='resident_name_birth'),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name='resident', name='city', field=_fk(null=True)),
                migrations.AlterField(model_name='resident', name='community', field=_fk(null=True)),
                migrations.AlterField(model_name='resident', name='district', field=_fk(null=True)),
                migrations.AlterField(model_name='resident', name='grid', field=_fk(verbose_name='grid')),
                migrations.AlterField(model_name='resident', name='street', field=_fk(null=True)),
            ],
            database_operations=[drop_column_indexes('people_resident', SCOPE)],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='houselink', name='resident',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name='links', to='people.resident'),
                ),
            ],
            database_operations=[drop_column_indexes('people_houselink', ('resident_id',))],
        ),
        drop_like_indexes('people_transferrequest', ('id_hash',)),
        drop_like_indexes('people_resident', ('id_hash', 'id_tail_hash', 'phone_hash', 'phone_tail_hash', 'qr_id')),
        # The expression must read exactly as selectors.has_tag writes it, or the planner cannot use it.
        postgres_index('people_resident', 'resident_tags_gin', "gin (string_to_array(tags, ','))"),
    ]

"""From an import's rejected rows to transfer requests: one click for every person registered elsewhere."""

import json

from django.db import transaction

from shaodian.errors import NotFound, ServiceError
from shaodian.people import transfers
from shaodian.people.import_places import ImportPlaces
from shaodian.people.models import ImportJob
from shaodian.security.roles import Perm


def transfer_requests_from_import(*, actor, job_id: int) -> tuple[int, int]:
    """File a transfer request for each row of the actor's import that named a person registered elsewhere.

    Returns (sent, failed). Each request is its own service call: audited, and idempotent while pending.
    """
    if not (actor.can(Perm.IMPORT) and actor.can(Perm.EDIT_RESIDENTS)):
        raise ServiceError.forbidden()
    job = ImportJob.objects.filter(pk=job_id, actor=actor).first()
    if job is None:
        raise NotFound
    rows = [e["transfer"] for e in json.loads(job.errors or "[]") if e.get("code") == "elsewhere" and e.get("transfer")]
    places = ImportPlaces(actor)
    sent = failed = 0
    for row in rows:
        grid = places.grids.get(row["grid_code"])
        if grid is None:  # the grid left the actor's jurisdiction since the import
            failed += 1
            continue
        try:
            with transaction.atomic():
                places.ensure([(grid, row["building"], row["unit"], row["room"])])
                household = places.household(grid, row["building"], row["unit"], row["room"])
                transfers.transfer_request_create(
                    actor=actor, id_number=row["id_number"], name=row["name"], document_type=row["document_type"],
                    household_id=household.pk, link_kind=row["link_kind"],
                )
        except ServiceError:
            failed += 1
        else:
            sent += 1
    return sent, failed

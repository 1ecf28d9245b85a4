"""A real `shaodian worker` with one extra handler, for the tests that kill workers and run two at once.

    python -m tests.outbox_probe enqueue N [--sleep S --sleep-on-attempt A --marker DIR]
    python -m tests.outbox_probe worker [worker options]
    python -m tests.outbox_probe facts
    python -m tests.outbox_probe export-setup [N]   # the fixture city (N residents) and one queued resident export
    python -m tests.outbox_probe export-facts

The handler `probe.effect` is atomic: it writes one effect row per run (keyed by job and attempt, so a
second committed run would show as a second row), touches a marker file once its row is written,
then may sleep — inside its transaction, where a SIGKILL leaves it.
"""

import json
import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaodian.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Count

    from shaodian.core import outbox
    from shaodian.core.models import Notification, OutboxItem
    from shaodian.security.models import User

    @outbox.handler("probe.effect", max_attempts=5)
    def probe(payload, claim):
        Notification.objects.create(recipient_id=payload["user"], text_zh="probe", text_en="probe",
                                    key=f"probe:{payload['n']}:{claim.attempt}")
        if payload.get("marker"):
            Path(payload["marker"], f"{payload['n']}-{claim.attempt}").touch()
        if claim.attempt == payload.get("sleep_on_attempt", 0) or payload.get("sleep_on_attempt") == -1:
            time.sleep(payload.get("sleep", 0))

    command, rest = argv[0], argv[1:]
    if os.environ.get("PROBE_SLOW_EXPORT"):
        _slow_export(Path(os.environ["PROBE_SLOW_EXPORT"]))
    if command == "enqueue":
        count = int(rest[0])
        opts = dict(zip(rest[1::2], rest[2::2], strict=False))
        user, _ = User.objects.get_or_create(username="probe")
        with transaction.atomic():
            for n in range(count):
                outbox.enqueue("probe.effect", {"n": n, "user": user.pk, "sleep": float(opts.get("--sleep", 0)),
                                                "sleep_on_attempt": int(opts.get("--sleep-on-attempt", 0)),
                                                "marker": opts.get("--marker", "")}, key=f"probe-{n}")
    elif command == "worker":
        call_command("worker", *rest)
    elif command == "facts":
        effects = {}
        for key in Notification.objects.filter(key__startswith="probe:").values_list("key", flat=True):
            n = key.split(":")[1]
            effects[n] = effects.get(n, 0) + 1
        items = list(OutboxItem.objects.filter(event="probe.effect").values("key", "status", "attempts", "claimed_by"))
        print("FACTS" + json.dumps({
            "effects": effects, "items": items,
            "workers": dict(OutboxItem.objects.filter(event="probe.effect").values_list("claimed_by")
                            .annotate(n=Count("pk")).order_by()),
        }))
    elif command == "export-setup":
        from shaodian.people import export, selectors
        from shaodian.people.models import Resident
        from shaodian.testing import city, factories

        nodes = city.build()
        factories.crowd(nodes["grid_a"], max(0, (int(rest[0]) if rest else 200) - Resident.objects.count()))
        actor = User.objects.get(username="commander")
        job = export.residents_export_queue(actor=actor, query={},
                                            rows_total=selectors.resident_filter(actor).count())
        print("FACTS" + json.dumps({"job": job.pk}))
    elif command == "export-facts":
        from shaodian.core import exports
        from shaodian.core.models import ExportFile
        from shaodian.security.models import AuditLog

        job = ExportFile.objects.get()
        item = OutboxItem.objects.get(key=f"export:{job.pk}")
        print("FACTS" + json.dumps({
            "status": job.status, "rows": job.rows_done, "total": job.rows_total, "file": exports.path_of(job).exists(),
            "size": job.size, "attempts": item.attempts, "item": item.status,
            "audits": AuditLog.objects.filter(object_type="resident", action="export").count(),
            "notices": OutboxItem.objects.filter(key__startswith=f"notify:export:{job.pk}:").count(),
            "inbox": Notification.objects.filter(link=f"/residents/exports/{job.pk}/").count(),
        }))
    else:
        raise SystemExit(f"unknown command {command}")


def _slow_export(markers: Path) -> None:
    """The first run of an export reports progress every 20 rows and stops for a minute after the first report."""
    from shaodian.core import exports

    exports.PROGRESS_EVERY = 20
    real = exports.mark_progress

    def slow(job, rows_done, claim):
        real(job, rows_done, claim)
        if claim.attempt == 1:
            (markers / f"progress-{rows_done}").touch()
            time.sleep(60)

    exports.mark_progress = slow


if __name__ == "__main__":
    main(sys.argv[1:])

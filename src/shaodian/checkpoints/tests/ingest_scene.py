"""Helpers of the scan-ingest tests: send a batch, build a scan, read the answers."""

import base64
import datetime as dt
import json

from django.utils import timezone

from shaodian.checkpoints import services


URL = "/api/v1/scans/batch"
OTHER_KEY = base64.b64encode(b"another-signing-key-32-bytes-ok!").decode()


def send(client, items):
    return client.post(URL, json.dumps({"scans": items}), content_type="application/json")


def ingest(client, items) -> list[dict]:
    res = send(client, items)
    assert res.status_code == 200, res.content
    return res.json()["results"]


def scan(client_id, person, checkpoint, *, at=None, direction="in", **extra):
    at = at if at is not None else (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    return {"client_id": client_id, "person": person, "checkpoint": checkpoint, "at": at, "direction": direction,
            **extra}


def statuses(results):
    return [r["status"] for r in results]


def codes(results):
    return [r["code"] for r in results]


def medical_pass(users, resident, checkpoints, *, start=None, end=None):
    start = start or timezone.now() - dt.timedelta(hours=1)
    end = end or start + dt.timedelta(days=2)
    return services.pass_issue(actor=users["staff_a"], kind="medical", checkpoint_ids=[c.pk for c in checkpoints],
                               valid_from=start, valid_to=end, reason="透析复诊", resident_id=resident.pk)

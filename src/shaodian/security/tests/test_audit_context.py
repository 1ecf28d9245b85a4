"""Audit rows take their address and channel from the request's context, not from a service's arguments."""

import pytest

from shaodian.people.models import Resident
from shaodian.people.selectors import resident_get
from shaodian.security.audit import audit_context, current_channel
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def test_a_page_read_carries_the_client_address_and_the_web_channel(client_as, users):
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).first()
    client_as("grid_a").get(f"/residents/{r.pk}/", REMOTE_ADDR="10.20.30.40")
    row = AuditLog.objects.latest("id")
    assert (row.object_id, row.ip, row.channel) == (str(r.pk), "10.20.30.40", "web")


def test_an_api_read_carries_the_api_channel(api_as, users):
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).first()
    api_as("grid_a").get(f"/api/v1/residents/{r.pk}", REMOTE_ADDR="10.20.30.41")
    row = AuditLog.objects.latest("id")
    assert (row.ip, row.channel) == ("10.20.30.41", "api")


def test_outside_a_request_a_service_writes_cli_with_no_address(users):
    r = Resident.objects.filter(grid_id=users["grid_a"].node_id).first()
    resident_get(users["grid_a"], r.pk)
    row = AuditLog.objects.latest("id")
    assert (row.ip, row.channel) == (None, "cli")


def test_the_context_ends_with_its_block():
    with audit_context(ip="10.0.0.1", channel="worker"):
        assert current_channel() == "worker"
    assert current_channel() == "cli"

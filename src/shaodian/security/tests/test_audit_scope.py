"""Who reads which audit rows: the actors of their own tree; the city also reads the system's rows."""

import pytest

from shaodian.security.audit import audit
from shaodian.security.models import AuditAction, User
from shaodian.security.selectors import audit_for

pytestmark = pytest.mark.django_db


def _rows(users):
    return {name: audit(users[name] if name else None, AuditAction.READ, "resident", 1).pk
            for name in ("grid_a", "grid_b", "staff_a", "")}


def test_a_grid_supervisor_reads_its_grid_only(users):
    rows = _rows(users)
    watcher = User.objects.create(username="grid_watch", role="supervisor", node=users["grid_a"].node)
    seen = set(audit_for(watcher).values_list("pk", flat=True))
    assert rows["grid_a"] in seen
    assert not {rows["grid_b"], rows["staff_a"], rows[""]} & seen


def test_a_district_supervisor_reads_its_district_but_not_the_system(users):
    rows = _rows(users)
    seen = set(audit_for(users["supervisor"]).values_list("pk", flat=True))
    assert {rows["grid_a"], rows["grid_b"], rows["staff_a"]} <= seen
    assert rows[""] not in seen


def test_the_city_reads_everything(users):
    rows = _rows(users)
    assert set(rows.values()) <= set(audit_for(users["admin"]).values_list("pk", flat=True))


def test_a_role_without_the_permission_reads_nothing(users):
    _rows(users)
    assert not audit_for(users["staff_a"]).exists()

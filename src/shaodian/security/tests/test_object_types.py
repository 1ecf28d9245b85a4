"""The audit page names every object type in Chinese, never by its code (care_assignment, vote_tokens)."""

import re
from pathlib import Path

import pytest

from shaodian.security.audit import audit
from shaodian.security.models import AuditAction
from shaodian.security.object_types import OBJECT_TYPES

SRC = Path(__file__).resolve().parents[2]
# audit(actor, AuditAction.X, "type", …) and audit_list(actor, "type", …), possibly across lines.
CALL = re.compile(r'\baudit\(\s*[^,()]+,\s*AuditAction\.\w+,\s*"(\w+)"|\baudit_list\(\s*[^,()]+,\s*"(\w+)"')


def _used_types() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "bench" in path.parts:
            continue
        for a, b in CALL.findall(path.read_text(encoding="utf-8")):
            found.add(a or b)
    return found


def test_the_scan_finds_the_types_the_issue_saw():
    assert {"care_assignment", "vote_tokens", "resident", "pass"} <= _used_types()


def test_every_audited_object_type_has_a_label():
    assert _used_types() - set(OBJECT_TYPES) == set()


@pytest.mark.django_db
def test_the_audit_page_shows_object_types_in_chinese(client_as, users):
    for t in ("care_assignment", "vote_tokens"):
        audit(users["staff_a"], AuditAction.UPDATE, t, 1)
    page = client_as("supervisor").get("/audit/").content.decode()
    cells = re.sub(r"<[^>]+>", " ", page)
    assert "特殊群体保障安排" in cells and "表决链接" in cells
    assert "care_assignment" not in cells and "vote_tokens" not in cells

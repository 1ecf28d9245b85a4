"""`shaodian complaints-summary`: it reports a summary out of step with the complaints, and --rebuild repairs it."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from shaodian import cli
from shaodian.complaints import intake, services, summary
from shaodian.complaints.models import ComplaintDay
from shaodian.complaints.tests.factories import make_town

T0 = dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC)


@pytest.fixture
def town(db):
    t = make_town()
    street = t.users["street"]
    for i in range(3):
        c, _ = intake.complaint_file(channel="web", text="侧门被锁", place_id=t.east_grid.pk, category="over_blocking",
                                     now=T0 + dt.timedelta(hours=i))
        services.complaint_act(actor=street, complaint_id=c.pk, action="assign", now=T0 + dt.timedelta(hours=i))
    intake.complaint_file(channel="web", text="买不到药", place_id=t.west_grid.pk, category="supply_shortage",
                          now=T0 + dt.timedelta(days=1))
    return t


def _run(*args) -> str:
    out = io.StringIO()
    call_command("complaints_summary", *args, stdout=out)
    return out.getvalue()


def test_it_says_the_summary_is_in_step_when_it_is(town):
    assert summary.drift() == []
    rows = ComplaintDay.objects.filter(filed__gt=0).count()
    assert rows >= 2
    assert _run() == f"complaints-summary: {rows} rows kept, {rows} rows in a recount, 0 differ\n"


def test_rebuild_repairs_a_summary_a_bulk_load_left_behind(town):
    # What a bulk load (or a hand-made repair gone wrong) leaves: rows lost, counts wrong.
    ComplaintDay.objects.filter(community=town.west).delete()
    ComplaintDay.objects.filter(community=town.east).update(closed=7)
    before = ComplaintDay.objects.filter(filed__gt=0).count()
    assert "2 differ (run with --rebuild to repair)" in _run()

    out = _run("--rebuild")
    assert summary.drift() == []
    rows = ComplaintDay.objects.count()
    assert out.startswith(f"complaints-summary: rebuilt {rows} rows from ")
    assert f"(was {before} rows)" in out
    assert ComplaintDay.objects.get(community=town.west).filed == 1
    assert _run().endswith(", 0 differ\n")


def test_the_console_script_knows_it_by_its_dashed_name(town, capsys, monkeypatch):
    # Run in-process (Django's own entry point would close the test's database connection when done).
    monkeypatch.setattr("django.core.management.execute_from_command_line",
                        lambda argv: call_command(argv[1], *argv[2:]))
    ComplaintDay.objects.all().delete()
    cli.main(["shaodian", "complaints-summary", "--rebuild"])
    assert "complaints-summary: rebuilt" in capsys.readouterr().out
    assert summary.drift() == []

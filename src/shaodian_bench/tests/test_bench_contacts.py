"""`shaodian bench contacts` at toy size: runs, agrees with DuckDB, prints the summary line last."""

import re

import pytest

pytest.importorskip("duckdb")

from shaodian_bench.contacts import main, synthetic_scans  # noqa: E402

TINY = [
    "--scans",
    "20000",
    "--people",
    "2000",
    "--venues",
    "40",
    "--days",
    "2",
    "--cases",
    "300",
    "--runs",
    "1",
]


def test_it_prints_the_summary_line_last(capsys):
    assert main(TINY) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"contacts: ours \S+ s, baseline \S+ s, ratio \S+", lines[-1])
    [check] = [line for line in lines if line.startswith("contacts: 100 cases:")]
    assert "mismatches 0" in check and ", 0 contact pairs" not in check


def test_it_agrees_with_duckdb_with_min_overlap(capsys):
    assert main([*TINY, "--window", "10", "--min-overlap", "5", "--seed", "7"]) == 0
    assert "mismatches 0" in capsys.readouterr().out


def test_it_generates_the_same_scans_for_the_same_seed():
    a, b, c = (synthetic_scans(5000, 100, 10, 3, seed) for seed in (1, 1, 2))
    assert len(a) == 5000
    assert (a.time == b.time).all() and (a.person == b.person).all()
    assert not (a.time == c.time).all()

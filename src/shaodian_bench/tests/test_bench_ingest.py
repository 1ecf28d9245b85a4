"""The ingest benchmark runs end to end at a tiny size, on its own database, and ends with its verdict."""

import os
import re
import subprocess
import sys

import pytest

NUMBER = r"\d+(?:\.\d+)?"


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k != "SHAODIAN_DATABASE_URL"}
    env |= {"SHAODIAN_DATA_DIR": str(tmp_path_factory.mktemp("ingest")), "DJANGO_SETTINGS_MODULE": "shaodian.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "shaodian.cli", "bench", "ingest", "--residents", "300", "--scans", "2000", "--batch", "500"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stdout
    return done.stdout


def test_it_ends_with_the_verdict_line(output):
    last = output.strip().splitlines()[-1]
    assert re.fullmatch(rf"ingest: ours {NUMBER} scans/s, baseline {NUMBER} scans/s, ratio {NUMBER}", last), output


def test_it_runs_on_its_own_database(output):
    line = next(line for line in output.splitlines() if line.startswith("database: "))
    assert "/bench/ingest-300-s1.sqlite3" in line, output


def test_it_stores_every_scan_over_http(output):
    assert "ours: HTTP (shaodian serve" in output
    assert "{'accepted': 2000}, 2,000 rows" in output, output

"""Each benchmark runs end to end at a tiny size and ends with its one-line verdict."""

import os
import re
import subprocess
import sys

import pytest

TINY = {
    "import": ["--rows", "300", "--city", "300"],
    "list": ["--residents", "300", "--per-kind", "2"],
    "export": ["--residents", "300"],
}
UNIT = {"import": "s", "list": "ms", "export": "MB"}
NUMBER = r"\d+(?:\.\d+)?"


def _start(name: str, data_dir) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "SHAODIAN_DATABASE_URL"}
    env |= {"SHAODIAN_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "shaodian.settings"}
    return subprocess.Popen(
        [sys.executable, "-m", "shaodian.cli", "bench", name, *TINY[name]],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=300)
    return proc.returncode, out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(exit code, output) by name. Import runs beside list; export then reuses the city list built."""
    importing = _start("import", tmp_path_factory.mktemp("import"))
    city_dir = tmp_path_factory.mktemp("city")
    done = {"list": _finish(_start("list", city_dir))}
    done["export"] = _finish(_start("export", city_dir))
    done["import"] = _finish(importing)
    return done


@pytest.mark.parametrize("name", TINY)
def test_it_ends_with_the_verdict_line(runs, name):
    code, output = runs[name]
    assert code == 0, output
    last = output.strip().splitlines()[-1]
    unit = UNIT[name]
    pattern = rf"{name}: ours {NUMBER} {unit}, baseline {NUMBER} {unit}, ratio {NUMBER}"
    assert re.fullmatch(pattern, last), output


@pytest.mark.parametrize("name", TINY)
def test_it_runs_on_its_own_database(runs, name):
    _code, output = runs[name]
    line = next(line for line in output.splitlines() if line.startswith("database: "))
    assert f"/{name if name == 'import' else 'city-300-s1'}" in line and "/bench/" in line, output


def test_it_checks_the_exported_file(runs):
    _code, output = runs["export"]
    assert "holds 301 rows = 300 residents + header" in output


def test_it_imports_every_row_then_changes_nothing(runs):
    _code, output = runs["import"]
    assert "created 300, updated 0, unchanged 0, failed 0" in output
    assert "created 0, updated 0, unchanged 300, failed 0" in output

"""The demo's first start: every step of the build is announced with its time, the logins are printed once."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent


def _run(data: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "SHAODIAN_DATABASE_URL"}
    env.update(SHAODIAN_DATA_DIR=data, SHAODIAN_DATABASE_URL=f"sqlite:///{data}/demo.sqlite3")
    done = subprocess.run([BIN / "shaodian", *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_it_shows_each_step_with_its_time_and_prints_the_logins_once():
    data = tempfile.mkdtemp(prefix="shaodian-demo-")
    _run(data, "migrate", "-v0")
    first = _run(data, "demo-city", "--residents", "200", "--no-scans")
    steps = re.findall(r"^\[(\d)/4\] (.+) …$", first, re.M)
    assert [int(n) for n, _ in steps] == [1, 2, 3, 4], first
    # Each step ends with its own time, so no step passes in silence after the bar.
    assert len(re.findall(r"：\d+\.\d s（共 \d+ s · total）$", first, re.M)) == 4, first
    assert first.count("staff_a") == 1 and first.count("grid_a grid_b") == 1, first
    again = _run(data, "demo-city", "--if-absent")
    assert "already exists" in again and again.count("grid_a grid_b") == 1, again


def test_the_run_script_leaves_the_logins_to_demo_city():
    script = (Path(__file__).resolve().parents[1] / "run").read_text()
    demo = script[script.index("  demo)"):script.index(";;", script.index("  demo)"))]
    assert "staff_a" not in demo and "demo-city --if-absent" in demo

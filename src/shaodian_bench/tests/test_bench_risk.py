"""The risk benchmark runs end to end at a tiny size and ends with its one-line verdict."""

import os
import re
import subprocess
import sys

NUMBER = r"\d+(?:\.\d+)?"


def test_it_ends_with_the_verdict_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SHAODIAN_DATABASE_URL"}
    env |= {"SHAODIAN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "shaodian.settings"}
    proc = subprocess.run(
        [sys.executable, "-m", "shaodian.cli", "bench", "risk", "--residents", "300", "--cases", "12", "--repeat", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120,
    )
    output = proc.stdout
    assert proc.returncode == 0, output
    last = output.strip().splitlines()[-1]
    assert re.fullmatch(rf"risk: ours {NUMBER} s, baseline {NUMBER} s, ratio {NUMBER}", last), output
    database = next(line for line in output.splitlines() if line.startswith("database: "))
    assert "/bench/risk-300-s1" in database, output  # its own database, never the shared city cache
    assert "values and levels agree" in output
    assert re.search(r"city: [\d,]+ buildings, [1-9]\d* cases", output), output

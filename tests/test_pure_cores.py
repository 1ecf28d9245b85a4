"""The pure cores' tests need no Django: they run with `-p no:django`, and nothing they load imports it.

    python -m pytest src/shaodian/tracing/tests/test_engine.py -p no:django

The root conftest and the apps' conftests import Django only inside fixtures, so a missing settings
module or database cannot stop these tests. Here a separate interpreter collects every one of them
and runs the quick ones with the Django plugin off, then reports whether `django` was ever imported.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = "src/shaodian"
PURE_TESTS = [
    "tracing/tests/test_engine.py", "tracing/tests/test_merge_exposures.py",
    "measures/tests/test_lifecycle.py", "measures/tests/test_lifecycle_walks.py", "risk/tests/test_matrix.py", "measures/tests/test_rules.py",
    "measures/tests/test_codec.py", "measures/tests/test_votes.py",
    "people/tests/test_idcard.py", "people/tests/test_names.py", "people/tests/test_buildings.py",
    "security/tests/test_crypto.py", "security/tests/test_redact.py", "core/tests/test_backoff.py",
    "complaints/tests/test_states.py", "delivery/tests/test_geo.py",
    "supplies/tests/test_cores.py",
    "supplies/tests/test_allocate.py", "supplies/tests/test_allocate_properties.py",
    "supplies/tests/test_routing.py", "supplies/tests/test_routing_properties.py",
    "tasks/tests/test_states.py", "tasks/tests/test_pure_workload_whistles.py",
    "screening/tests/test_pure.py",
    "complaints/tests/test_tally.py",
    "complaints/tests/test_classify.py",
    "monitoring/tests/test_rules.py",
]
# Quick enough to run here as well as in the suite (the others are property tests of some seconds each).
RUN_HERE = ["people/tests/test_idcard.py", "measures/tests/test_codec.py", "core/tests/test_backoff.py",
            "security/tests/test_redact.py"]

PROBE = """
import json, sys
import pytest
files = json.loads(sys.argv[1])
collected = pytest.main(["--collect-only", "-q", "-p", "no:django", "-p", "no:cacheprovider", *files["all"]])
ran = pytest.main(["-q", "-p", "no:django", "-p", "no:cacheprovider", *files["run"]])
print("PURE" + json.dumps({"collected": int(collected), "ran": int(ran),
                           "django": sorted(m for m in sys.modules if m.split(".")[0] == "django")[:5]}))
"""


def test_the_pure_cores_tests_run_without_django():
    files = {"all": [f"{APPS}/{f}" for f in PURE_TESTS], "run": [f"{APPS}/{f}" for f in RUN_HERE]}
    env_free = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}  # no DJANGO_SETTINGS_MODULE either
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(files)], cwd=ROOT, env=env_free,
                          capture_output=True, text=True, timeout=600)
    line = next((x for x in done.stdout.splitlines() if x.startswith("PURE")), None)
    assert line, done.stdout[-3000:] + done.stderr[-3000:]
    facts = json.loads(line[4:])
    assert facts == {"collected": 0, "ran": 0, "django": []}, done.stdout[-3000:]

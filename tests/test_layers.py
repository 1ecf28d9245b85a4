"""Imports point down the layers written in pyproject.toml ([tool.importlinter]), checked by import-linter (pinned)."""

import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import shaodian

ROOT = Path(__file__).resolve().parents[1]


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == "layers")


def test_it_finds_no_import_from_a_lower_layer_into_a_higher_one():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is a test dependency: pip install -e '.[test]'"
    result = subprocess.run([lint, "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_of_the_package_root_has_its_layer():
    """A new app or root module must be given its place, or the contract would not see it."""
    placed = set()
    for layer in _contract()["layers"]:
        placed |= {name.strip() for name in layer.replace(":", "|").split("|")}
    modules = {f"shaodian.{m.name}" for m in pkgutil.iter_modules(shaodian.__path__)}
    missing = sorted(modules - placed)
    assert not missing, f"give {missing} a layer in pyproject.toml [tool.importlinter] (see the comment there)"

"""Personal data is read only through people's selectors: no module outside `people` queries residents or households.

The sources are parsed, not imported: an import of `Resident` or `Household`, a `.objects` on either,
or `apps.get_model(...)` of either is a direct query. An import under `if TYPE_CHECKING:` is only a
type and does not count.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "shaodian"
MODELS = {"Resident", "Household"}

# Where a direct query is allowed, and why (paths relative to src/shaodian; a folder ends with "/").
ALLOWED = {
    "people/": "the app that owns residents and offers the selectors everyone else reads through",
    "places/": "Household is a places model: the tree's moves rewrite its scope columns and a building page lists "
               "its rooms; places lies below people and cannot read through it",
    "demo/": "the demo builder creates the city's residents before any user exists",
    "testing/": "the tests' factories and fixture city create residents before any user exists",
}


def _allowed(rel: str) -> bool:
    parts = rel.split("/")
    if "migrations" in parts or "tests" in parts:
        return True
    return any(rel == key or (key.endswith("/") and rel.startswith(key)) for key in ALLOWED)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def direct_queries(source: str) -> list[tuple[int, str]]:
    """(line, what) of each direct use of Resident or Household in one module."""
    tree = ast.parse(source)
    typing_only = _type_checking_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith(("people.models", "places.models")):
            found += [(node.lineno, f"imports {a.name}") for a in node.names if a.name in MODELS]
        elif isinstance(node, ast.Attribute) and node.attr == "objects":
            target = node.value
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if name in MODELS:
                found.append((node.lineno, f"{name}.objects"))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "get_model":
            strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if any(s.split(".")[-1] in MODELS for s in strings):
                found.append((node.lineno, "get_model " + ".".join(strings)))
    return sorted(found)


def offenders(package: Path = PACKAGE) -> list[str]:
    out = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if _allowed(rel):
            continue
        out += [f"{rel}:{line} {what}" for line, what in direct_queries(path.read_text(encoding="utf-8"))]
    return out


def test_no_module_outside_people_queries_residents_or_households():
    assert offenders() == []


def test_it_sees_an_import_a_manager_and_get_model():
    source = (
        "from shaodian.people.models import CareNote, Resident\n"
        "from shaodian.places import models as places\n"
        "n = places.Household.objects.count()\n"
        "m = apps.get_model('people', 'Resident')\n"
    )
    assert direct_queries(source) == [
        (1, "imports Resident"), (3, "Household.objects"), (4, "get_model people.Resident")]


def test_it_lets_a_type_only_import_and_other_models_pass():
    source = (
        "from typing import TYPE_CHECKING\n"
        "from shaodian.people.models import CareNote, SpecialGroup\n"
        "if TYPE_CHECKING:\n"
        "    from shaodian.people.models import Resident\n"
        "def f(r: 'Resident'):\n"
        "    return CareNote.objects.filter(resident=r)\n"
    )
    assert direct_queries(source) == []


def test_it_keeps_people_migrations_tests_and_the_listed_exceptions_out():
    assert _allowed("people/selectors.py")
    assert _allowed("tracing/migrations/0001_initial.py")
    assert _allowed("measures/tests/helpers.py")
    assert _allowed("testing/factories.py")
    assert not _allowed("measures/area.py")
    assert not _allowed("peoplex/models.py")

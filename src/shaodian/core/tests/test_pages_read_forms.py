"""Every page reads its input through a form: a view hands `request.POST` or `request.GET` to a form and nothing else.

Links that keep a page's filters are built from the form's cleaned values (`QueryForm.query()`), not from the raw
query string, so even `request.GET.urlencode()` counts as a raw read: a bad or huge value never travels on.
"""

import ast
import inspect
import sys
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

import shaodian

ROOT = Path(shaodian.__file__).parent
BODY = {"POST", "FILES", "GET"}
# Not pages: our JSON API reads Ninja schemas, and Open311 (GeoReport v2) reads the standard's own wire format.
NOT_PAGES = {"api.py", "open311.py"}


def _callbacks(patterns):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _callbacks(p.url_patterns)
        elif isinstance(p, URLPattern):
            yield p.callback


def _page_modules() -> set[Path]:
    """The modules of our own that hold a page."""
    found = set()
    for view in _callbacks(get_resolver().url_patterns):
        view = inspect.unwrap(getattr(view, "view_class", view))
        module = sys.modules.get(view.__module__)
        path = Path(getattr(module, "__file__", "") or "")
        if ROOT in path.parents and path.name not in NOT_PAGES:
            found.add(path)
    return found


def _raw_reads(path: Path, root: Path = ROOT) -> list[str]:
    """Each use of request.POST / request.FILES / request.GET that is not an argument of a form's constructor."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in BODY and isinstance(node.value, ast.Name)
                and node.value.id == "request"):
            continue
        arg = node
        while isinstance(parents.get(arg), (ast.BoolOp, ast.IfExp)):  # `request.POST or None` handed to a form
            arg = parents[arg]
        call = parents.get(arg)
        callee = getattr(call, "func", None) if isinstance(call, ast.Call) and arg in call.args else None
        name = getattr(callee, "id", None) or getattr(callee, "attr", "")
        if not name.lower().endswith(("form", "form_class")):
            out.append(f"{path.relative_to(root)}:{node.lineno} request.{node.attr}")
    return out


def test_the_walk_finds_the_pages():
    names = {p.name for p in _page_modules()}
    assert {"views.py", "views_passes.py", "views_alerts.py", "vote_views.py", "public_views.py"} <= names


def test_no_page_reads_its_input_by_hand():
    raw = [line for path in sorted(_page_modules()) for line in _raw_reads(path)]
    assert not raw, "read these through a form:\n" + "\n".join(raw)


def test_the_check_sees_a_raw_read(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def v(request):\n    F(request.POST)\n    FooForm(request.POST)\n    request.POST.get('x')\n")
    assert len(_raw_reads(sample, tmp_path)) == 2


def test_the_check_sees_a_raw_query_read(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def v(request):\n    FilterForm(request.GET)\n    FilterForm(request.GET or None)\n"
                      "    request.GET.get('status')\n    q = request.GET.copy()\n    request.GET.urlencode()\n")
    assert [line.split(":")[1].split()[0] for line in _raw_reads(sample, tmp_path)] == ["4", "5", "6"]

"""`shaodian bench NAME [options]`: run one benchmark; its last line is 'NAME: ours X, baseline Y, ratio Z'."""

import importlib
import pkgutil
import sys

import shaodian_bench

USAGE = "usage: shaodian bench NAME [options]; names: "


def names() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules(shaodian_bench.__path__)
        if not m.name.startswith("_") and m.name not in ("command", "tests")
    )


def main(argv: list[str]) -> int:
    """argv: NAME and the benchmark's own options."""
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE + ", ".join(names()), file=sys.stderr)
        return 0 if argv else 2
    # A bench is named as the issue names it (route-city) or as its module is (route_city).
    name, args = argv[0].replace("-", "_"), argv[1:]
    if name not in names():
        print(f"unknown benchmark {name!r}; names: {', '.join(names())}", file=sys.stderr)
        return 2
    import django

    django.setup()  # as a management command did: some benchmarks read settings before relaunching
    module = importlib.import_module(f"shaodian_bench.{name}")
    return module.main(list(args)) or 0

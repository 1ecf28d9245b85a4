"""The `shaodian` console script: our own commands plus every Django management command."""

import os
import sys

from shaodian_bench.command import main as bench

OWN = {"demo-city": "demo_city", "serve": "serve", "worker": "worker", "compilemessages": "compile_po",
       "complaints-summary": "complaints_summary"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaodian.settings")
    if len(argv) > 1 and argv[1] == "bench":
        # The benchmarks are their own package, outside the product and its Django apps.
        raise SystemExit(bench(argv[2:]))
    if len(argv) > 1 and argv[1] in OWN:
        argv[1] = OWN[argv[1]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

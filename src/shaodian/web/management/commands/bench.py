import importlib
import pkgutil

from django.core.management.base import BaseCommand, CommandError

import shaodian.bench


class Command(BaseCommand):
    help = "Run a benchmark: shaodian bench NAME [options]. Its last line is 'NAME: ours X, baseline Y, ratio Z'."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("args", nargs="*")

    def run_from_argv(self, argv):
        # Options after NAME belong to the benchmark, not to this command.
        if len(argv) < 3:
            raise CommandError("usage: shaodian bench NAME [options]; names: " + ", ".join(self.names()))
        self.execute_bench(argv[2], argv[3:])

    @staticmethod
    def names():
        return sorted(m.name for m in pkgutil.iter_modules(shaodian.bench.__path__) if not m.name.startswith("_"))

    def execute_bench(self, name, args):
        if name not in self.names():
            raise CommandError(f"unknown benchmark {name!r}; names: {', '.join(self.names())}")
        module = importlib.import_module(f"shaodian.bench.{name}")
        raise SystemExit(module.main(list(args)) or 0)

    def handle(self, *args, **options):
        self.execute_bench(options["name"], options["args"])

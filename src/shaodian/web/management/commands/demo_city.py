import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from shaodian import demo


class Command(BaseCommand):
    help = "Build the deterministic synthetic demo city (海棠市) with its demo users."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-absent", action="store_true", help="do nothing when a city already exists")
        parser.add_argument("--no-scans", action="store_true", help="no venues, scans, cases or passes")

    def handle(self, *args, residents, seed, if_absent, no_scans, **options):
        if demo.city_exists():
            if if_absent:
                self.stdout.write("The demo city already exists.")
                return
            self.stderr.write("A city already exists: use a fresh database (or --if-absent).")
            raise SystemExit(1)
        # In a log (no terminal) redraw every 10 s instead of ten times a second.
        interval = 0.1 if sys.stderr.isatty() else 10
        with tqdm(total=residents, unit="residents", disable=options["verbosity"] == 0, mininterval=interval) as bar:
            counts = demo.build_city(residents=residents, seed=seed, progress=bar.update, with_scans=not no_scans)
        self.stdout.write(
            "Built 海棠市: {residents} residents, {districts} district(s), {streets} streets, "
            "{communities} communities, {grids} grids, {scans} scans.".format(**counts)
        )
        self.stdout.write(f"Demo logins (password {demo.DEMO_PASSWORD}): grid_a grid_b staff_a street_a commander "
                          "cdc legal supply guard_a volunteer_a supervisor admin")

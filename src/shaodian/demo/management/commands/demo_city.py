import sys
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from shaodian.demo import city as demo


class Command(BaseCommand):
    help = "Build the deterministic synthetic demo city (海棠市) with its demo users."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-absent", action="store_true", help="do nothing when a city already exists")
        parser.add_argument("--no-scans", action="store_true", help="no venues, scans, cases or passes")

    def handle(self, *args, residents, seed, if_absent, no_scans, **options):
        quiet = options["verbosity"] == 0
        if demo.city_exists():
            if if_absent:
                self.stdout.write("演示城市已存在 · The demo city already exists.")
                if not quiet:
                    self.stdout.write(demo.logins_text())
                return
            self.stderr.write("A city already exists: use a fresh database (or --if-absent).")
            raise SystemExit(1)
        total = len(demo.PHASES) - (3 if no_scans else 0)
        steps = Steps(self.stdout, residents, total, quiet=quiet)
        try:
            counts = demo.build_city(residents=residents, seed=seed, progress=steps.advance, phase=steps.begin,
                                     with_scans=not no_scans)
        finally:
            steps.end()
        self.stdout.write(
            "Built 海棠市: {residents} residents, {districts} district(s), {streets} streets, "
            "{communities} communities, {grids} grids, {scans} scans.".format(**counts)
        )
        if not quiet:
            self.stdout.write(demo.logins_text())


class Steps:
    """Each step of the build on its own line with its time; the long ones with a progress bar."""

    WITH_BAR = {"residents": "residents", "scans": "residents"}

    def __init__(self, out, residents: int, total: int, *, quiet: bool):
        self.out, self.residents, self.total, self.quiet = out, residents, total, quiet
        self.started = self.step_started = time.monotonic()
        self.key = None
        self.bar = None
        self.number = 0

    def begin(self, key: str) -> None:
        self.end()
        self.key, self.step_started = key, time.monotonic()
        self.number += 1
        if self.quiet:
            return
        self.out.write(f"[{self.number}/{self.total}] {demo.PHASES[key]} …")
        self.out.flush()
        if key in self.WITH_BAR:
            # In a log (no terminal) redraw every 10 s instead of ten times a second.
            interval = 0.1 if sys.stderr.isatty() else 10
            self.bar = tqdm(total=self.residents, unit=self.WITH_BAR[key], mininterval=interval, leave=False)

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def end(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self.key is not None and not self.quiet:
            now = time.monotonic()
            self.out.write(f"      {demo.PHASES[self.key].split(' · ')[0]}：{now - self.step_started:.1f} s"
                           f"（共 {now - self.started:.0f} s · total）")
            self.out.flush()
        self.key = None

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Process background work (the outbox). Nothing is queued by the foundation yet."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="process what is due and exit")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, once, interval, **options):
        from shaodian.web.jobs import run_due

        while True:
            n = run_due()
            if once:
                self.stdout.write(f"processed {n} job(s)")
                return
            time.sleep(interval)

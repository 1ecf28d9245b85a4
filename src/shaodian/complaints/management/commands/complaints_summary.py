"""`shaodian complaints-summary [--rebuild]`: compare the KPI summary (ComplaintDay) with a recount, or rebuild it."""

import time

from django.core.management.base import BaseCommand

from shaodian.complaints import summary
from shaodian.complaints.models import Complaint, ComplaintDay


class Command(BaseCommand):
    help = ("Compare the complaints' daily summary (what the KPI page reads) with a recount from the complaints; "
            "with --rebuild, replace it by that recount (after a bulk load, or to repair it).")

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="replace the summary by a recount")

    def handle(self, *args, rebuild, **options):
        kept_rows = ComplaintDay.objects.filter(filed__gt=0).count()
        if rebuild:
            started = time.monotonic()
            made = summary.rebuild()
            self.stdout.write(f"complaints-summary: rebuilt {made} rows from {Complaint.objects.count()} complaints "
                              f"(was {kept_rows} rows) in {time.monotonic() - started:.2f} s")
            return
        differ = len(summary.drift())
        self.stdout.write(f"complaints-summary: {kept_rows} rows kept, {summary.recount_rows().count()} rows in a "
                          f"recount, {differ} differ" + (" (run with --rebuild to repair)" if differ else ""))

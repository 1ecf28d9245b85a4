"""`shaodian route --solomon FILE --seconds S`: solve a Solomon VRPTW instance with the platform's routing."""

from django.core.management.base import BaseCommand, CommandError

from shaodian.supplies import route_solomon, routing


class Command(BaseCommand):
    help = "Solve a Solomon-format VRPTW instance; print one line per route, then vehicles=N distance=D."

    def add_arguments(self, parser):
        parser.add_argument("--solomon", required=True, help="path of a Solomon-format instance")
        parser.add_argument("--seconds", type=float, default=3.0, help="search time (default 3)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, solomon, seconds, seed, **options):
        if not seconds > 0:
            raise CommandError("--seconds 须为正数 / must be positive")
        try:
            problem = route_solomon.read(solomon)
            plan = routing.solve(problem, seconds=seconds, seed=seed)
        except routing.RoutingError as exc:
            raise CommandError(str(exc)) from None
        for line in route_solomon.lines(plan):
            self.stdout.write(line)

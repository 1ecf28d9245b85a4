import os

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the platform with waitress (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("SHAODIAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("SHAODIAN_PORT", "8000")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("SHAODIAN_THREADS", "8")))

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        from shaodian.wsgi import application

        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Shaodian 哨点 serving on http://{host}:{port}/  (Ctrl+C to stop)")
        serve(application, host=host, port=port, threads=threads, ident="shaodian", channel_timeout=300)

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shaodian.core"
    label = "core"
    verbose_name = "core"

    def ready(self):
        # Core's own handlers: notification delivery, export files, housekeeping of the outbox.
        from shaodian.core import exports, notify, outbox  # noqa: F401

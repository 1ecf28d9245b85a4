from django.apps import AppConfig


class SuppliesConfig(AppConfig):
    name = "shaodian.supplies"
    verbose_name = "supplies"

    def ready(self):
        from shaodian.supplies.fleet import whitelisted_among
        from shaodian.tracing.exemptions import register

        # Tracing confirms contacts below us: it asks this before it keeps a confirmed contact at home.
        register("supplies.whitelisted_driver", whitelisted_among)

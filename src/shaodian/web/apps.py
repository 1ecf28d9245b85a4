from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "shaodian.web"
    verbose_name = "web"

    def ready(self):
        from django.db.models.signals import post_migrate

        from shaodian.web.signals import analyze_after_migrate

        # The web app is installed last: one ANALYZE after all apps have migrated.
        post_migrate.connect(analyze_after_migrate, sender=self, dispatch_uid="shaodian-analyze")

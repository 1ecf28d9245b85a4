from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "shaodian.measures"
    verbose_name = "measures"

    def ready(self):
        from shaodian.measures.services import measures_expire
        from shaodian.web import jobs

        # ready() may run twice in some test setups: register once.
        if measures_expire not in jobs.HANDLERS:
            jobs.register(measures_expire)

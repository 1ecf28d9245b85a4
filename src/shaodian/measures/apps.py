import datetime as dt

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "shaodian.measures"
    verbose_name = "measures"

    def ready(self):
        from shaodian.core import outbox
        from shaodian.measures.services import measures_expire

        # Persist expiry once a minute through the outbox (one row per minute, however many workers run).
        outbox.periodic("measures.expire", every=dt.timedelta(minutes=1))(lambda payload, claim: measures_expire())

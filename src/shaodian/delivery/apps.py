import datetime as dt

from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "shaodian.delivery"
    verbose_name = "delivery"

    def ready(self):
        from shaodian.core import outbox

        def day_over(payload, claim):
            from shaodian.delivery.rounds import rounds_close_day_over

            rounds_close_day_over()

        # A round left open is closed within a quarter of an hour after its day ends (Asia/Shanghai), and the
        # staff hear of every door not reached, the special-group ones counted apart, as after a close by hand.
        outbox.periodic("delivery.rounds_day_over", every=dt.timedelta(minutes=15))(day_over)

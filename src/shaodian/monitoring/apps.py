import datetime as dt

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "shaodian.monitoring"
    verbose_name = "monitoring"

    def ready(self):
        from shaodian.core import outbox

        def expire(payload, claim):
            from shaodian.tracing.services import monitoring_expire

            # A large backlog ends over the next runs: each run ends at most one batch.
            monitoring_expire()

        def scan(payload, claim):
            from shaodian.monitoring.alerts import alerts_scan

            alerts_scan()

        # Periods end by themselves (through tracing's transition function) soon after their last day;
        # missing reports are looked for every ten minutes, so an alert comes at most ten minutes after its hour.
        outbox.periodic("monitoring.expire", every=dt.timedelta(hours=1))(expire)
        outbox.periodic("monitoring.alerts", every=dt.timedelta(minutes=10))(scan)

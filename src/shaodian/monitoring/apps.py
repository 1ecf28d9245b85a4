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

            from shaodian.monitoring.alerts import alert_tasks_make

            alerts_scan()
            alert_tasks_make()  # the net under the outbox items: an open alert without its task gets one

        def alert_tasks(payload, claim):
            from shaodian.monitoring.alerts import alert_tasks_make

            alert_tasks_make([int(i) for i in payload["alerts"]])

        # Periods end by themselves (through tracing's transition function) soon after their last day;
        # missing reports are looked for every ten minutes, so an alert comes at most ten minutes after its hour.
        outbox.periodic("monitoring.expire", every=dt.timedelta(hours=1))(expire)
        outbox.periodic("monitoring.alerts", every=dt.timedelta(minutes=10))(scan)
        outbox.handler("monitoring.alert_tasks")(alert_tasks)

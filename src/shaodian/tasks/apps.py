import datetime as dt

from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "shaodian.tasks"
    verbose_name = "tasks"

    def ready(self):
        from shaodian.core import outbox

        def overdue(payload, claim):
            from shaodian.tasks.services import tasks_escalate_overdue

            tasks_escalate_overdue()

        def whistles(payload, claim):
            from shaodian.tasks.whistles import whistles_escalate

            whistles_escalate()

        # Overdue tasks are told upward and late whistles go one level up within five minutes of their deadline.
        outbox.periodic("tasks.overdue", every=dt.timedelta(minutes=5))(overdue)
        outbox.periodic("tasks.whistles_escalate", every=dt.timedelta(minutes=5))(whistles)

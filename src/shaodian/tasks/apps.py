from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "shaodian.tasks"
    verbose_name = "tasks"

from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "shaodian.tracing"
    verbose_name = "tracing"

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "shaodian.monitoring"
    verbose_name = "monitoring"

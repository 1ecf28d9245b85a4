from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "shaodian.risk"
    verbose_name = "risk"

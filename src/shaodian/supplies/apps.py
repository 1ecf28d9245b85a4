from django.apps import AppConfig


class SuppliesConfig(AppConfig):
    name = "shaodian.supplies"
    verbose_name = "supplies"

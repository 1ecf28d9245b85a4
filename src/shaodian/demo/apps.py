from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shaodian.demo"
    verbose_name = "demo city"

from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "shaodian.screening"
    verbose_name = "screening"

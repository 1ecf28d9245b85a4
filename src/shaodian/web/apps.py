from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "shaodian.web"
    verbose_name = "web"

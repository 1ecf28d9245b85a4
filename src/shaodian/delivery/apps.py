from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "shaodian.delivery"
    verbose_name = "delivery"

from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "shaodian.places"
    verbose_name = "places"

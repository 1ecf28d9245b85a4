from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "shaodian.people"
    verbose_name = "people"

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "shaodian.people"
    verbose_name = "people"

    def ready(self):
        from shaodian.people import export  # noqa: F401 — registers the background export with the outbox

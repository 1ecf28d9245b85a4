from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "shaodian.people"
    verbose_name = "people"

    def ready(self):
        from shaodian.core import outbox
        from shaodian.people import export  # noqa: F401 — registers the background export with the outbox
        from shaodian.people import moves
        from shaodian.people.place_counts import residents_per_child
        from shaodian.places.child_counts import register_resident_counter

        register_resident_counter(residents_per_child)
        # Apps above people hear of each move through the outbox (their listeners: people.moves.listen).
        outbox.handler(moves.EVENT)(moves.run_listeners)

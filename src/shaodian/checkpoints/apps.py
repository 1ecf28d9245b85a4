from django.apps import AppConfig


class CheckpointsConfig(AppConfig):
    name = "shaodian.checkpoints"
    verbose_name = "checkpoints"

    def ready(self):
        from shaodian.checkpoints.moves import passes_after_move
        from shaodian.people.moves import listen

        # A pass names the gates of the place that issued it: a holder who moves away loses it (people.moves).
        listen("checkpoints.passes", passes_after_move)

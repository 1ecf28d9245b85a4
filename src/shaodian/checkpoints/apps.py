from django.apps import AppConfig


class CheckpointsConfig(AppConfig):
    name = "shaodian.checkpoints"
    verbose_name = "checkpoints"

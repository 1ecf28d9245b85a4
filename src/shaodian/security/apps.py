from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "shaodian.security"
    verbose_name = "security"

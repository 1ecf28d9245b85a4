"""Every page address of the screening app."""

urlpatterns: list = []

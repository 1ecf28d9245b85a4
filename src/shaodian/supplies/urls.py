"""Every page address of the supplies app."""

urlpatterns: list = []

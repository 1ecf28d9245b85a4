"""Every page address of the tasks app."""

urlpatterns: list = []

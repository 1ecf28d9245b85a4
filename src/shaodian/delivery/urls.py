"""Every page address of the delivery app."""

urlpatterns: list = []

"""Every page address of the monitoring app."""

urlpatterns: list = []

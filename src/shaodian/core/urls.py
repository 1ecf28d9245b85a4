from django.urls import path

from shaodian.core import views

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("<int:notification_id>/", views.notification_open, name="notification_open"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path("badge/", views.notification_badge, name="notification_badge"),
]

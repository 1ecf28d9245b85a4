from django.urls import path

from shaodian.checkpoints import views

urlpatterns = [
    path("", views.checkpoint_list, name="checkpoint_list"),
    path("sw.js", views.service_worker, name="checkpoint_sw"),
    path("<int:checkpoint_id>/poster/", views.checkpoint_poster, name="checkpoint_poster"),
    path("<int:checkpoint_id>/guard/", views.checkpoint_guard, name="checkpoint_guard"),
    path("passes/", views.pass_list, name="pass_list"),
    path("passes/<int:pass_id>/", views.pass_detail, name="pass_detail"),
    path("identity/<int:resident_id>/", views.identity, name="checkpoint_identity"),
    path("alerts/", views.alert_list, name="checkpoint_alerts"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="checkpoint_alert_acknowledge"),
]

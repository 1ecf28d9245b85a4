from django.urls import path

from shaodian.checkpoints import views, views_alerts, views_passes
from shaodian.core import offline

urlpatterns = [
    path("", views.checkpoint_list, name="checkpoint_list"),
    path("sw.js", offline.service_worker, {"scope": "/checkpoints/"}, name="checkpoint_sw"),
    path("<int:checkpoint_id>/poster/", views.checkpoint_poster, name="checkpoint_poster"),
    path("<int:checkpoint_id>/guard/", views.checkpoint_guard, name="checkpoint_guard"),
    path("passes/", views_passes.pass_list, name="pass_list"),
    path("passes/<int:pass_id>/", views_passes.pass_detail, name="pass_detail"),
    path("identity/<int:resident_id>/", views_passes.identity, name="checkpoint_identity"),
    path("alerts/", views_alerts.alert_list, name="checkpoint_alerts"),
    path("alerts/<int:alert_id>/acknowledge/", views_alerts.alert_acknowledge, name="checkpoint_alert_acknowledge"),
]

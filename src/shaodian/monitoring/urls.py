"""Every page address of the monitoring app, and the self-report link without login."""

from django.urls import path

from shaodian.monitoring import public_views, views

urlpatterns = [
    path("monitoring/", views.monitoring_list, name="monitoring_list"),
    path("monitoring/start/", views.monitoring_start, name="monitoring_start"),
    path("monitoring/alerts/", views.alert_list, name="monitoring_alerts"),
    path("monitoring/risk-areas/", views.risk_areas, name="monitoring_risk_areas"),
    path("monitoring/returnees/", views.returnee_lists, name="monitoring_returnees"),
    path("monitoring/returnees/<int:returnee_list_id>/", views.returnee_list, name="monitoring_returnee_list"),
    path("monitoring/<int:monitoring_id>/", views.monitoring_detail, name="monitoring_detail"),
    path("public/health/<str:report_token>/", public_views.health_report, name="public_health_report"),
]

"""Every page address of the screening app."""

from django.urls import path

from shaodian.core import offline
from shaodian.screening import views, views_rounds

urlpatterns = [
    path("screening/", views.screening_home, name="screening_home"),
    path("screening/campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("screening/campaigns/<int:campaign_id>/close/", views.campaign_close, name="campaign_close"),
    path("screening/campaigns/<int:campaign_id>/report.xlsx", views.campaign_report, name="campaign_report"),
    path("screening/field/", views.field, name="screening_field"),
    path("screening/sw.js", offline.service_worker, {"scope": "/screening/field/"}, name="screening_sw"),
    path("screening/rounds/", views_rounds.round_list, name="round_list"),
    path("screening/rounds/<int:testing_round_id>/", views_rounds.round_detail, name="round_detail"),
    path("screening/rounds/<int:testing_round_id>/sample/", views_rounds.round_sample, name="round_sample"),
    path("screening/rounds/<int:testing_round_id>/result/", views_rounds.round_result, name="round_result"),
    path("screening/rounds/<int:testing_round_id>/import/", views_rounds.round_import, name="round_import"),
]

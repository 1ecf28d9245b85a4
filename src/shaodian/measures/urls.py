from django.urls import path

from shaodian.measures import views, vote_views

urlpatterns = [
    path("", views.measure_list, name="measure_list"),
    path("zones/", views.zone_list, name="zone_list"),
    path("closures/", views.closure_list, name="closure_list"),
    path("<int:measure_id>/", views.measure_detail, name="measure_detail"),
    path("<int:measure_id>/act/", views.measure_act, name="measure_act"),
    path("<int:measure_id>/gate/", views.measure_gate, name="measure_gate"),
    path("<int:measure_id>/votes/", vote_views.measure_votes, name="measure_votes"),
    path("<int:measure_id>/votes/sheet/", vote_views.measure_vote_sheet, name="measure_vote_sheet"),
]

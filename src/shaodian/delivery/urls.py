"""Every page address of the delivery app; a household's request link needs no account."""

from django.urls import path

from shaodian.core import offline
from shaodian.delivery import views, views_plans

urlpatterns = [
    path("delivery/", views.delivery_home, name="delivery_home"),
    path("delivery/demand/new/", views.demand_new, name="delivery_demand_new"),
    path("delivery/rounds/new/", views.round_new, name="delivery_round_new"),
    path("delivery/rounds/<int:round_id>/", views.round_detail, name="delivery_round"),
    path("delivery/rounds/<int:round_id>/tap/", views.round_tap, name="delivery_round_tap"),
    path("delivery/sw.js", offline.service_worker, {"scope": "/delivery/rounds/"}, name="delivery_sw"),
    path("delivery/rounds/<int:round_id>/close/", views.round_close, name="delivery_round_close"),
    path("delivery/plans/", views_plans.plan_list, name="delivery_plans"),
    path("delivery/plans/<int:plan_id>/", views_plans.plan_detail, name="delivery_plan"),
    path("delivery/plans/<int:plan_id>/decide/", views_plans.plan_decide, name="delivery_plan_decide"),
    path("delivery/plans/<int:plan_id>/route/", views_plans.plan_route, name="delivery_plan_route"),
    path("delivery/routes/<int:run_id>/", views_plans.route_detail, name="delivery_route"),
    path("public/need/<str:token>/", views.public_need, name="delivery_public_need"),
]

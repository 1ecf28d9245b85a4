from django.urls import path

from shaodian.places import views

urlpatterns = [
    path("", views.place_browse, name="place_browse"),
    path("<int:place_id>/", views.place_browse, name="place_detail"),
    path("<int:place_id>/edit/", views.place_edit, name="place_edit"),
    path("buildings/<int:building_id>/", views.building_detail, name="building_detail"),
]

"""Pages without login: an index, the public register of announced and in-force measures, and a household's
voting link. Each answers with and without a trailing slash (people type these addresses from posters)."""

from django.urls import path

from shaodian.measures import public_views as views

urlpatterns = [
    path("", views.public_index, name="public_index"),
    path("measures", views.public_register, name="public_measures"),
    path("measures/", views.public_register),
    path("vote/<str:token>/", views.public_vote, name="public_vote"),
    path("vote/<str:token>", views.public_vote),
]

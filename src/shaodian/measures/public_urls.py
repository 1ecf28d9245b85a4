"""Pages without login: the public register of measures in force, and a household's voting link."""

from django.urls import path

from shaodian.measures import views

urlpatterns = [
    path("measures", views.public_register, name="public_measures"),
    path("vote/<str:token>/", views.public_vote, name="public_vote"),
]

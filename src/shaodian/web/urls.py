from django.urls import path

from shaodian.web import views

urlpatterns = [path("", views.home, name="home")]

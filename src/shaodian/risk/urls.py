from django.urls import path

from shaodian.risk import views

# Mounted at measures/risk/: the page sits among the measures pages, where commanders look for it.
urlpatterns = [
    path("", views.risk_page, name="measure_risk"),
]

from django.urls import include, path

from shaodian.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("shaodian.security.urls")),
    path("", include("shaodian.web.urls")),
    path("places/", include("shaodian.places.urls")),
    path("residents/", include("shaodian.people.urls")),
    path("checkpoints/", include("shaodian.checkpoints.urls")),
    path("tracing/", include("shaodian.tracing.urls")),
    path("measures/risk/", include("shaodian.risk.urls")),
    path("measures/", include("shaodian.measures.urls")),
    path("public/", include("shaodian.measures.public_urls")),
    path("notifications/", include("shaodian.core.urls")),
    path("", include("shaodian.complaints.urls")),
    path("", include("shaodian.tasks.urls")),
    path("", include("shaodian.screening.urls")),
    path("", include("shaodian.monitoring.urls")),
    path("", include("shaodian.supplies.urls")),
    path("", include("shaodian.delivery.urls")),
]

handler404 = "shaodian.web.views.not_found"
handler403 = "shaodian.web.views.forbidden"
handler500 = "shaodian.web.views.server_error"

"""Every address of the complaints app: staff pages, the resident's pages without login, and Open311 GeoReport v2."""

from django.urls import path

from shaodian.complaints import open311, public_views, views

urlpatterns = [
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/export.xlsx", views.complaint_export, name="complaint_export"),
    path("complaints/kpi/", views.complaint_kpi, name="complaint_kpi"),
    path("complaints/routing/", views.routing, name="complaint_routing"),
    path("complaints/reviews/", views.review_list, name="complaint_reviews"),
    path("complaints/reviews/run/", views.reviews_run, name="complaint_reviews_run"),
    path("complaints/reviews/<int:review_id>/", views.review_detail, name="complaint_review"),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:complaint_id>/photo/", views.complaint_photo, name="complaint_photo"),
    path("public/report/", public_views.report, name="public_report"),
    path("public/track/", public_views.track, name="public_track"),
    path("open311/v2/services.json", open311.services, name="open311_services"),
    path("open311/v2/requests.json", open311.requests, name="open311_requests"),
    path("open311/v2/requests/<str:request_id>.json", open311.request_one, name="open311_request"),
]

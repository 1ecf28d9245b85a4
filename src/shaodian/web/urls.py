from django.urls import path

from shaodian.web import outbox_admin, views

urlpatterns = [
    path("", views.home, name="home"),
    path("system/outbox/", outbox_admin.outbox_page, name="outbox"),
    path("system/outbox/<int:item_id>/retry/", outbox_admin.outbox_retry_view, name="outbox_retry"),
]

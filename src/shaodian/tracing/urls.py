from django.urls import path

from shaodian.tracing import views, views_close

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/close/", views_close.case_close, name="case_close"),
    path("cases/<int:case_id>/contacts/decide/", views.contacts_decide, name="contacts_decide"),
    path("contacts/<int:contact_id>/decide/", views.contact_decide, name="contact_decide"),
]

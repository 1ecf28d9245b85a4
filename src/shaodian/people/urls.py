from django.urls import path

from shaodian.people import picker, views, views_excel, views_export, views_transfer

urlpatterns = [
    path("", views.resident_list, name="resident_list"),
    path("new/", views.resident_create, name="resident_create"),
    path("pick/", picker.picker, name="people_pick"),
    path("<int:resident_id>/", views.resident_detail, name="resident_detail"),
    path("<int:resident_id>/edit/", views.resident_edit, name="resident_edit"),
    path("<int:resident_id>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("import/", views_excel.resident_import, name="resident_import"),
    path("import/template.xlsx", views_excel.import_template, name="resident_import_template"),
    path("import/<int:job_id>/errors.xlsx", views_excel.import_errors, name="resident_import_errors"),
    path("export.xlsx", views_export.resident_export, name="resident_export"),
    path("exports/", views_export.export_list, name="resident_export_list"),
    path("exports/<int:job_id>/", views_export.export_detail, name="resident_export_detail"),
    path("exports/<int:job_id>/download/", views_export.export_download, name="resident_export_download"),
    path("import/<int:job_id>/transfers/", views_excel.import_transfers, name="resident_import_transfers"),
    path("transfers/", views_transfer.transfer_list, name="transfer_list"),
    path("transfers/new/", views_transfer.transfer_create, name="transfer_create"),
    path("transfers/<int:transfer_id>/decide/", views_transfer.transfer_decide, name="transfer_decide"),
    path("transfers/<int:transfer_id>/cancel/", views_transfer.transfer_cancel, name="transfer_cancel"),
]

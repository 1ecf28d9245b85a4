from django.urls import path

from shaodian.people import picker, views, views_excel

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
    path("export.xlsx", views_excel.resident_export, name="resident_export"),
]

"""Every page address of the tasks app."""

from django.urls import path

from shaodian.tasks import views, views_whistles

urlpatterns = [
    path("tasks/mine/", views.my_tasks, name="task_mine"),
    path("tasks/new/", views.dispatch, name="task_dispatch"),
    path("tasks/overview/", views.overview, name="task_overview"),
    path("tasks/admission/", views.admission, name="task_admission"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/photo/", views.task_photo, name="task_photo"),
    path("tasks/whistles/", views_whistles.whistle_list, name="whistle_list"),
    path("tasks/whistles/<int:whistle_id>/", views_whistles.whistle_detail, name="whistle_detail"),
    path("tasks/workforce/", views_whistles.workforce_page, name="workforce"),
]

from django.urls import path

from glassbox.config import converters  # noqa: F401 (registers the <id:...> converter)

from . import views

app_name = "schedules"
urlpatterns = [
    path("schedules/", views.index, name="index"),
    path("schedules/new/", views.schedule_edit, name="schedule-create"),
    path("schedules/<id:schedule_id>/edit/", views.schedule_edit, name="schedule-edit"),
    path("schedules/<id:schedule_id>/delete/", views.schedule_delete, name="schedule-delete"),
    path("suites/new/", views.suite_create, name="suite-create"),
    path("suites/<slug:slug>/entries/new/", views.entry_create, name="entry-create"),
    path("runs/<id:run_id>/reproduce/", views.run_reproduce, name="run-reproduce"),
]

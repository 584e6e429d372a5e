from django.urls import path

from events import views, views_fields, views_public

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<slug:slug>/participants/", views.participant_list, name="participant_list"),
    path("events/<slug:slug>/participants/new/", views.participant_create, name="participant_create"),
    path("events/<slug:slug>/participants/<int:pk>/", views.participant_edit, name="participant_edit"),
    path(
        "events/<slug:slug>/participants/<int:pk>/check-in/",
        views.participant_check_in,
        name="participant_check_in",
    ),
    path(
        "events/<slug:slug>/participants/retry-failed/",
        views.participant_retry_failed,
        name="participant_retry_failed",
    ),
    path("events/<slug:slug>/participants/import/", views.participant_import, name="participant_import"),
    path(
        "events/<slug:slug>/participants/export.<str:fmt>",
        views.participant_export,
        name="participant_export",
    ),
    path("events/<slug:slug>/exports/<int:pk>/", views.export_job, name="export_job"),
    path(
        "events/<slug:slug>/exports/<int:pk>/download/",
        views.export_job_download,
        name="export_job_download",
    ),
    path("events/<slug:slug>/fields/", views_fields.field_list, name="field_list"),
    path("events/<slug:slug>/fields/<int:pk>/", views_fields.field_edit, name="field_edit"),
    path("events/<slug:slug>/fields/<int:pk>/delete/", views_fields.field_delete, name="field_delete"),
    path("register/<slug:slug>/", views_public.registration, name="registration"),
    path("register/<slug:slug>/thanks/", views_public.registration_thanks, name="registration_thanks"),
    path(
        "register/<slug:slug>/check-your-inbox/",
        views_public.registration_check_inbox,
        name="registration_check_inbox",
    ),
    path(
        "register/<slug:slug>/confirm/<str:token>/",
        views_public.registration_confirm,
        name="registration_confirm",
    ),
]

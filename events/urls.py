from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<slug:slug>/participants/", views.participant_list, name="participant_list"),
    path("events/<slug:slug>/participants/new/", views.participant_create, name="participant_create"),
    path("events/<slug:slug>/participants/<int:pk>/", views.participant_edit, name="participant_edit"),
    path("events/<slug:slug>/participants/<int:pk>/check-in/", views.participant_check_in, name="participant_check_in"),
    path("events/<slug:slug>/participants/import/", views.participant_import, name="participant_import"),
    path("events/<slug:slug>/participants/export.<str:fmt>", views.participant_export, name="participant_export"),
    path("events/<slug:slug>/fields/", views.field_list, name="field_list"),
    path("register/<slug:slug>/", views.registration, name="registration"),
]

from django.urls import path

from sync import views

app_name = "sync"
urlpatterns = [
    path("events/<slug:slug>/salesforce/force-sync/", views.force_sync, name="force_sync"),
    path("events/<slug:slug>/salesforce/sync-progress/", views.progress, name="progress"),
    path(
        "events/<slug:slug>/participants/<int:pk>/salesforce-history/",
        views.participant_history,
        name="participant_history",
    ),
]

from django.urls import path

from connector import views

app_name = "connector"
urlpatterns = [
    path("events/<slug:slug>/integrations/", views.integrations, name="integrations"),
]

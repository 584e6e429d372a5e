from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/<slug:account>/", views.account_detail, name="account_detail"),
]

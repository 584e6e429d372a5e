from django.urls import path

from connector import account_views, setup_views, views

app_name = "connector"
_sf = "events/<slug:slug>/integrations/salesforce/"
urlpatterns = [
    path("account/<slug:account>/salesforce/", account_views.account_salesforce, name="account_salesforce"),
    path(
        "account/<slug:account>/salesforce/connections/<int:pk>/disconnect/",
        account_views.account_connection_disconnect,
        name="account_connection_disconnect",
    ),
    path("events/<slug:slug>/integrations/", views.integrations, name="integrations"),
    # The callback URL registered in the connected app: fixed, the event comes from the pending state.
    path("salesforce/oauth/callback/", views.oauth_callback, name="oauth_callback"),
    path(_sf, views.salesforce, name="salesforce"),
    path(f"{_sf}activate/", views.activate, name="activate"),
    path(f"{_sf}deactivate/", views.deactivate, name="deactivate"),
    path(f"{_sf}connection/", views.connection_save, name="connection_save"),
    path(f"{_sf}connection/status/", views.connection_status, name="connection_status"),
    path(f"{_sf}connection/use/", views.connection_use, name="connection_use"),
    path(f"{_sf}login/", views.login_start, name="login_start"),
    path(f"{_sf}disconnect/", views.disconnect, name="disconnect"),
    path(f"{_sf}options/", views.options_save, name="options_save"),
    path(f"{_sf}campaign/check/", setup_views.campaign_check, name="campaign_check"),
    path(f"{_sf}campaign/", setup_views.campaign_save, name="campaign_save"),
    path(f"{_sf}statuses/", setup_views.statuses_section, name="statuses"),
    path(f"{_sf}statuses/save/", setup_views.statuses_save, name="statuses_save"),
    path(f"{_sf}statuses/create/", setup_views.status_create, name="status_create"),
    path(f"{_sf}mappings/choices/", setup_views.mapping_choices_section, name="mapping_choices"),
    path(f"{_sf}mappings/<str:kind>/check/", setup_views.mapping_check, name="mapping_check"),
    path(f"{_sf}mappings/", setup_views.mappings_save, name="mappings_save"),
    path(f"{_sf}describe/refresh/", setup_views.describe_refresh, name="describe_refresh"),
    path(f"{_sf}check/", setup_views.check, name="check"),
    path(f"{_sf}check/outcome/", setup_views.check_outcome, name="check_outcome"),
]

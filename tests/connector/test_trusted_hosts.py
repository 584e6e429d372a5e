"""The token response names the hosts the access token is sent to next: only Salesforce's are trusted."""

import pytest
from django.urls import reverse

from connector import services
from connector.models import SalesforceConnection
from connector.salesforce import oauth
from connector.salesforce.errors import RequestRefused
from tests.connector.conftest import DEMO_KEY, DEMO_SECRET, callback_query, emulator_authorize
from tests.factories import PASSWORD


@pytest.mark.parametrize(
    "url",
    [
        "https://na1.salesforce.com",
        "https://acme.my.salesforce.com",
        "https://acme--uat.sandbox.my.salesforce.com",
        "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA",
        "https://acme.my.site.force.com",
        "https://NA1.Salesforce.com:443",
    ],
)
def test_salesforce_hosts_are_trusted(url, settings):
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = []
    assert oauth.salesforce_url_validate(url, what="instance URL") == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "http://na1.salesforce.com",
        "https://evil.example",
        "https://salesforce.com.evil.example",
        "https://evilsalesforce.com",
        "https://na1.salesforce.com.evil.example/id/x",
        "https://user:pw@na1.salesforce.com",
        "https://na1.salesforce.com:8443",
        "https://127.0.0.1:8443",
        "javascript:alert(1)",
    ],
)
def test_other_hosts_are_refused(url, settings):
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = ["https://localhost:8443"]
    with pytest.raises(RequestRefused) as refused:
        oauth.salesforce_url_validate(url, what="instance URL")
    assert refused.value.code == oauth.UNTRUSTED_HOST


def test_an_extra_host_is_trusted_only_when_listed(settings):
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = ["https://localhost:8443/"]
    assert oauth.salesforce_url_validate("https://localhost:8443", what="instance URL")
    with pytest.raises(RequestRefused):
        oauth.salesforce_url_validate("https://localhost:9443", what="instance URL")


def test_a_login_answer_naming_an_untrusted_instance_is_refused_and_nothing_stored(
    client, user, event, emulator, settings
):
    """Logged in through https://localhost:PORT, the org answers instance_url https://127.0.0.1:PORT: a
    host nobody allowed, so the tokens are not kept and the tile says why."""
    localhost = emulator.url.replace("127.0.0.1", "localhost")
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = [localhost]
    client.login(username=user.username, password=PASSWORD)
    services.connection_set_active(event=event, active=True)
    services.connection_credentials_set(
        event=event, consumer_key=DEMO_KEY, consumer_secret=DEMO_SECRET, login_host=localhost
    )
    authorize = client.get(reverse("connector:login_start", args=[event.slug]))["Location"]
    assert authorize.startswith(localhost)
    query = callback_query(emulator_authorize(emulator, authorize))
    response = client.get("/salesforce/oauth/callback/", query)
    body = response.content.decode()
    assert response.status_code == 400 and "points outside salesforce.com and force.com" in body
    assert "127.0.0.1" in body
    connection = SalesforceConnection.objects.get(setups__event=event)
    assert not connection.access_token and not connection.refresh_token and not connection.instance_url
    assert not connection.is_connected and "outside salesforce.com" in connection.last_error

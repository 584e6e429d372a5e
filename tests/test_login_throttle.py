"""Login throttling (django-axes) on the back-office login and /admin/login/, and the password rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


def _attempt(client, url, username, password, ip):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, db, url_name):
    user = UserFactory(is_staff=True)
    url = reverse(url_name)
    for _ in range(5):
        assert _attempt(client, url, user.username, "wrong-guess", "10.9.0.1").status_code in (200, 429)
    locked = _attempt(client, url, user.username, PASSWORD, "10.9.0.1")
    assert locked.status_code == 429 and "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_for_that_username_from_that_ip_only(client, db):
    user = UserFactory()
    url = reverse("login")
    for _ in range(5):
        _attempt(client, url, user.username, "wrong-guess", "10.9.0.2")
    response = _attempt(client, url, user.username, PASSWORD, "10.9.0.3")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_four_wrong_passwords_then_the_right_one_logs_in(client, db):
    user = UserFactory()
    url = reverse("login")
    for _ in range(4):
        assert _attempt(client, url, user.username, "wrong-guess", "10.9.0.4").status_code == 200
    assert _attempt(client, url, user.username, PASSWORD, "10.9.0.4").status_code == 302


@pytest.mark.parametrize(
    "password", ["short-pw1", "123456789012345", "password1234", "organizer-jane"]
)
def test_weak_passwords_are_refused(db, password):
    user = UserFactory.build(username="organizer-jane")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted(db):
    validate_password("violet-tram-harbour-42", UserFactory.build(username="organizer-jane"))

"""Rotating FIELD_ENCRYPTION_KEY: secrets stay readable, and end up under the new key only."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection as db

from connector.models import SalesforceConnection


def stored_ciphertext(pk: int) -> str:
    with db.cursor() as cursor:
        cursor.execute("SELECT consumer_secret FROM connector_salesforceconnection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_rotation_re_encrypts_secrets_under_the_new_key_so_the_old_key_can_be_dropped(event, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    saved = SalesforceConnection.objects.create(account=event.account, consumer_secret="s3cret-value")
    assert "s3cret-value" not in stored_ciphertext(saved.pk)

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert SalesforceConnection.objects.get(pk=saved.pk).consumer_secret == "s3cret-value"
    call_command("rotate_encryption_keys")

    token = stored_ciphertext(saved.pk).encode()
    assert Fernet(new_key.encode()).decrypt(token) == b"s3cret-value"
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(token)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert SalesforceConnection.objects.get(pk=saved.pk).consumer_secret == "s3cret-value"

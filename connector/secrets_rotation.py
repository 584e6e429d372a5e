"""Key rotation of the secrets at rest: once a new key is put first in FIELD_ENCRYPTION_KEY (the old ones
kept after it), every stored secret is re-encrypted under the new key; the old keys can then be dropped."""

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from connector.models import SalesforceConnection

ENCRYPTED_FIELDS = ["consumer_secret", "refresh_token", "access_token"]


@sensitive_variables()
def connection_secrets_rotate() -> int:
    """Re-encrypt every connection's secrets under the current key; returns how many connections."""
    rotated = 0
    for pk in SalesforceConnection.objects.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            # Reading decrypts with any listed key; saving encrypts with the first one.
            connection = SalesforceConnection.objects.select_for_update().get(pk=pk)
            connection.save(update_fields=ENCRYPTED_FIELDS)
            rotated += 1
    return rotated

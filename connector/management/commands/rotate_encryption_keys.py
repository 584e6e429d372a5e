from django.core.management.base import BaseCommand

from connector.secrets_rotation import connection_secrets_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt the stored Salesforce secrets under the first key of FIELD_ENCRYPTION_KEY. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args, **options) -> None:
        count = connection_secrets_rotate()
        self.stdout.write(f"Re-encrypted the secrets of {count} Salesforce connection(s).")

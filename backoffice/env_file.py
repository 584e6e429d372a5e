"""The git-ignored `.env` of the embedded default: secrets generated once, then read like any environment."""

import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def ensure_env_file(path: Path) -> None:
    """Create `.env` with a fresh SECRET_KEY and FIELD_ENCRYPTION_KEY when it does not exist yet."""
    if path.exists():
        return
    path.write_text(
        "# Generated on first start for the embedded default. Never commit this file.\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"FIELD_ENCRYPTION_KEY={Fernet.generate_key().decode()}\n"
    )
    path.chmod(0o600)

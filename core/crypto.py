"""Encryption at rest for identity fields.

Keys come from settings.FIELD_ENCRYPTION_KEYS (never from the database). MultiFernet encrypts with
the first key and decrypts with any, so a key is rotated by prepending the new key, running
`manage.py rotate_identity_keys`, then dropping the old key.
"""

import hashlib
import hmac
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def dev_key(path: Path) -> str:
    """A development key generated once per checkout, kept out of git under var/."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return path.read_text().strip()


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("An identity field cannot be decrypted with the configured keys") from exc


def blind_index(value: str) -> str:
    """A keyed digest for equality look-ups (duplicates, returning visitors) without plaintext."""
    normalized = "".join(value.split()).lower()
    if not normalized:
        return ""
    # A key of its own, so rotating the encryption keys does not invalidate the indexes.
    secret = settings.IDENTITY_INDEX_KEY or settings.SECRET_KEY
    key = hashlib.sha256(("blind-index:" + secret).encode()).digest()
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


# A search for an ID number or phone travels as its keyed digest ("~" + 64 hex), never as digits:
# addresses end up in browser history, proxies and access logs.
SEARCH_DIGEST_PREFIX = "~"


def identifier_digits(text: str) -> str:
    """The digits (and a leading +) of a search that looks like an ID number or phone, else ""."""
    digits = "".join(c for c in (text or "") if c.isdigit() or c == "+")
    return digits if len(digits) >= 9 else ""


def search_token(text: str) -> str:
    """The address-safe form of a search: its digest if it holds an ID number or phone, else itself."""
    if search_digest(text):
        return text
    digits = identifier_digits(text)
    return SEARCH_DIGEST_PREFIX + blind_index(digits) if digits else text


def search_digest(text: str) -> str:
    """The digest carried by a search token, or "" if `text` is not one."""
    text = (text or "").strip()
    digest = text[len(SEARCH_DIGEST_PREFIX) :]
    if text.startswith(SEARCH_DIGEST_PREFIX) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
        return digest
    return ""


class EncryptedTextField(models.TextField):
    """A text field stored as a Fernet token; empty strings stay empty so 'not given' is visible."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)

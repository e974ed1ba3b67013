"""Pure helpers on codes and text, shared by the petition services and selectors."""

import hashlib
import hmac
import unicodedata

from django.conf import settings


def access_key_digest(code: str, key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{code}:{key.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def normalize_for_search(text: str) -> str:
    """Lower case without diacritics, so "Nguyễn" is found by "nguyen"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()

"""Uploaded files encrypted at rest with the identity keys (core.crypto, FIELD_ENCRYPTION_KEYS).

A petitioner's documents identify them as much as their name does, so files are stored as Fernet
tokens under MEDIA_ROOT: a copied disk or backup shows nothing without the keys. Reading decrypts
with any configured key; `manage.py rotate_identity_keys` re-encrypts every file with the first
key, like the identity fields. Files are at most UPLOAD_MAX_BYTES (10 MB), so whole-file Fernet
in memory is fine.

Files stored before encryption existed are read as they are (an accepted upload is a PDF, JPG or
PNG, never a Fernet token, which starts with "gAAAAA") and encrypted by the next rotation.
"""

import os
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from .crypto import fernet

TOKEN_PREFIX = b"gAAAAA"


def is_encrypted(data: bytes) -> bool:
    return data.startswith(TOKEN_PREFIX)


@deconstructible
class EncryptedFileSystemStorage(FileSystemStorage):
    """MEDIA_ROOT storage that encrypts on save and decrypts on open."""

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        token = fernet().encrypt(content.read())
        return super()._save(name, ContentFile(token))

    def _open(self, name, mode="rb"):
        with super()._open(name, "rb") as stored:
            data = stored.read()
        plain = fernet().decrypt(data) if is_encrypted(data) else data
        return ContentFile(plain, name=name)

    def reencrypt(self, name: str) -> bool:
        """Rewrite one file with the first key (encrypting a legacy plaintext file); atomic per file."""
        path = Path(self.path(name))
        data = path.read_bytes()
        token = fernet().rotate(data) if is_encrypted(data) else fernet().encrypt(data)
        if token == data:
            return False
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".rotate-")
        with os.fdopen(handle, "wb") as out:
            out.write(token)
        os.replace(temporary, path)
        return True


encrypted_storage = EncryptedFileSystemStorage()

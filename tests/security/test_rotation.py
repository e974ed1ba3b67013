from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from core.crypto import _fernet
from petitions.models import Petitioner
from tests.factories import make_petition


def raw_names():
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM petitions_petitioner")
        return [row[0] for row in cursor.fetchall()]


def test_rotation_re_encrypts_every_row_with_the_new_key(org, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    for _ in range(3):
        make_petition(org.commune)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    _fernet.cache_clear()
    call_command("rotate_identity_keys", chunk_size=2)
    new_only = Fernet(new_key.encode())
    assert [new_only.decrypt(token.encode()).decode() for token in raw_names()] == ["Nguyễn Văn An"] * 3
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert {p.id_number for p in Petitioner.objects.all()} == {"001085012345"}

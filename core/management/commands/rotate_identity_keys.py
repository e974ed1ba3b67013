"""Re-encrypt every EncryptedTextField and every encrypted file with the first key of
FIELD_ENCRYPTION_KEYS (see docs/security.md)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from core.crypto import EncryptedTextField
from core.files import EncryptedFileSystemStorage


def encrypted_models():
    """(model, [field names]) for every installed model with encrypted fields, found by scanning."""
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def encrypted_file_fields():
    """(model, field name) for every FileField stored encrypted (core.files)."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) and isinstance(f.storage, EncryptedFileSystemStorage):
                yield model, f.name


class Command(BaseCommand):
    help = "Re-encrypt identity fields and uploaded files with the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=500)

    def handle(self, *args, chunk_size, **options):
        for model, fields in encrypted_models():
            label = model._meta.label
            total = 0
            last_pk = None
            while True:
                # Reading decrypts with any configured key; saving encrypts with the first one.
                queryset = model._base_manager.order_by("pk").only("pk", *fields)
                if last_pk is not None:
                    queryset = queryset.filter(pk__gt=last_pk)
                rows = list(queryset[:chunk_size])
                if not rows:
                    break
                with transaction.atomic():
                    model._base_manager.bulk_update(rows, fields)
                total += len(rows)
                last_pk = rows[-1].pk
            self.stdout.write(f"{label}: {total} row(s) re-encrypted ({', '.join(fields)})")
        for model, name in encrypted_file_fields():
            storage = model._meta.get_field(name).storage
            names = model._base_manager.exclude(**{name: ""}).values_list(name, flat=True).distinct()
            count = sum(1 for stored in names.iterator() if storage.exists(stored) and storage.reencrypt(stored))
            self.stdout.write(f"{model._meta.label}.{name}: {count} file(s) re-encrypted")

"""Backup and restore: a PostgreSQL dump, the (encrypted) uploaded files, and checks that the keys
in the environment still open what was saved. Used by `make backup` and `make restore`.

A backup directory holds database.dump (pg_dump custom format), media.tar.gz (MEDIA_ROOT; files
stay encrypted) and manifest.json (row counts, for the restore to compare). The keys are never in
the backup: FIELD_ENCRYPTION_KEYS and IDENTITY_INDEX_KEY must be kept separately, and a backup is
only as readable as the keys kept for it (docs/security.md).
"""

import datetime
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .audit import chained_models, verify_chain
from .crypto import EncryptedTextField

COUNTED = ("petitions.Petition", "petitions.Petitioner", "petitions.Attachment", "core.User", "deadlines.Deadline")


class BackupError(Exception):
    pass


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://...).")
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db.get("USER") or "", "PGHOST": db.get("HOST") or ""}
    env["PGPORT"] = str(db.get("PORT") or "")
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def counts() -> dict[str, int]:
    labels = [*COUNTED, *(m._meta.label for m in chained_models())]
    return {label: apps.get_model(label)._base_manager.count() for label in labels}


def keys_check(*, sample: int = 5) -> int:
    """Decrypt a sample of every encrypted field and file with the configured keys; return how many
    values were opened. Raises ImproperlyConfigured if a key is missing."""
    from .files import EncryptedFileSystemStorage

    opened = 0
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            manager = model._base_manager
            rows = [*manager.order_by("pk")[:sample], *manager.order_by("-pk")[:sample]]
            for row in rows:  # reading decrypts; a wrong key raises
                opened += sum(1 for name in fields if getattr(row, name))
        for f in model._meta.concrete_fields:
            if getattr(f, "storage", None) and isinstance(f.storage, EncryptedFileSystemStorage):
                for name in model._base_manager.exclude(**{f.name: ""}).values_list(f.name, flat=True)[:sample]:
                    if f.storage.exists(name):
                        try:
                            f.storage.open(name).read()
                        except Exception as exc:
                            raise ImproperlyConfigured(f"The keys do not open the file {name}") from exc
                        opened += 1
    return opened


def audit_problems() -> int:
    return sum(1 for model in chained_models() for _problem in verify_chain(model))


def backup(directory: Path) -> dict:
    directory.mkdir(parents=True, exist_ok=False)
    opened = keys_check()
    dump = directory / "database.dump"
    subprocess.run(  # noqa: S603 - fixed arguments, the database from the settings
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
        env=_pg_env(),
        check=True,
    )
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(directory / "media.tar.gz", "w:gz") as tar:
        if media.exists():
            tar.add(media, arcname=".")
    manifest = {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "counts": counts(),
        "audit_problems": audit_problems(),
        "values_opened_by_keys": opened,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        return cursor.fetchone()[0] == 0


def restore(directory: Path) -> dict:
    """Into an empty database and an empty MEDIA_ROOT; then compare counts, chains and keys."""
    manifest = json.loads((directory / "manifest.json").read_text())
    if not database_is_empty():
        raise BackupError("The target database is not empty: restore only into a new, empty database.")
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        raise BackupError(f"MEDIA_ROOT ({media}) is not empty: restore only into an empty folder.")
    connection.close()
    subprocess.run(  # noqa: S603 - fixed arguments, the database from the settings
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(directory / "database.dump"),
        ],
        env=_pg_env(),
        check=True,
    )
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(directory / "media.tar.gz", "r:gz") as tar:
        tar.extractall(media, filter="data")
    restored = counts()
    if restored != manifest["counts"]:
        raise BackupError(f"Row counts differ after restore: {restored} != {manifest['counts']}")
    problems = audit_problems()
    if problems != manifest["audit_problems"]:
        raise BackupError(f"The audit chains differ after restore: {problems} problem(s).")
    return {"counts": restored, "audit_problems": problems, "values_opened_by_keys": keys_check()}

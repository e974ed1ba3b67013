"""`make backup` then `make restore` into an empty database: same counts, intact audit chains, and
a denouncer's identity still opens with the keys in the environment (an audited reveal)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from core.backup import counts
from petitions import services
from petitions.models import Kind
from tests.factories import make_petition

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

REVEAL = """
import json, django
django.setup()
from core.models import User
from petitions import services
from petitions.models import Attachment, Petition
petition = Petition.objects.get(tracking_code={code!r})
identity = services.petitioner_reveal(petition=petition, actor=User.objects.get(username="xuly"), reason="Kiểm tra")
attachment = Attachment.objects.filter(petition__tracking_code={file_code!r}).get()
content = attachment.file.open("rb").read().decode()
print(json.dumps({{"name": identity.full_name, "id": identity.id_number, "file": content}}))
"""

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="backups need PostgreSQL")


def _run(args, env):
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def empty_database():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(org, tmp_path, empty_database):
    denunciation = make_petition(org.commune, kind=Kind.DENUNCIATION, full_name="Trần Thị Bích")
    services.petition_accept(petition=denunciation, actor=org.reception)
    services.petition_assign(petition=denunciation, actor=org.head, handler=org.handler)
    services.petitioner_reveal(petition=denunciation, actor=org.handler, reason="Xác minh")
    with_file = make_petition(org.commune)
    services.petition_accept(petition=with_file, actor=org.reception)
    services.petition_assign(petition=with_file, actor=org.head, handler=org.handler)
    upload = SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf")
    services.petition_resolve(
        petition=with_file, actor=org.handler, decision_text="Xong", decision_file=(upload, "pdf", "application/pdf")
    )
    before = counts()

    backup_dir = tmp_path / "backup"
    call_command("backup", str(backup_dir))
    assert {p.name for p in backup_dir.iterdir()} == {"database.dump", "media.tar.gz", "manifest.json"}
    assert json.loads((backup_dir / "manifest.json").read_text())["counts"] == before

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{empty_database}",
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
    }
    restored = _run(["manage.py", "restore_backup", str(backup_dir)], env)
    assert restored.returncode == 0, restored.stderr
    assert "counts match" in restored.stdout

    revealed = _run(["-c", REVEAL.format(code=denunciation.tracking_code, file_code=with_file.tracking_code)], env)
    assert revealed.returncode == 0, revealed.stderr
    assert json.loads(revealed.stdout.strip().splitlines()[-1]) == {
        "name": "Trần Thị Bích",
        "id": "001085012345",
        "file": PDF.decode(),
    }
    # The reveal just made is chained after the restored rows.
    verified = _run(["manage.py", "verify_audit"], env)
    assert verified.returncode == 0, verified.stderr
    assert "Audit trail intact" in verified.stdout


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(org, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "manifest.json").write_text(json.dumps({"counts": {}, "audit_problems": 0}))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_backup", str(tmp_path / "b"))

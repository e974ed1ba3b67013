"""`make backup`: database dump, uploaded files and a check that the keys open a sample (core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new directory, after checking the keys."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", help="New directory (default: var/backups/<timestamp>)")

    def handle(self, *args, directory=None, **options):
        from django.conf import settings

        target = Path(directory) if directory else settings.VAR_DIR / "backups" / f"{timezone.now():%Y%m%d-%H%M%S}"
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {target}")
        for label, count in manifest["counts"].items():
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(f"  keys opened {manifest['values_opened_by_keys']} sample value(s)")

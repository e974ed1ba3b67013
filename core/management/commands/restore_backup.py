"""`make restore`: a backup into an empty database and MEDIA_ROOT, then counts, chains and keys checked."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup directory into an empty database and an empty MEDIA_ROOT, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            result = restore(Path(directory))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for label, count in result["counts"].items():
            self.stdout.write(f"  {label}: {count}")
        opened = result["values_opened_by_keys"]
        self.stdout.write(f"Restored: counts match, audit chains as backed up, keys opened {opened} value(s).")

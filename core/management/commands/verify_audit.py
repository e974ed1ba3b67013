"""Walk every hash-chained audit trail (core.audit) and report altered, deleted or re-ordered rows."""

from django.core.management.base import BaseCommand, CommandError

from core.audit import chained_models, verify_chain


class Command(BaseCommand):
    help = "Check the hash chains of the audit trails; exits with an error if any row was tampered with."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="Print at most this many problems per model.")

    def handle(self, *args, limit, **options):
        total_problems = 0
        for model in chained_models():
            rows = model._base_manager.count()
            problems = 0
            for problem in verify_chain(model):
                problems += 1
                if problems <= limit:
                    self.stderr.write(str(problem))
            total_problems += problems
            status = "OK" if not problems else f"{problems} problem(s)"
            self.stdout.write(f"{model._meta.label}: {rows} row(s), {status}")
        if total_problems:
            raise CommandError(f"Audit trail check failed: {total_problems} problem(s).")
        self.stdout.write("Audit trail intact.")

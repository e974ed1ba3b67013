"""The sweep part of `manage.py bench` alone: seed, the plain-SQL chain, the first sweep and its rerun.

DATABASE_URL=postgres://…/portal manage.py bench_sweep --petitions 20000
"""

from .bench import Command as BenchCommand


class Command(BenchCommand):
    help = "Seed a city in a separate PostgreSQL database and time the sweep against a plain-SQL chain."

    def handle(self, *args, **options):
        options["only_sweep"] = True
        options.setdefault("compare", 0)
        if not options.get("phase"):
            options["compare"] = 0
        return super().handle(*args, **options)

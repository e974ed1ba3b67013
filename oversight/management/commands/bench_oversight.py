"""Times the scorecard and the comparison on the benchmark database that `bench_sweep` seeded
(`make bench`: 1,000,000 petitions in 50 communes of one city). Target: ≤ 1 s each."""

import os
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

TARGET_SECONDS = 1.0
RUNS = 3


class Command(BaseCommand):
    help = "Time the city's scorecard and the comparison of its units on the seeded benchmark database."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="portal_bench")

    def handle(self, *args, **options):
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/anydb")
        from django.db import connections

        # The benchmark's own database, next to the one DATABASE_URL names (as bench_sweep does).
        connections["default"].close()
        connections["default"].settings_dict["NAME"] = options["database"]

        from core.models import Unit
        from oversight.periods import parse_period
        from oversight.scorecard import Window, comparison, scorecard

        city = Unit.objects.filter(code="bench-city").first()
        if city is None:
            raise CommandError("No benchmark data: run `make bench` (bench_sweep) first.")
        today = timezone.localdate()
        period = parse_period(str(today.year))
        window = Window(period.start, period.end, today)
        units = list(Unit.objects.filter(path__startswith=city.path).order_by("path"))
        ids = [u.pk for u in units]
        commune = units[1]

        def timed(fn):
            runs = []
            for _ in range(RUNS):
                started = time.monotonic()
                fn()
                runs.append(time.monotonic() - started)
            return statistics.median(runs)

        results = [
            ("scorecard, city and its communes (s)", timed(lambda: scorecard(unit=city, window=window, unit_ids=ids))),
            ("scorecard, one commune (s)", timed(lambda: scorecard(unit=commune, window=window))),
            (f"comparison, {len(units)} units (s)", timed(lambda: comparison(units=units, window=window))),
        ]
        lines = [
            "",
            f"Oversight, period {period.code}, median of {RUNS} runs",
            f"{'measure':<44}{'value':>14}{'target':>12}",
        ]
        lines += [f"{name:<44}{seconds:>14.3f}{'≤ 1':>12}" for name, seconds in results]
        ok = all(seconds <= TARGET_SECONDS for _name, seconds in results)
        lines.append("All targets met." if ok else "Some targets missed.")
        self.stdout.write("\n".join(lines))

"""Server time of the hot pages on a seeded city (the `pages` phase of `manage.py bench`).

Each page is requested in-process through Django's test client (the whole middleware, view and
template; no network, no gunicorn), warm, REPEAT times with varying arguments; p50 and p95 of the
wall time, and the number of SQL queries of one more request.
"""

import datetime
import io
import re
import time

from django.core.management import call_command, get_commands
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

REPEAT = 40
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.I)
WARM = 3


def _measure(name, make_request, *, target=None, repeat=REPEAT) -> dict:
    from .commands.bench import summary

    try:
        for i in range(WARM):
            make_request(i)
        times = []
        for i in range(repeat):
            started = time.perf_counter()
            response = make_request(WARM + i)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code >= 400:
                return {"name": name, "error": f"HTTP {response.status_code}"}
        with CaptureQueriesContext(connection) as queries:
            make_request(WARM + repeat)
        # SQL statements; Django also logs the transaction's BEGIN, COMMIT and savepoints, not counted here.
        sql = [q for q in queries.captured_queries if not TRANSACTION_CONTROL.match(q["sql"])]
        return {"name": name, **summary(times), "queries": len(sql), "target": target}
    except Exception as exc:  # one broken page must not hide the others' figures
        return {"name": name, "error": f"{type(exc).__name__}: {exc}"[:200]}


def bench_pages() -> dict:
    from rest_framework.authtoken.models import Token

    from core.models import User
    from petitions.models import Petition, PetitionAlert
    from petitions.pagination import _encode

    from .commands.seed_city import BENCH_KEY, SAMPLE_KEYS, tracking_code

    head = User.objects.get(username="bench-city-head")
    commune_head = User.objects.get(username="phuong-001-head")
    inspector = User.objects.get(username="bench-city-thanhtra0")
    staff, commune, audit, public = Client(), Client(), Client(), Client()
    staff.force_login(head)
    commune.force_login(commune_head)
    audit.force_login(inspector)
    token = Token.objects.get_or_create(user=head)[0].key
    api_auth = {"HTTP_AUTHORIZATION": f"Token {token}"}

    oldest = Petition.objects.order_by("received_at").values_list("received_at", flat=True).first()
    deep = (
        Petition.objects.filter(received_at__lte=oldest + datetime.timedelta(days=20))
        .order_by("-received_at", "-id")
        .values_list("received_at", "id")
        .first()
    )
    deep_cursor = _encode(list(deep), backwards=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM petitions_petition WHERE received_at > %s", [deep[0]])
        deep_page = cursor.fetchone()[0] // 25 + 1
    open_ids = list(
        Petition.objects.filter(status="in_progress").order_by("-received_at").values_list("pk", flat=True)[:200:10]
    )
    unit_code = commune_head.memberships.first().unit.code
    # A deep page of the inspector's queue: near its oldest overdue case (the alert table's keyset).
    oldest_alerts = PetitionAlert.objects.filter(level__gte=2).order_by("received_at", "petition_id")
    deep_alert = oldest_alerts.values_list("received_at", "petition_id")[25:26].first()
    deep_alert_cursor = _encode(list(deep_alert), backwards=False) if deep_alert else ""

    def filing(i):
        return public.post(
            "/gui-don/",
            {
                "kind": "reflection",
                "unit": commune_head.memberships.first().unit_id,
                "title": "Phản ánh ngập úng khi mưa lớn",
                "content": "Đường ngõ bị ngập sâu sau mỗi trận mưa.",
                "full_name": "Nguyễn Thị Hoa",
                "id_number": f"001190{i:06d}",
                "phone": "0912345678",
                "email": "",
                "address": "Ba Đình, Hà Nội",
                "people_count": 1,
            },
        )

    def code(i):
        return tracking_code(1 + (i * 37) % SAMPLE_KEYS)

    lists, details, tracking = 150, 100, 50  # ms: the targets at 1,000,000 petitions
    rows = [
        _measure("caseload, default (city head)", lambda i: staff.get("/can-bo/don/"), target=lists),
        _measure("caseload, by state (in progress)", lambda i: staff.get("/can-bo/don/?status=in_progress"),
                 target=lists),
        _measure("caseload, by deadline level (long overdue)", lambda i: staff.get("/can-bo/don/?deadline=3"),
                 target=lists),
        _measure("caseload, search 'dat dai'", lambda i: staff.get("/can-bo/don/", {"q": "dat dai"}), target=lists),
        _measure("caseload, search a name 'tran thi thao'",
                 lambda i: staff.get("/can-bo/don/", {"q": "tran thi thao"}), target=lists),
        _measure("caseload, search a tracking code", lambda i: staff.get("/can-bo/don/", {"q": code(i)}),
                 target=lists),
        _measure(f"caseload, deep page (≈ page {deep_page:,})",
                 lambda i: staff.get("/can-bo/don/", {"cursor": deep_cursor}), target=lists),
        _measure("caseload, default (commune head)", lambda i: commune.get("/can-bo/don/"), target=lists),
        _measure("inspector's overdue queue", lambda i: audit.get("/can-bo/don/?deadline=2"), target=lists),
        _measure("inspector's overdue queue, deep page (its oldest cases)",
                 lambda i: audit.get("/can-bo/don/", {"deadline": 2, "cursor": deep_alert_cursor}), target=lists),
        _measure("staff API list", lambda i: staff.get("/api/v1/staff/petitions/", **api_auth), target=lists),
        _measure("staff API list, deep cursor",
                 lambda i: staff.get("/api/v1/staff/petitions/", {"cursor": deep_cursor}, **api_auth), target=lists),
        _measure("staff API list, search 'dat dai'",
                 lambda i: staff.get("/api/v1/staff/petitions/", {"q": "dat dai"}, **api_auth), target=lists),
        _measure("petition detail", lambda i: staff.get(f"/can-bo/don/{open_ids[i % len(open_ids)]}/"),
                 target=details),
        _measure("staff overview /can-bo/ (city head)", lambda i: staff.get("/can-bo/")),
        _measure("staff overview /can-bo/ (commune head)", lambda i: commune.get("/can-bo/")),
        _measure("citizen tracking lookup (page, POST)",
                 lambda i: public.post("/tra-cuu/", {"code": code(i), "key": BENCH_KEY}), target=tracking),
        _measure("citizen tracking lookup (API, POST)",
                 lambda i: public.post("/api/v1/petitions/track/", {"code": code(i), "key": BENCH_KEY},
                                       content_type="application/json"),
                 target=tracking),
        _measure("online filing (form POST)", filing),
        _measure("reception calendar", lambda i: public.get("/lich-tiep-dan/")),
        _measure("public statistics API (cached)", lambda i: public.get("/api/v1/statistics/")),
    ]  # fmt: skip
    extra = []
    if "bench_oversight" in get_commands():
        # The oversight app's own timings (the head's scorecard, the comparison table).
        out = io.StringIO()
        try:
            call_command("bench_oversight", database=connection.settings_dict["NAME"], stdout=out)
            extra = [line for line in out.getvalue().splitlines() if line.strip()]
        except Exception as exc:
            extra = [f"bench_oversight failed: {type(exc).__name__}: {exc}"[:200]]
    else:
        extra = ["scorecard and comparison: no oversight bench in this tree"]
    return {"rows": rows, "extra": extra, "unit": unit_code}

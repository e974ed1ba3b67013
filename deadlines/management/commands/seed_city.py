"""Seed a Hanoi-sized organisation and N petitions over three years (PostgreSQL; `make bench` uses it).

    DATABASE_URL=postgres://…/portal_bench_x manage.py seed_city --petitions 1000000

The organisation (a city, 126 commune-level units, 20 departments, 6 Party bodies, a head for each,
reception officers, handlers and inspectors) is made with the services and bulk_create: a few
hundred rows. The cases are set-based: INSERT … SELECT over generate_series for petitions,
petitioners, histories, deadlines, reception sessions and visits, with the search columns filled
the way the services fill them (normalized in Python once per title template and name, then
combined in SQL). Identity fields are encrypted like the model does it, from a pool of encrypted
names, numbers and addresses (encrypting a million values would take minutes of Fernet for data
nobody reads); the keyed digests are per person, so the same person's petitions find each other.

Every petition has a Petitioner row. Secondary indexes of the big tables are dropped during the
load and rebuilt after it (a bulk load's usual order: one sort per index instead of a million
insertions into each). The access keys of the first SAMPLE_KEYS petitions are `BENCHKEY`, so a
benchmark can track them; the others have keys nobody knows, as in real life.
"""

import datetime
import hashlib
import hmac
import importlib
import io
import random
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

SAMPLE_KEYS = 20_000
BENCH_KEY = "BENCHKEY"
BENCH_PASSWORD = "bench-2026"  # noqa: S105 - benchmark data only, in a database of its own
PEOPLE_PER_PETITION = 3  # a person files three petitions on average (repeat petitioners are common)

WARDS = [
    "Ba Đình", "Ngọc Hà", "Giảng Võ", "Hoàn Kiếm", "Cửa Nam", "Phú Thượng", "Hồng Hà", "Tây Hồ", "Bồ Đề",
    "Việt Hưng", "Phúc Lợi", "Long Biên", "Bạch Mai", "Vĩnh Tuy", "Hai Bà Trưng", "Văn Miếu", "Ô Chợ Dừa",
    "Đống Đa", "Kim Liên", "Láng", "Cầu Giấy", "Nghĩa Đô", "Yên Hòa", "Thanh Xuân", "Khương Đình", "Phương Liệt",
    "Hoàng Mai", "Định Công", "Tương Mai", "Lĩnh Nam", "Hoàng Liệt", "Yên Sở", "Tây Mỗ", "Đại Mỗ", "Từ Liêm",
    "Xuân Phương", "Thượng Cát", "Đông Ngạc", "Xuân Đỉnh", "Tây Tựu", "Phú Diễn", "Hà Đông", "Dương Nội",
    "Yên Nghĩa", "Phú Lương", "Kiến Hưng", "Sơn Tây", "Tùng Thiện", "Sóc Sơn", "Đa Phúc", "Nội Bài", "Trung Giã",
    "Kim Anh", "Đông Anh", "Phúc Thịnh", "Thư Lâm", "Vĩnh Thanh", "Mê Linh", "Yên Lãng", "Tiến Thắng",
    "Quang Minh", "Gia Lâm", "Thuận An", "Bát Tràng", "Phù Đổng", "Thanh Trì", "Đại Thanh", "Nam Phù",
    "Ngọc Hồi", "Thường Tín", "Thượng Phúc", "Chương Dương", "Hồng Vân", "Phú Xuyên", "Phượng Dực",
    "Chuyên Mỹ", "Đại Xuyên", "Thanh Oai", "Bình Minh", "Tam Hưng", "Dân Hòa", "Vân Đình", "Ứng Thiên",
    "Hòa Xá", "Ứng Hòa", "Mỹ Đức", "Hồng Sơn", "Phúc Sơn", "Hương Sơn", "Chương Mỹ", "Phú Nghĩa", "Xuân Mai",
    "Trần Phú", "Hòa Phú", "Quảng Bị", "Minh Châu", "Quảng Oai", "Vật Lại", "Cổ Đô", "Bất Bạt", "Suối Hai",
    "Ba Vì", "Yên Bài", "Đoài Phương", "Phúc Thọ", "Phúc Lộc", "Hát Môn", "Thạch Thất", "Hạ Bằng", "Tây Phương",
    "Hòa Lạc", "Yên Xuân", "Quốc Oai", "Hưng Đạo", "Kiều Phú", "Phú Cát", "Hoài Đức", "Dương Hòa", "Sơn Đồng",
    "An Khánh", "Đan Phượng", "Ô Diên", "Liên Minh", "Tây Đằng", "Lĩnh Nam Mới",
]  # fmt: skip
DEPARTMENTS = [
    "Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Tài chính", "Sở Nội vụ", "Sở Tư pháp", "Sở Y tế",
    "Sở Giáo dục và Đào tạo", "Sở Công Thương", "Sở Văn hóa và Thể thao", "Sở Khoa học và Công nghệ",
    "Sở Quy hoạch - Kiến trúc", "Sở Dân tộc và Tôn giáo", "Sở Du lịch", "Sở Ngoại vụ", "Thanh tra Thành phố",
    "Công an Thành phố", "Ban Quản lý dự án đầu tư xây dựng", "Ban Dân tộc", "Cục Thuế Thành phố",
    "Bảo hiểm xã hội Thành phố",
]  # fmt: skip
PARTY_BODIES = [
    "Ban Tổ chức Thành ủy", "Ủy ban Kiểm tra Thành ủy", "Ban Nội chính Thành ủy", "Ban Dân vận Thành ủy",
    "Ban Tuyên giáo và Dân vận Thành ủy", "Văn phòng Thành ủy",
]  # fmt: skip
TITLES = {
    "complaint": [
        "Khiếu nại quyết định thu hồi đất", "Khiếu nại về bồi thường, hỗ trợ giải phóng mặt bằng",
        "Khiếu nại quyết định xử phạt vi phạm hành chính", "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất",
        "Khiếu nại quyết định cưỡng chế", "Khiếu nại về chế độ chính sách người có công",
        "Tranh chấp đất đai giữa các hộ liền kề", "Khiếu nại việc tái định cư",
    ],
    "denunciation": [
        "Tố cáo cán bộ địa chính nhũng nhiễu", "Tố cáo sai phạm trong quản lý đất đai",
        "Tố cáo hành vi lạm quyền của cán bộ xã", "Tố cáo sai phạm trong đấu thầu", "Tố cáo xây dựng trái phép",
    ],
    "recommendation": [
        "Kiến nghị cấp giấy chứng nhận quyền sử dụng đất", "Kiến nghị sửa chữa đường giao thông nông thôn",
        "Kiến nghị giải quyết chế độ hưu trí", "Kiến nghị điều chỉnh quy hoạch", "Kiến nghị lắp đặt đèn chiếu sáng",
        "Kiến nghị về học phí và trường lớp",
    ],
    "reflection": [
        "Phản ánh ngập úng khi mưa lớn", "Phản ánh ô nhiễm môi trường từ cơ sở sản xuất",
        "Phản ánh tiếng ồn công trình xây dựng ban đêm", "Phản ánh lấn chiếm vỉa hè",
        "Phản ánh rác thải không được thu gom",
        "Phản ánh nước sinh hoạt bị ô nhiễm", "Phản ánh cây xanh có nguy cơ đổ gãy",
    ],
}  # fmt: skip
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc", "Quang", "Thanh", "Xuân"]
GIVEN = [
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh",
    "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vinh",
]  # fmt: skip
STREETS = ["Kim Mã", "Láng Hạ", "Giải Phóng", "Nguyễn Trãi", "Tây Sơn", "Lạc Long Quân", "Trường Chinh", "Minh Khai"]


class Command(BaseCommand):
    help = "Seed a Hanoi-sized organisation and N petitions over three years with set-based SQL (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--petitions", type=int, default=1_000_000)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_city needs PostgreSQL (set DATABASE_URL=postgres://…)")
        result = seed_city(options["petitions"])
        self.stdout.write(
            f"Seeded {result['petitions']:,} petitions in {result['seconds']:.1f} s "
            f"({', '.join(f'{k} {v:,}' for k, v in result['rows'].items())})"
        )


def normalize(text: str) -> str:
    from petitions.services import normalize_for_search

    return normalize_for_search(text)


def required_columns(model, *, now: str = "now()") -> dict[str, str]:
    """SQL literals for the NOT NULL columns a bulk insert does not set (the models may grow)."""
    columns = {}
    for f in model._meta.concrete_fields:
        if f.null or f.primary_key:
            continue
        if isinstance(f, models.DateTimeField):
            columns[f.column] = now
        elif isinstance(f, models.DateField):
            columns[f.column] = "current_date"
        elif isinstance(f, models.BooleanField):
            columns[f.column] = "true" if f.default is True else "false"
        elif isinstance(f, models.IntegerField):
            columns[f.column] = str(f.default if isinstance(f.default, int) else 0)
        elif isinstance(f, models.JSONField):
            columns[f.column] = "'[]'::jsonb"
        else:
            columns[f.column] = "''"
    return columns


def insert_select(cursor, model, values: dict[str, str], source: str, params=None) -> int:
    columns = {**required_columns(model), **values}
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(columns.values())} {source}",
        params,
    )
    return cursor.rowcount


def sql_array(values, cast: str) -> str:
    def literal(v):
        return str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"

    return f"ARRAY[{','.join(literal(v) for v in values)}]::{cast}[]"


def tracking_code_sql(i: str) -> str:
    """A unique, non-sequential code in the portal's format: i times an odd constant modulo 2^40, in hex."""
    h = f"upper(lpad(to_hex(mod({i}::bigint * 2654435761, 1099511627776)), 10, '0'))"
    return f"substr({h}, 1, 4) || '-' || substr({h}, 5, 4) || '-' || substr({h}, 9, 2)"


def tracking_code(i: int) -> str:
    h = f"{(i * 2654435761) % (1 << 40):010X}"
    return f"{h[:4]}-{h[4:8]}-{h[8:]}"


@transaction.atomic
def seed_organisation() -> dict:
    """The city, its communes, departments and Party bodies, a head each and their staff (small: the ORM)."""
    from django.contrib.auth.hashers import make_password

    from core import services as core_services
    from core.models import Membership, Role, UnitHeadTerm, User

    password = make_password(BENCH_PASSWORD)
    # The code oversight's bench_oversight looks for.
    city = core_services.unit_create(name="Thành phố Hà Nội", code="bench-city", level="province")
    units = [(city, "city")]
    for i, ward in enumerate(WARDS[:126]):
        prefix = "Phường" if i < 51 else "Xã"
        code = f"{'phuong' if i < 51 else 'xa'}-{i + 1:03d}"
        units.append(
            (core_services.unit_create(name=f"{prefix} {ward}", code=code, level="commune", parent=city), "commune")
        )
    for i, name in enumerate(DEPARTMENTS):
        units.append(
            (
                core_services.unit_create(name=name, code=f"so-{i + 1:02d}", level="department", parent=city),
                "department",
            )
        )
    for i, name in enumerate(PARTY_BODIES):
        units.append(
            (core_services.unit_create(name=name, code=f"dang-{i + 1:02d}", level="party", parent=city), "party")
        )
    staffing = {"city": (3, 12, 3), "commune": (1, 4, 0), "department": (1, 3, 0), "party": (1, 2, 1)}
    users, memberships, terms, handlers = [], [], [], {}
    rng = random.Random(7)
    for unit, kind in units:
        reception, handler_count, inspectors = staffing[kind]
        people = [("head", Role.HEAD)]
        people += [(f"tiepdan{j}", Role.RECEPTION) for j in range(reception)]
        people += [(f"xuly{j}", Role.HANDLER) for j in range(handler_count)]
        people += [(f"thanhtra{j}", Role.INSPECTOR) for j in range(inspectors)]
        for suffix, role in people:
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            users.append((User(username=f"{unit.code}-{suffix}", full_name=name, password=password,
                               email=f"{unit.code}-{suffix}@bench.test"), unit, role))  # fmt: skip
    User.objects.bulk_create([u for u, _unit, _role in users], batch_size=1000)
    for user, unit, role in users:
        if role == Role.HEAD:
            terms.append(UnitHeadTerm(unit=unit, user=user, started_on=datetime.date(2025, 7, 1)))
            memberships.append(Membership(user=user, unit=unit, role=Role.HEAD))
        else:
            memberships.append(Membership(user=user, unit=unit, role=role))
            if role == Role.HANDLER:
                handlers.setdefault(unit.pk, []).append(user.pk)
    UnitHeadTerm.objects.bulk_create(terms)
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    reception = {u.pk: [] for u, _k in units}
    for user, unit, role in users:
        if role == Role.RECEPTION:
            reception[unit.pk].append(user.pk)
    head = {unit.pk: user.pk for user, unit, role in users if role == Role.HEAD}
    return {
        "city": city,
        "units": units,
        "handlers": handlers,
        "reception": reception,
        "head": head,
        "users": len(users),
    }


def _people_table(cursor, people: int) -> None:
    """seed_person: the petitioners, `people` of them, with encrypted identity from small pools."""
    from core.crypto import blind_index, encrypt

    rng = random.Random(11)
    pool = 2000
    names = [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(pool)]
    enc_names = [encrypt(n) for n in names]
    enc_ids = [encrypt(f"001{rng.randrange(10**9):09d}") for _ in range(pool)]
    enc_phones = [encrypt(f"09{rng.randrange(10**8):08d}") for _ in range(pool)]
    enc_addresses = [encrypt(f"Số {rng.randrange(1, 300)} phố {rng.choice(STREETS)}, Hà Nội") for _ in range(pool)]
    cursor.execute(
        "CREATE UNLOGGED TABLE seed_person (p int PRIMARY KEY, full_name text, name_search text, id_number text, "
        "phone text, address text, id_digest text, phone_digest text)"
    )
    # Digests per person (keyed HMAC, cheap); the ciphertexts come from the pools.
    secret = settings.IDENTITY_INDEX_KEY or settings.SECRET_KEY
    key = hashlib.sha256(("blind-index:" + secret).encode()).digest()
    if blind_index("x") != hmac.new(key, b"x", hashlib.sha256).hexdigest():
        raise CommandError("core.crypto.blind_index changed: update seed_city's copy of it")
    buffer = io.StringIO()
    for p in range(people):
        k = p % pool
        id_digest = hmac.new(key, f"001{p:09d}".encode(), hashlib.sha256).hexdigest()
        phone_digest = hmac.new(key, f"09{p:08d}".encode(), hashlib.sha256).hexdigest()
        buffer.write(
            f"{p}\t{enc_names[k]}\t{normalize(names[k])}\t{enc_ids[k]}\t{enc_phones[k]}\t{enc_addresses[k]}\t"
            f"{id_digest}\t{phone_digest}\n"
        )
    buffer.seek(0)
    cursor.copy_expert("COPY seed_person FROM STDIN", buffer)


def _load_session(cursor) -> None:
    """A bulk load's session: no waiting for the WAL, memory for sorts and index builds, and no triggers.

    session_replication_role = replica skips the foreign-key checks (the rows are made consistent by
    construction) and the deadline-level trigger (every seeded clock is at level 0; the first sweep
    raises them, through the trigger). It needs a superuser; without one the load is only slower.
    """
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute("SET work_mem = '64MB'")
    try:
        with transaction.atomic():
            cursor.execute("SET session_replication_role = replica")
    except DatabaseError:
        pass


def _statement(sql: str):
    def run(cursor):
        cursor.execute(sql)

    return run


def _in_parallel(*jobs, workers: int = 2) -> list:
    """Run each job(cursor) on a database connection of its own, `workers` at a time; their results."""

    def run(job):
        try:
            with connection.cursor() as cursor:
                _load_session(cursor)
                return job(cursor)
        finally:
            connection.close()  # the thread's own connection

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, jobs))


def _drop_secondary_indexes(cursor, tables: list[str]) -> list[str]:
    """Indexes that back no constraint, dropped for the load; their definitions, to rebuild them after."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [tables],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def seed_city(petitions: int, *, today: datetime.date | None = None) -> dict:
    from deadlines.models import Deadline, DeadlineRule
    from petitions.models import Petition, Petitioner, PetitionHistory
    from reception.models import ReceptionSession, Visit

    today = today or timezone.localdate()
    started = time.monotonic()
    org = seed_organisation()
    units = org["units"]
    rows = {}
    # Where petitions go: 85 % to communes, 11 % departments, 3 % the city, 1 % Party bodies.
    weights = {"commune": 85, "department": 11, "city": 3, "party": 1}
    slots = []
    for kind, weight in weights.items():
        members = [u for u, k in units if k == kind]
        per = max(1, round(weight * 100 / len(members)))
        for unit in members:
            slots += [unit.pk] * per
    handler_lists = [org["handlers"].get(pk) or org["reception"].get(pk) or [org["head"][pk]] for pk in slots]
    width = max(len(h) for h in handler_lists)
    # A unit's handlers, padded by repetition, so the SQL picks one with a random index.
    handler_matrix = [[h[j % len(h)] for j in range(width)] for h in handler_lists]
    kinds, titles, searches = [], [], []
    for kind, shares in (("complaint", 35), ("denunciation", 10), ("recommendation", 25), ("reflection", 30)):
        for _ in range(shares):
            title = random.Random(len(kinds)).choice(TITLES[kind])
            kinds.append(kind)
            titles.append(title)
            searches.append(normalize(title))
    places = [f"tại {s}" for s in WARDS[:60]]
    place_search = [normalize(p) for p in places]
    rules = dict(DeadlineRule.objects.values_list("code", "pk"))
    resolution_rule = {
        "complaint": rules["complaint.first_resolution"],
        "denunciation": rules["denunciation.resolution"],
        "recommendation": rules.get("recommendation.reply", rules["petition.processing"]),
        "reflection": rules.get("reflection.reply", rules["petition.processing"]),
    }
    people = max(1, petitions // PEOPLE_PER_PETITION)
    tables = [
        Petition._meta.db_table,
        Petitioner._meta.db_table,
        PetitionHistory._meta.db_table,
        Deadline._meta.db_table,
        Visit._meta.db_table,
    ]
    with connection.cursor() as cursor:
        _load_session(cursor)
        cursor.execute("DROP TABLE IF EXISTS seed_person, seed_petition, seed_slot, seed_handler")
        timings, mark = {}, [started]

        def lap(name):
            now = time.monotonic()
            timings[name] = round(now - mark[0], 1)
            mark[0] = now

        indexes = _drop_secondary_indexes(cursor, tables)
        _people_table(cursor, people)
        lap("organisation and people")
        cursor.execute("SELECT setseed(0.42)")
        # One row of random draws per petition, then everything derived from it.
        cursor.execute(
            f"""
            CREATE UNLOGGED TABLE seed_petition AS
            SELECT i, r1, r2, r3, r4,
                   slot, kindx, placex,
                   received,
                   -- The state follows the age: old cases are mostly finished, recent ones mostly open.
                   CASE
                     WHEN age_days > 120 THEN CASE
                       WHEN r2 < 0.70 THEN 'closed' WHEN r2 < 0.80 THEN 'resolved' WHEN r2 < 0.85 THEN 'rejected'
                       WHEN r2 < 0.90 THEN 'guided' WHEN r2 < 0.94 THEN 'forwarded' WHEN r2 < 0.97 THEN 'filed'
                       WHEN r2 < 0.985 THEN 'withdrawn' WHEN r2 < 0.995 THEN 'in_progress' ELSE 'suspended' END
                     WHEN age_days > 20 THEN CASE
                       WHEN r2 < 0.05 THEN 'received' WHEN r2 < 0.15 THEN 'accepted' WHEN r2 < 0.50 THEN 'in_progress'
                       WHEN r2 < 0.53 THEN 'suspended' WHEN r2 < 0.80 THEN 'resolved' WHEN r2 < 0.85 THEN 'rejected'
                       WHEN r2 < 0.90 THEN 'guided' WHEN r2 < 0.95 THEN 'forwarded' ELSE 'closed' END
                     ELSE CASE
                       WHEN r2 < 0.45 THEN 'received' WHEN r2 < 0.70 THEN 'accepted' WHEN r2 < 0.90 THEN 'in_progress'
                       WHEN r2 < 0.95 THEN 'guided' ELSE 'rejected' END
                   END AS status
            FROM (
              SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                     1 + floor(random() * {len(slots)})::int AS slot,
                     1 + floor(random() * {len(kinds)})::int AS kindx,
                     1 + floor(random() * {len(places)})::int AS placex,
                     received, (now() - received) AS age, extract(day FROM now() - received) AS age_days
              FROM (
                -- Ids in the order of receipt, as a real table grows (and so lays out its pages).
                SELECT row_number() OVER (ORDER BY received) AS i, received FROM (
                  SELECT now() - make_interval(secs => (power(random(), 1.4) * 3 * 365 * 86400)) AS received
                  FROM generate_series(1, %s)
                ) g
              ) s
            ) t
            """,  # noqa: S608 - numbers only
            [petitions],
        )
        cursor.execute(f"CREATE UNLOGGED TABLE seed_slot AS SELECT * FROM unnest({sql_array(slots, 'bigint')}) "  # noqa: S608
                       "WITH ORDINALITY AS x(unit_id, slot)")  # fmt: skip
        cursor.execute(
            "CREATE UNLOGGED TABLE seed_handler AS SELECT s.slot, h.k, h.user_id FROM seed_slot s, "
            "LATERAL unnest((%s::bigint[][])[s.slot:s.slot][1:%s]) WITH ORDINALITY AS h(user_id, k)",
            [handler_matrix, width],
        )
        cursor.execute("CREATE INDEX ON seed_handler (slot, k)")
        kinds_sql, titles_sql, searches_sql = (
            sql_array(kinds, "text"),
            sql_array(titles, "text"),
            sql_array(searches, "text"),
        )
        places_sql, place_search_sql = sql_array(places, "text"), sql_array(place_search, "text")
        open_state = "s.status IN ('received','accepted','in_progress','suspended')"
        handled = "s.status IN ('accepted','in_progress','suspended','resolved','closed')"
        rows["petitions"] = insert_select(
            cursor,
            Petition,
            {
                "id": "s.i",
                "tracking_code": tracking_code_sql("s.i"),
                "access_key_digest": "md5(s.i::text || 'x') || md5(s.i::text || 'y')",
                "kind": f"({kinds_sql})[s.kindx]",
                "channel": "CASE WHEN s.r3 < 0.40 THEN 'online' WHEN s.r3 < 0.70 THEN 'in_person' "
                "WHEN s.r3 < 0.90 THEN 'post' WHEN s.r3 < 0.95 THEN 'forwarded' ELSE 'head_reception' END",
                "title": f"({titles_sql})[s.kindx] || ' ' || ({places_sql})[s.placex]",
                "search_text": f"({searches_sql})[s.kindx] || ' ' || ({place_search_sql})[s.placex]",
                "content": "'Kính gửi cơ quan có thẩm quyền, tôi xin trình bày sự việc như sau. '"
                f" || ({titles_sql})[s.kindx] || '. Đề nghị xem xét, giải quyết theo quy định của pháp luật.'",
                "people_count": "CASE WHEN s.r4 < 0.05 THEN 2 + floor(s.r4 * 400)::int ELSE 1 END",
                "identity_protected": f"(({kinds_sql})[s.kindx] = 'denunciation' OR s.r4 > 0.98)",
                "unit_id": "sl.unit_id",
                "handler_id": f"CASE WHEN {handled} THEN h.user_id END",
                "status": "s.status",
                "received_at": "s.received",
                "accepted_at": f"CASE WHEN {handled} THEN s.received + interval '6 days' END",
                "status_changed_at": f"CASE WHEN {open_state} AND s.status = 'received' THEN s.received "
                "ELSE s.received + interval '6 days' + make_interval(days => floor(s.r1 * 40)::int) END",
                "decision_text": "CASE WHEN s.status IN ('resolved','closed') "
                "THEN 'Đã xem xét, giải quyết theo quy định.' ELSE '' END",
                "created_at": "s.received",
                "updated_at": "s.received",
            },
            "FROM seed_petition s JOIN seed_slot sl ON sl.slot = s.slot "
            "JOIN seed_handler h ON h.slot = s.slot AND h.k = 1 + floor(s.r1 * %s)::int",
            [width],
        )
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{Petition._meta.db_table}', 'id'), %s)", [petitions])
        lap("petitions")

        # The rest in two connections at once (the database has two cores): the histories in one, the
        # petitioners, deadlines, sessions and visits in the other.
        def history(cursor) -> dict:
            # Histories: receipt, then acceptance, assignment and the outcome as far as the state went.
            steps = [
                ("receive", "'received'", "'received'", "TRUE", "interval '0'"),
                ("accept", "'received'", "'accepted'", handled, "interval '6 days'"),
                ("assign", "'accepted'", "'in_progress'",
                 "s.status IN ('in_progress','suspended','resolved','closed')", "interval '7 days'"),
                ("suspend", "'in_progress'", "'suspended'", "s.status = 'suspended'", "interval '20 days'"),
                ("resolve", "'in_progress'", "'resolved'", "s.status IN ('resolved','closed')", "interval '35 days'"),
                ("close", "'resolved'", "'closed'", "s.status = 'closed'", "interval '45 days'"),
                ("guide", "'received'", "'guided'", "s.status = 'guided'", "interval '5 days'"),
                ("reject", "'received'", "'rejected'", "s.status = 'rejected'", "interval '5 days'"),
                ("forward", "'received'", "'forwarded'", "s.status = 'forwarded'", "interval '5 days'"),
                ("file", "'received'", "'filed'", "s.status = 'filed'", "interval '5 days'"),
                ("withdraw", "'received'", "'withdrawn'", "s.status = 'withdrawn'", "interval '9 days'"),
            ]  # fmt: skip
            history_actions = {choice for choice, _label in PetitionHistory._meta.get_field("action").choices}
            # One pass over the petitions, each joined to the steps its state went through.
            steps_sql = ", ".join(
                f"('{action}', {from_status}, {to_status}, {condition}, {delay})"
                for action, from_status, to_status, condition, delay in steps
                if action in history_actions
            )
            return {
                "history": insert_select(
                    cursor,
                    PetitionHistory,
                    {
                        "petition_id": "s.i",
                        "action": "st.action",
                        "from_status": "st.from_status",
                        "to_status": "st.to_status",
                        "actor_id": "CASE WHEN st.action = 'receive' THEN NULL ELSE h.user_id END",
                        "reason": "CASE WHEN st.action IN ('receive', 'accept', 'assign') THEN '' "
                        "ELSE 'Theo quy định.' END",
                        "is_public": "true",
                        "created_at": "LEAST(s.received + st.delay, now())",
                    },
                    "FROM seed_petition s JOIN seed_handler h ON h.slot = s.slot AND h.k = 1 + floor(s.r1 * %s)::int "
                    f"CROSS JOIN LATERAL (VALUES {steps_sql}) AS st(action, from_status, to_status, applies, delay) "
                    "WHERE st.applies",
                    [width],
                )
            }

        def the_rest(cursor) -> dict:
            counts = {}
            # Every petition has its petitioner; a denouncer's name is not searchable (as petition_submit does).
            counts["petitioners"] = insert_select(
                cursor,
                Petitioner,
                {
                    "petition_id": "p.id",
                    "full_name": "sp.full_name",
                    "id_number": "sp.id_number",
                    "phone": "sp.phone",
                    "address": "sp.address",
                    "email": "''",
                    "id_number_digest": "sp.id_digest",
                    "phone_digest": "sp.phone_digest",
                    "name_search": "CASE WHEN p.identity_protected THEN '' ELSE sp.name_search END",
                },
                f"FROM {Petition._meta.db_table} p JOIN seed_person sp ON sp.p = mod(p.id * 7919, %s)",
                [people],
            )
            # Deadlines: the processing deadline of every petition (met when it was accepted), and the
            # resolution deadline of accepted ones, open while the case is; the first sweep raises the levels.
            counts["deadlines"] = insert_select(
                cursor,
                Deadline,
                {
                    "petition_id": "s.i",
                    "rule_id": str(rules["petition.processing"]),
                    "unit_id": "sl.unit_id",
                    "start_date": "s.received::date",
                    "due_date": "s.received::date + 14",
                    "due_soon_from": "s.received::date + 10",
                    "long_overdue_after": "s.received::date + 42",
                    "level": "0",
                    "created_at": "s.received",
                    "closed_at": "CASE WHEN s.status = 'received' THEN NULL ELSE s.received + interval '6 days' END",
                    "closed_as": "CASE WHEN s.status = 'received' THEN '' ELSE 'met' END",
                },
                "FROM seed_petition s JOIN seed_slot sl ON sl.slot = s.slot",
            )
            rule_case = " ".join(f"WHEN ({kinds_sql})[s.kindx] = '{k}' THEN {v}" for k, v in resolution_rule.items())
            counts["deadlines"] += insert_select(
                cursor,
                Deadline,
                {
                    "petition_id": "s.i",
                    "rule_id": f"CASE {rule_case} END",
                    "unit_id": "sl.unit_id",
                    "start_date": "s.received::date + 6",
                    "due_date": "s.received::date + 48",
                    "due_soon_from": "s.received::date + 41",
                    "long_overdue_after": "s.received::date + 90",
                    "paused_at": "CASE WHEN s.status = 'suspended' THEN s.received::date + 20 END",
                    "level": "0",
                    "created_at": "s.received + interval '6 days'",
                    "closed_at": "CASE WHEN s.status IN ('accepted','in_progress','suspended') THEN NULL "
                    "ELSE s.received + interval '35 days' END",
                    "closed_as": "CASE WHEN s.status IN ('accepted','in_progress','suspended') THEN '' "
                    "WHEN s.r4 < 0.15 THEN 'late' ELSE 'met' END",
                },
                f"FROM seed_petition s JOIN seed_slot sl ON sl.slot = s.slot WHERE {handled}",
            )
            # Reception sessions: every unit receives weekly (the head in person nine times in ten), for the
            # three years, and the next four weeks are planned.
            counts["sessions"] = insert_select(
                cursor,
                ReceptionSession,
                {
                    "unit_id": "u.id",
                    "date": "d.day",
                    "start_time": "'08:00'::time",
                    "end_time": "'11:30'::time",
                    "place": "'Trụ sở tiếp công dân'",
                    "kind": "'regular'",
                    "capacity": "20",
                    "status": "CASE WHEN d.day >= current_date THEN 'planned' ELSE 'held' END",
                    "held_by_id": "CASE WHEN d.day < current_date THEN t.user_id END",
                    "held_in_person": "(d.day < current_date AND random() < 0.9)",
                    "created_at": "d.day - 30",
                },
                "FROM core_unit u JOIN core_unitheadterm t ON t.unit_id = u.id AND t.ended_on IS NULL "
                "CROSS JOIN LATERAL (SELECT (date_trunc('week', now())::date - 1092 + 7 * w + mod(u.id, 5)::int)::date "
                "AS day "
                "FROM generate_series(0, 160) AS w) d",
            )
            # The reception book: one visit for each petition handed in at a reception.
            reception_of = {pk: ids[0] for pk, ids in org["reception"].items() if ids}
            rec_units, rec_users = list(reception_of), list(reception_of.values())
            counts["visits"] = insert_select(
                cursor,
                Visit,
                {
                    "unit_id": "p.unit_id",
                    "year": "extract(year FROM p.received_at)::int",
                    "serial": "row_number() OVER (PARTITION BY p.unit_id, extract(year FROM p.received_at) "
                    "ORDER BY p.received_at, p.id)",
                    "visited_on": "p.received_at::date",
                    "full_name": "pt.full_name",
                    "address": "pt.address",
                    "id_number": "pt.id_number",
                    "phone": "pt.phone",
                    "id_number_digest": "pt.id_number_digest",
                    "content": "p.title",
                    "petition_kind": "p.kind",
                    "identity_protected": "p.identity_protected",
                    "people_count": "LEAST(p.people_count, 30000)",
                    "outcome": "'petition_registered'",
                    "petition_id": "p.id",
                    "recorded_by_id": "r.user_id",
                    "created_at": "p.received_at",
                },
                f"FROM {Petition._meta.db_table} p JOIN {Petitioner._meta.db_table} pt ON pt.petition_id = p.id "
                f"JOIN unnest({sql_array(rec_units, 'bigint')}, {sql_array(rec_users, 'bigint')}) "
                "AS r(unit_id, user_id) "
                "ON r.unit_id = p.unit_id WHERE p.channel IN ('in_person', 'head_reception')",
            )
            return counts

        for part in _in_parallel(history, the_rest):
            rows.update(part)
        lap("petitioners, histories, deadlines, sessions and visits (two connections)")
        # Known access keys for a sample, so a benchmark can track real petitions.
        sample = range(1, min(SAMPLE_KEYS, petitions) + 1)
        from petitions.services import access_key_digest

        codes = [tracking_code(i) for i in sample]
        digests = [access_key_digest(code, BENCH_KEY) for code in codes]
        cursor.execute(
            f"UPDATE {Petition._meta.db_table} p SET access_key_digest = x.d "  # noqa: S608
            "FROM unnest(%s::text[], %s::text[]) AS x(c, d) WHERE p.tracking_code = x.c",
            [codes, digests],
        )
        # Two index builds at a time.
        _in_parallel(*(_statement(definition) for definition in indexes))
        lap("indexes rebuilt")
        cursor.execute("DROP TABLE seed_person, seed_petition, seed_slot, seed_handler")
        cursor.execute("SET session_replication_role = DEFAULT")
        # The counts per unit and state that the triggers, off for the load, keep from now on: rebuilt
        # by the very statements of the migration that created them.
        cursor.execute(importlib.import_module("petitions.migrations.0016_status_counts").BACKFILL)
        cursor.execute("ANALYZE")
        lap("analyze")
    return {
        "steps": timings,
        "seconds": time.monotonic() - started,
        "petitions": petitions,
        "units": len(units),
        "users": org["users"],
        "rows": rows,
    }

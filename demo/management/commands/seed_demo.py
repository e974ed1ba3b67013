"""Demo data so a newcomer can click through every role: `manage.py seed_demo [--if-empty]`."""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core import services as core_services
from core.models import Role, Unit, User
from deadlines.services_sweep import deadlines_sweep
from dialogues import demo as dialogues_demo
from oversight import demo as oversight_demo
from petitions import services as petition_services
from petitions.models import Kind
from petitions.services import PetitionerData
from reception import demo as reception_demo

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - documented demo password for local use only

DEMO_USERS = [
    # username, full name, role, unit code
    ("admin", "Quản trị hệ thống", Role.ADMIN, "hn"),
    ("tiepdan", "Trần Thị Tiếp", Role.RECEPTION, "ba-dinh"),
    ("xuly", "Lê Văn Xử", Role.HANDLER, "ba-dinh"),
    ("chutich", "Phạm Minh Chủ", Role.HEAD, "ba-dinh"),
    ("bithu", "Nguyễn Thành Bí", Role.HEAD, "hn"),
    ("thanhtra", "Hoàng Thanh Tra", Role.INSPECTOR, "hn"),
    ("congdan", "Đỗ Thị Dân", None, None),
]
ROLE_LABELS = {
    "admin": "Administrator / Quản trị",
    "tiepdan": "Reception officer / Cán bộ tiếp công dân (Ba Đình)",
    "xuly": "Handling officer / Cán bộ xử lý (Ba Đình)",
    "chutich": "Head / Chủ tịch phường Ba Đình",
    "bithu": "Head / Bí thư Thành ủy",
    "thanhtra": "Inspector / Thanh tra thành phố",
    "congdan": "Citizen / Công dân",
}

UNITS = [
    ("hn", "Thành phố Hà Nội", "province", None),
    ("ba-dinh", "Phường Ba Đình", "commune", "hn"),
    ("hoan-kiem", "Phường Hoàn Kiếm", "commune", "hn"),
    ("soc-son", "Xã Sóc Sơn", "commune", "hn"),
    ("so-tnmt", "Sở Nông nghiệp và Môi trường", "department", "hn"),
    ("ubkt", "Ủy ban Kiểm tra Thành ủy", "party_body", "hn"),
]

SUBJECTS = [
    ("Khiếu nại quyết định thu hồi đất", Kind.COMPLAINT),
    ("Tố cáo cán bộ địa chính nhận tiền", Kind.DENUNCIATION),
    ("Kiến nghị sửa chữa đường ngõ 12", Kind.RECOMMENDATION),
    ("Phản ánh tiếng ồn công trình ban đêm", Kind.REFLECTION),
    ("Khiếu nại mức bồi thường giải phóng mặt bằng", Kind.COMPLAINT),
    ("Phản ánh rác thải tồn đọng", Kind.REFLECTION),
]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Vũ Đức Em", "Đặng Thị Giang"]
# Target state → the actions that lead to it from "received".
PATHS = {
    "received": [],
    "accepted": ["accept"],
    "in_progress": ["accept", "assign"],
    "suspended": ["accept", "assign", "suspend"],
    "resolved": ["accept", "assign", "resolve"],
    "closed": ["accept", "assign", "resolve", "close"],
    "forwarded": ["forward"],
    "guided": ["guide"],
    "rejected": ["reject"],
    "filed": ["file"],
    "withdrawn": ["withdraw"],
}


class Command(BaseCommand):
    help = "Load demo units, one user per role, petitions in every state and reception sessions."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if units already exist.")
        parser.add_argument("--print-logins", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, if_empty=False, print_logins=False, **options):
        if print_logins:
            self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, label in ROLE_LABELS.items():
                self.stdout.write(f"    {username:<10} {label}")
            return
        if if_empty and Unit.objects.exists():
            return
        with transaction.atomic():
            self._seed()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _seed(self):
        rng = random.Random(2026)  # deterministic demo data
        units = {}
        for code, name, level, parent in UNITS:
            units[code] = core_services.unit_create(name=name, code=code, level=level, parent=units.get(parent))
        users = {}
        for username, full_name, role, unit_code in DEMO_USERS:
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, full_name=full_name, email=f"{username}@demo.local"
            )
            users[username] = user
            if username == "admin":
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            if role == Role.HEAD:
                core_services.unit_head_assign(unit=units[unit_code], user=user, started_on=datetime.date(2025, 7, 1))
            elif role:
                core_services.membership_add(user=user, unit=units[unit_code], role=role)
        for code in ("hoan-kiem", "soc-son", "so-tnmt", "ubkt"):
            head = User.objects.create_user(
                username=f"head-{code}", password=DEMO_PASSWORD, full_name=f"Thủ trưởng {units[code].name}"
            )
            core_services.unit_head_assign(unit=units[code], user=head, started_on=datetime.date(2025, 7, 1))

        now = timezone.now()
        targets = [state for state in PATHS for _ in range(3)]
        for i, target in enumerate(targets):
            title, kind = SUBJECTS[i % len(SUBJECTS)]
            unit = units["ba-dinh"] if i % 4 else units[rng.choice(["hoan-kiem", "soc-son", "ba-dinh"])]
            petition, _ = petition_services.petition_submit(
                kind=kind,
                title=title,
                content="Nội dung đơn mẫu để trình diễn hệ thống. " * 3,
                unit=unit,
                petitioner=PetitionerData(
                    full_name=NAMES[i % len(NAMES)],
                    id_number=f"0010850{i:05d}",
                    phone=f"09123{i:05d}",
                    address="Số 1 phố Điện Biên Phủ, Hà Nội",
                ),
                citizen=users["congdan"] if i % 5 == 0 else None,
                received_at=now - datetime.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 8)),
            )
            self._drive(petition, PATHS[target], users, unit)
        reception_demo.seed(units=units, users=users)
        dialogues_demo.seed(units=units, users=users, stdout=self.stdout)
        oversight_demo.seed(units=units, users=users, stdout=self.stdout)
        # Raise the overdue levels now rather than at the worker's first beat, five minutes in.
        deadlines_sweep()

    def _drive(self, petition, actions, users, unit):
        head = users["chutich"] if unit.code == "ba-dinh" else User.objects.get(head_terms__unit=unit)
        reason = "Lý do ghi nhận khi trình diễn."
        for action in actions:
            if action == "assign":
                handler = users["xuly"] if unit.code == "ba-dinh" else head
                petition_services.petition_assign(petition=petition, actor=head, handler=handler)
            elif action == "forward":
                petition_services.petition_forward(
                    petition=petition, actor=head, reason=reason, to_body="Tòa án nhân dân thành phố"
                )
            elif action == "resolve":
                petition_services.petition_resolve(
                    petition=petition, actor=head, decision_text="Quyết định giải quyết: chấp nhận một phần."
                )
            elif action in ("accept", "close"):
                getattr(petition_services, f"petition_{action}")(petition=petition, actor=head)
            else:
                getattr(petition_services, f"petition_{action}")(petition=petition, actor=head, reason=reason)

"""Every staff URL × every role × an object of the user's own and of another jurisdiction, against the
one access policy (core/access.py).

The URL list comes from the URL conf itself: a new URL name fails `test_every_url_is_classified`
until it is placed in STAFF (with the permissions it needs), PUBLIC or ELSEWHERE (checked by a named
test). The expected answer is computed from the policy, in the order the views ask:

    gate (403) → the object is visible (404: existence must not leak) → the action (403) → allowed

"Allowed" means the view did its work: anything but 401/403/404/5xx (a page, a redirect, a form
with errors). Anonymous users are sent to the login page (pages) or refused (API).
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core import access
from core.models import Role
from deadlines.models import Deadline
from dialogues import hotspots
from dialogues import services as dialogue_services
from dialogues.models import RiskLevel
from oversight import services as oversight_services
from oversight.models import FindingKind
from reception import services as reception_services
from reception.models import ReceptionSession

from .factories import UserFactory, make_petition, make_staff

# --- The classification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    method: str = "get"
    obj: str | None = None  # which object of the world fills `pk` (and what `see`/`do` are asked about)
    gate: str = "core.staff"  # asked without an object: 403
    see: str | None = None  # asked about the object: 404
    do: str | None = None  # asked about the object (or without one): 403
    kwargs: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    api: bool = False
    # Where the allowed user still gets a 404 because the object lacks what the page shows
    # (no refusal notice for a visit that was not refused, no written answer yet...).
    ok_status: frozenset = frozenset()


R = "reception"
STAFF: dict[str, Spec] = {
    # The staff overview (oversight serves it at the old address, which petitions:dashboard redirects to).
    "oversight:overview": Spec(),
    "petitions:dashboard": Spec(),
    "oversight:scorecard": Spec(gate="oversight.view"),
    "oversight:cases": Spec(gate="oversight.view", ok_status=frozenset({404})),
    "oversight:comparison": Spec(gate="oversight.view"),
    "oversight:charts": Spec(gate="oversight.view"),
    "oversight:reports": Spec(gate="oversight.view"),
    "oversight:report_request": Spec(method="post", gate="oversight.view"),
    "oversight:queue": Spec(gate="oversight.workspace"),
    "oversight:queue_export": Spec(gate="oversight.workspace", kwargs={"fmt": "csv"}),
    "oversight:audit": Spec(gate="oversight.workspace"),
    "oversight:audit_check_start": Spec(method="post", gate="oversight.workspace"),
    "oversight:findings": Spec(gate="oversight.workspace"),
    "oversight:case": Spec(obj="petition", gate="oversight.workspace", see="oversight.workspace"),
    "oversight:finding_create": Spec(
        obj="petition", gate="oversight.workspace", see="oversight.workspace", do="oversight.record_finding"
    ),
    "oversight:finding": Spec(obj="finding", gate="oversight.workspace", see="oversight.workspace"),
    "petitions:list": Spec(gate="petitions.list"),
    "petitions:register": Spec(do="petitions.register"),
    "petitions:export": Spec(gate="petitions.export"),
    "petitions:detail": Spec(obj="petition", see="petitions.view"),
    "petitions:reveal": Spec(
        method="post", obj="petition", see="petitions.view", do="petitions.reveal_identity", data={"reason": "x"}
    ),
    "petitions:unprotect": Spec(method="post", obj="petition", see="petitions.view", do="petitions.lift_protection"),
    "petitions:action": Spec(
        method="post", obj="petition", see="petitions.view", do="petitions.accept", kwargs={"action": "accept"}
    ),
    "petitions:deadline_extend": Spec(method="post", obj="deadline", see="petitions.view", do="deadlines.extend"),
    "reception:sessions": Spec(gate="reception.read"),
    "reception:session_create": Spec(gate="reception.read", do="reception.write"),
    "reception:session_detail": Spec(obj="session", gate="reception.read", see="reception.read"),
    "reception:session_holder": Spec(
        method="post", obj="session", gate="reception.read", see="reception.read", do="reception.write"
    ),
    "reception:session_cancel": Spec(
        method="post", obj="session", gate="reception.read", see="reception.read", do="reception.write"
    ),
    "reception:booking_action": Spec(
        method="post",
        obj="booking",
        gate="reception.read",
        see="reception.read",
        do="reception.write",
        kwargs={"action": "confirm"},
    ),
    "reception:book": Spec(gate="reception.read"),
    "reception:book_print": Spec(gate="reception.read"),
    "reception:book_export": Spec(gate="reception.read", kwargs={"fmt": "csv"}),
    "reception:visit_create": Spec(gate="reception.read", do="reception.write"),
    "reception:visit_detail": Spec(obj="visit", gate="reception.read", see="reception.read"),
    "reception:refusal_notice": Spec(
        obj="visit", gate="reception.read", see="reception.read", ok_status=frozenset({404})
    ),
    "reception:conclusion": Spec(obj="visit", gate="reception.read", see="reception.read", do="reception.conclude"),
    "reception:visit_reveal": Spec(
        method="post", obj="visit", gate="reception.read", see="reception.read", do="reception.reveal_identity"
    ),
    "reception:written_answer": Spec(
        method="post",
        obj="visit",
        gate="reception.read",
        see="reception.read",
        do="reception.write",
        ok_status=frozenset({404}),
    ),
    "reception:written_answer_letter": Spec(
        obj="visit", gate="reception.read", see="reception.read", ok_status=frozenset({404})
    ),
    "reception:visit_outcome": Spec(
        method="post",
        obj="visit",
        gate="reception.read",
        see="reception.read",
        do="reception.write",
        kwargs={"name": "guide"},
    ),
    "reception:answers_due": Spec(gate="reception.read"),
    "reception:citizen_lookup": Spec(gate="reception.read"),
    "reception:quotas": Spec(gate="reception.read"),
    "dialogues:list": Spec(gate="dialogues.read"),
    "dialogues:new": Spec(do="dialogues.schedule"),
    "dialogues:detail": Spec(obj="dialogue", see="dialogues.view"),
    "dialogues:minutes_print": Spec(obj="dialogue", see="dialogues.view", ok_status=frozenset({404})),
    "dialogues:minutes_print_version": Spec(
        obj="dialogue", see="dialogues.view", kwargs={"version": 1}, ok_status=frozenset({404})
    ),
    "dialogues:minutes_pdf": Spec(obj="dialogue", see="dialogues.view", ok_status=frozenset({404})),
    "dialogues:minutes_pdf_version": Spec(
        obj="dialogue", see="dialogues.view", kwargs={"version": 1}, ok_status=frozenset({404})
    ),
    "dialogues:action": Spec(
        method="post", obj="dialogue", see="dialogues.view", do="dialogues.organise", kwargs={"action": "cancel"}
    ),
    "dialogues:petition": Spec(obj="petition", see="petitions.view"),
    "dialogues:hotspots": Spec(gate="dialogues.read"),
    "dialogues:hotspot_new": Spec(do="dialogues.flag_hotspot"),
    "dialogues:hotspot_suggest": Spec(method="post", do="dialogues.flag_hotspot"),
    "dialogues:hotspot_detail": Spec(obj="hotspot", see="dialogues.view"),
    "dialogues:hotspot_action": Spec(
        method="post", obj="hotspot", see="dialogues.view", do="dialogues.hotspot_act", kwargs={"action": "close"}
    ),
    "api-staff-petitions": Spec(api=True, gate="petitions.list"),
    "api-staff-petition": Spec(api=True, obj="petition", see="petitions.view"),
    "api-staff-petition-transitions": Spec(
        api=True, method="post", obj="petition", see="petitions.view", do="petitions.accept", data={"action": "accept"}
    ),
    "api-staff-export": Spec(api=True, gate="petitions.export"),
    "api-staff-scorecard": Spec(api=True, gate="oversight.view", ok_status=frozenset({400})),
    "api-staff-scorecard-cases": Spec(api=True, gate="oversight.view", ok_status=frozenset({400})),
    "api-staff-comparison": Spec(api=True, gate="oversight.view", ok_status=frozenset({400})),
    "api-staff-findings": Spec(api=True, gate="oversight.workspace"),
    "dialogues:api-staff-dialogues": Spec(api=True, gate="dialogues.read"),
    "dialogues:api-staff-dialogue": Spec(api=True, obj="dialogue", see="dialogues.view"),
    "dialogues:api-staff-hotspots": Spec(api=True, gate="dialogues.read"),
    "dialogues:api-staff-hotspot": Spec(api=True, obj="hotspot", see="dialogues.view"),
}

# Open to everyone (citizens, the public, probes) or to any logged-in user for their own rows.
PUBLIC = {
    "healthz",
    "readyz",
    "set_language",
    "login",
    "logout",
    "signup",
    "home",
    "after_login",
    "notifications",
    "notifications_mark_read",
    "oversight:public_statistics",
    "petitions:create",
    "petitions:filed",
    "petitions:track",
    "petitions:mine",
    "petitions:my_detail",
    "petitions:receipt",  # the filer's own receipt, read from their session
    "petitions:receipt_pdf",
    "petitions:decision",  # by tracking code and access key
    "petitions:forgot_key",
    "deadlines:digest",  # the recipient's own notification only
    "api-units",
    "reception:calendar",
    "reception:session_book",
    "reception:booked",
    "reception:booking_lookup",
    "reception:booking_cancel",
    "deadlines:calculator",
    "api-schema",
    "api-docs",
    "api-token",
    "api-petition-create",
    "api-petition-track",
    "api-statistics",
    "api-reception-sessions",
    "deadlines-calculator",
}

# Objects owned by one person, checked by a named test rather than by jurisdiction.
ELSEWHERE = {
    "petitions:attachment": "tests/security/test_reveal.py (staff in jurisdiction or the owning citizen)",
    "oversight:report_job": "tests/oversight/test_views.py (a report job is its requester's alone)",
    "oversight:report_status": "tests/oversight/test_views.py",
    "oversight:report_download": "tests/oversight/test_views.py",
    "oversight:audit_check": "tests/oversight/test_integrity.py (a whole-trail check is its requester's alone)",
    "oversight:audit_check_status": "tests/oversight/test_integrity.py",
    "dialogues:action_done": "tests/dialogues/test_views.py (the action's owner, the chair or the head)",
}

ROLES = ["reception", "handler", "head", "inspector", "citizen", "anonymous"]


def _url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns)) - {"static"})


def test_every_url_is_classified():
    unknown = [name for name in _url_names() if name not in STAFF and name not in PUBLIC and name not in ELSEWHERE]
    assert not unknown, f"classify these URLs in tests/test_permission_matrix.py: {unknown}"


def test_every_permission_asked_is_registered():
    asked = {p for spec in STAFF.values() for p in (spec.gate, spec.see, spec.do) if p}
    assert asked <= access.registered(), asked - access.registered()


def test_an_unknown_permission_is_an_error_not_a_no(org):
    with pytest.raises(LookupError):
        access.may(org.head, "petitions.acept")


# --- The world: one of each object in the users' own commune and in another one ------------------------


@pytest.fixture
def world(org, rules):
    other_head = make_staff(org.other_commune, Role.HEAD, username="chutich-hk")
    citizen = UserFactory(username="congdan-matrix")
    users = {
        "reception": org.reception,
        "handler": org.handler,
        "head": org.head,
        "inspector": org.inspector,
        "citizen": citizen,
        "anonymous": None,
    }
    today = timezone.localdate()
    objects = {}
    for side, unit, officer, head in (
        ("own", org.commune, org.reception, org.head),
        ("other", org.other_commune, org.outsider, other_head),
    ):
        petition = make_petition(unit)
        session = ReceptionSession.objects.create(
            unit=unit,
            date=today + datetime.timedelta(days=2),
            start_time=datetime.time(8),
            end_time=datetime.time(11),
            place="Trụ sở tiếp công dân",
            capacity=10,
        )
        booking = reception_services.booking_create(
            session_id=session.pk, full_name="Lê Văn Cường", phone="0912345678", id_number="001085012345", summary="x"
        )
        visit = reception_services.visit_record(
            unit=unit,
            recorded_by=officer,
            visitor=reception_services.VisitorData(full_name="Lê Văn Cường"),
            content="x",
        )
        dialogue = dialogue_services.dialogue_schedule(
            actor=head,
            unit=unit,
            subject="Đối thoại",
            scheduled_at=timezone.now() + datetime.timedelta(days=3),
            chair=head,
            petitions=[petition],
            place="Hội trường",
        )
        hotspot = hotspots.hotspot_flag(
            actor=head, unit=unit, title="Điểm nóng", reason="x", risk_level=RiskLevel.HIGH, owner=head
        )
        finding = oversight_services.finding_record(
            actor=org.inspector,
            unit=unit,
            kind=FindingKind.SHORTCOMING,
            title="Chậm giải quyết",
            description="x",
            responsibility="x",
            remedy_required="x",
            petition=petition,
        )
        objects[side] = {
            "petition": petition,
            "deadline": Deadline.objects.filter(petition=petition).first(),
            "session": session,
            "booking": booking,
            "visit": visit,
            "dialogue": dialogue,
            "hotspot": hotspot,
            "finding": finding,
        }
    return users, objects


def _subject(obj):
    """What `see` is asked about: a booking is seen through its session, a deadline through its petition."""
    if obj is None:
        return None
    if hasattr(obj, "session_id") and obj.__class__.__name__ == "Booking":
        return obj.session
    if isinstance(obj, Deadline):
        return obj.petition
    return obj


def _expected(spec: Spec, user, obj) -> str | int:
    if user is None:
        return "anonymous"
    if spec.gate and not access.may(user, spec.gate):
        return 403
    if spec.see and not access.may(user, spec.see, _subject(obj)):
        return 404
    if spec.do:
        target = obj if obj is not None else None
        if spec.do.startswith("reception.") and obj is not None:
            target = _subject(obj)
        if not access.may(user, spec.do, target):
            return 403
    return "allowed"


@pytest.mark.parametrize("name", sorted(STAFF))
def test_the_policy_decides_every_staff_url(client, world, name):
    users, objects = world
    spec = STAFF[name]
    sides = ["own", "other"] if spec.obj else ["own"]
    wrong = []
    for side in sides:
        obj = objects[side][spec.obj] if spec.obj else None
        kwargs = {**spec.kwargs, **({"pk": obj.pk} if obj is not None else {})}
        url = reverse(name, kwargs=kwargs or None)
        for role in ROLES:
            user = users[role]
            client.logout()
            if user is not None:
                client.force_login(user)
            expected = _expected(spec, user, obj)
            send = client.post if spec.method == "post" else client.get
            response = send(url, spec.data, content_type="application/json") if spec.api else send(url, spec.data)
            status = response.status_code
            if expected == "anonymous":
                ok = (
                    status in (401, 403) if spec.api else (status == 302 and "/accounts/login/" in response["Location"])
                )
            elif expected == "allowed":
                ok = status < 500 and (status not in (401, 403, 404) or status in spec.ok_status)
            else:
                ok = status == expected
            if not ok:
                wrong.append(f"{role:10} {side:5} {spec.method.upper()} {url} → {status}, policy says {expected}")
    assert not wrong, "\n".join(wrong)


MENU = {
    "petitions:register": "petitions.register",
    "reception:sessions": "reception.read",
    "oversight:scorecard": "oversight.view",
}


@pytest.mark.parametrize("role", ["reception", "handler", "head", "inspector"])
def test_the_menu_offers_only_what_the_policy_allows(client, world, role):
    users, _objects = world
    client.force_login(users[role])
    html = client.get(reverse("oversight:overview")).content.decode()
    for name, permission in MENU.items():
        assert (f'href="{reverse(name)}"' in html) == access.may(users[role], permission), (role, name)

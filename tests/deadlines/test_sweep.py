import datetime
import threading
from collections import Counter
from unittest import mock

import pytest
import time_machine
from django.db import connection, connections
from django.urls import reverse

from core.models import Notification
from deadlines import services_sweep
from deadlines.models import Deadline, Escalation, Level
from deadlines.services import deadlines_recompute_open
from deadlines.services_sweep import deadlines_sweep
from petitions import services as petition_services
from petitions.clocks import deadline_extend
from petitions.models import Kind, PetitionAlert

from ..factories import make_petition
from .conftest import at

D = datetime.date
# A complaint received Monday 2 March 2026: processing and acceptance due Monday 16 March,
# due soon from Wednesday 11, long overdue after Monday 30 March.
RECEIVED = at(2026, 3, 2)


def _make_cases(org, n=1, handler=None):
    with time_machine.travel(RECEIVED, tick=False):
        petitions = [make_petition(org.commune) for _ in range(n)]
    if handler:
        for p in petitions:
            p.handler = handler
            p.save(update_fields=["handler"])
    Notification.objects.all().delete()
    return petitions


def _told():
    """Every (recipient, deadline, level) the digests tell, counted: a duplicate shows as 2."""
    return Counter(
        (username, deadline_id, level)
        for username, items in Notification.objects.values_list("recipient__username", "items")
        for deadline_id, level in items
    )


def _state():
    """Everything the sweep writes, comparable between runs."""
    return (
        sorted(Deadline.objects.values_list("petition__tracking_code", "rule__code", "level")),
        sorted(Escalation.objects.values_list("deadline__petition__tracking_code", "deadline__rule__code", "level")),
        _told(),
    )


def _recipients(level):
    """Who was told of a case at this level (by the digests of the runs so far)."""
    return {username for username, _deadline, lv in _told() if lv == level}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize(
    ("today", "level"),
    [(D(2026, 3, 10), Level.NONE), (D(2026, 3, 11), Level.DUE_SOON), (D(2026, 3, 16), Level.DUE_SOON),
     (D(2026, 3, 17), Level.OVERDUE), (D(2026, 3, 30), Level.OVERDUE), (D(2026, 3, 31), Level.LONG_OVERDUE)],
)  # fmt: skip
def test_levels_follow_the_stored_dates(org, rules, today, level):
    _make_cases(org)
    deadlines_sweep(today=today)
    assert set(Deadline.objects.values_list("level", flat=True)) == {level}


def test_it_escalates_from_handler_to_head_to_parent_head_and_inspectors(org, rules):
    _make_cases(org, handler=org.handler)
    deadlines_sweep(today=D(2026, 3, 11))
    assert _recipients(Level.DUE_SOON) == {"xuly"}
    deadlines_sweep(today=D(2026, 3, 17))
    assert _recipients(Level.OVERDUE) == {"xuly", "chutich"}
    deadlines_sweep(today=D(2026, 3, 31))
    # Each level tells everyone of the earlier levels again, plus its own.
    assert _recipients(Level.LONG_OVERDUE) == {"xuly", "chutich", "bithu", "thanhtra"}
    # One digest per recipient and run, listing each of the petition's two deadlines once per level.
    assert Notification.objects.filter(recipient=org.handler).count() == 3
    assert sum(_told()[("xuly", d, lv)] for d in Deadline.objects.values_list("pk", flat=True) for lv in Level) == 6
    assert set(_told().values()) == {1}


def test_one_digest_per_recipient_lists_exactly_their_escalated_cases(org, rules, client):
    cases = _make_cases(org, n=4, handler=org.handler)
    late = Deadline.objects.filter(petition__in=cases[:3])
    Deadline.objects.filter(petition=cases[3]).update(due_soon_from=D(2026, 4, 30), due_date=D(2026, 5, 5),
                                                       long_overdue_after=D(2026, 5, 20))  # fmt: skip
    deadlines_sweep(today=D(2026, 3, 17))
    for username in ("xuly", "chutich"):
        (digest,) = Notification.objects.filter(recipient__username=username)
        assert sorted(d for d, _lv in digest.items) == sorted(late.values_list("pk", flat=True))
        assert {lv for _d, lv in digest.items} == {Level.OVERDUE}
        assert "6 cases" in digest.title and digest.body.count("/can-bo/") == 6
    assert not Notification.objects.filter(recipient__username__in=["bithu", "thanhtra", "tiepdan"]).exists()
    # The digest page lists the same cases, to its recipient only.
    client.force_login(org.handler)
    page = client.get(digest.url)
    assert page.status_code == 200 and all(p.tracking_code in page.text for p in cases[:3])
    assert cases[3].tracking_code not in page.text
    client.force_login(org.head)
    assert client.get(Notification.objects.get(recipient=org.handler).url).status_code == 200  # own copy
    client.force_login(org.reception)
    assert client.get(digest.url).status_code == 404


def test_a_deadline_found_long_overdue_goes_there_in_one_step_without_stale_notices(org, rules):
    _make_cases(org, handler=org.handler)
    counts = deadlines_sweep(today=D(2026, 3, 31))
    assert counts == {Level.LONG_OVERDUE: 2, Level.OVERDUE: 0, Level.DUE_SOON: 0}
    # One escalation row per level passed, but only the long-overdue notice is sent: no late "due soon".
    assert Counter(Escalation.objects.values_list("level", flat=True)) == {
        Level.DUE_SOON: 2,
        Level.OVERDUE: 2,
        Level.LONG_OVERDUE: 2,
    }
    (digest,) = Notification.objects.filter(recipient=org.handler)
    assert "2 long overdue, 0 overdue, 0 due soon" in digest.title
    assert {lv for _d, lv in digest.items} == {Level.LONG_OVERDUE}


def test_without_a_handler_the_reception_officers_are_told(org, rules):
    _make_cases(org)
    deadlines_sweep(today=D(2026, 3, 11))
    assert _recipients(Level.DUE_SOON) == {"tiepdan"}


def test_notifications_carry_the_code_and_rule_never_the_petitioner(org, rules):
    (petition,) = _make_cases(org, handler=org.handler)
    deadlines_sweep(today=D(2026, 3, 17))
    for notification in Notification.objects.all():
        assert petition.tracking_code in notification.body
        assert "Nguyễn" not in notification.title + notification.body
        assert "001085012345" not in notification.title + notification.body


def test_it_escalates_once(org, rules):
    _make_cases(org, n=3, handler=org.handler)
    deadlines_sweep(today=D(2026, 3, 31))
    first = _state()
    assert deadlines_sweep(today=D(2026, 3, 31)) == {Level.DUE_SOON: 0, Level.OVERDUE: 0, Level.LONG_OVERDUE: 0}
    assert _state() == first
    # Three cases × two deadlines × three levels.
    assert Escalation.objects.count() == 18


def test_a_late_sweep_records_every_level_passed(org, rules):
    _make_cases(org)
    deadlines_sweep(today=D(2026, 4, 15))
    levels = Counter(Escalation.objects.values_list("level", flat=True))
    assert levels == {Level.DUE_SOON: 2, Level.OVERDUE: 2, Level.LONG_OVERDUE: 2}


def test_closed_deadlines_are_not_swept(org, rules):
    (petition,) = _make_cases(org)
    petition_services.petition_guide(petition=petition, actor=org.reception, reason="Hướng dẫn")
    deadlines_sweep(today=D(2026, 4, 15))
    assert not Escalation.objects.exists()


def test_an_extended_deadline_escalates_again_against_its_new_date(org, rules):
    with time_machine.travel(at(2027, 1, 6), tick=False):
        petition = make_petition(org.commune, kind=Kind.DENUNCIATION)
        petition_services.petition_accept(petition=petition, actor=org.reception)
        petition_services.petition_classify(
            petition=petition, actor=org.reception, kind=Kind.DENUNCIATION, is_complex=True, is_remote=False, reason="x"
        )
    deadlines_sweep(today=D(2027, 2, 12))
    deadline = Deadline.objects.get(petition=petition, rule__code="denunciation.resolution")
    with time_machine.travel(at(2027, 2, 12), tick=False):
        deadline_extend(deadline=deadline, actor=org.head, reason="Phức tạp")
    deadlines_sweep(today=D(2027, 3, 9))
    rounds = Counter(Escalation.objects.filter(deadline=deadline).values_list("round", "level"))
    assert rounds == {(0, Level.DUE_SOON): 1, (0, Level.OVERDUE): 1, (1, Level.DUE_SOON): 1, (1, Level.OVERDUE): 1}


def test_the_sweep_is_set_based(org, rules, django_assert_max_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the escalations' hash chain is written row by row (core.audit); CI runs PostgreSQL")
    _make_cases(org, n=30, handler=org.handler)
    # Per level: one locking select, one update, one read of earlier escalations, two inserts,
    # then an empty select; plus the savepoints and the recipients loaded once.
    with django_assert_max_num_queries(40):
        deadlines_sweep(today=D(2026, 3, 31))
    assert Escalation.objects.count() == 180


def test_an_interrupted_sweep_rerun_equals_one_clean_run(org, rules):
    _make_cases(org, n=12, handler=org.handler)
    deadlines_sweep(today=D(2026, 3, 31), chunk=5)
    clean = _state()
    Escalation.objects.all().delete()
    Notification.objects.all().delete()
    Deadline.objects.update(level=Level.NONE)

    real_insert = services_sweep._insert_escalations
    calls = {"n": 0}

    def crash_on_third_chunk(rows, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("worker killed")
        return real_insert(rows, **kwargs)

    with (
        mock.patch.object(services_sweep, "_insert_escalations", side_effect=crash_on_third_chunk),
        pytest.raises(KeyboardInterrupt),
    ):
        deadlines_sweep(today=D(2026, 3, 31), chunk=5)
    # The two committed chunks are complete (three levels each), the killed one left nothing behind,
    # and the run died before its digest: nobody was told yet.
    assert Escalation.objects.count() == 30
    assert Deadline.objects.filter(level=Level.LONG_OVERDUE).count() == 10
    assert not Notification.objects.exists()
    deadlines_sweep(today=D(2026, 3, 31), chunk=5)
    # The rerun told the dead run's cases (its own digest) and its own: each case once, none lost.
    assert _state() == clean
    assert Notification.objects.filter(recipient=org.handler).count() == 2


def test_a_run_killed_while_writing_its_digest_is_told_once_by_the_next_run(org, rules):
    _make_cases(org, n=3, handler=org.handler)
    with (
        mock.patch.object(services_sweep, "notify_digests", side_effect=KeyboardInterrupt("worker killed")),
        pytest.raises(KeyboardInterrupt),
    ):
        deadlines_sweep(today=D(2026, 3, 31))
    assert Escalation.objects.count() == 18 and not Notification.objects.exists()
    deadlines_sweep(today=D(2026, 3, 31))
    deadlines_sweep(today=D(2026, 3, 31))
    (digest,) = Notification.objects.filter(recipient=org.handler)
    assert len(digest.items) == 6 and set(_told().values()) == {1}


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_escalate_exactly_once(org, rules):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL (CI runs on it)")
    _make_cases(org, n=60, handler=org.handler)
    barrier = threading.Barrier(2)
    errors, counts = [], []

    def sweep():
        try:
            barrier.wait()
            counts.append(deadlines_sweep(today=D(2026, 3, 31), chunk=7))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # 60 cases × 2 deadlines: each went straight to long overdue in exactly one of the two sweeps.
    assert sum(c[Level.LONG_OVERDUE] for c in counts) == 120
    per_level = Counter(Escalation.objects.values_list("deadline_id", "level"))
    assert len(per_level) == 360 and set(per_level.values()) == {1}
    # Sweeps take turns (an advisory lock): the handler hears of the 120 deadlines once, in one digest.
    assert Notification.objects.filter(recipient=org.handler).count() == 1
    assert len(Notification.objects.get(recipient=org.handler).items) == 120


def test_the_notifications_are_enqueued_after_commit(org, rules, django_capture_on_commit_callbacks):
    _make_cases(org, handler=org.handler)
    with (
        mock.patch("core.tasks.send_pending_emails.apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services_sweep.deadlines_sweep(today=D(2026, 3, 17))
    assert apply_async.called


# --- The petition's most urgent level, kept by the database (petitions migration 0015) ------------


def _worst(petition):
    """The level stored on the petition, checked against the one its open deadlines give."""
    stored = PetitionAlert.objects.filter(petition=petition).values_list("level", flat=True).first() or Level.NONE
    open_levels = Deadline.objects.filter(petition=petition, closed_at__isnull=True).values_list("level", flat=True)
    assert stored == max(open_levels, default=Level.NONE)
    return stored


def _listed(client, **query):
    return {p.pk for p in client.get(reverse("petitions:list"), query).context["page"].object_list}


def _overview_counts(client):
    return {level: n for level, _label, n in client.get(reverse("oversight:overview")).context["levels"]}


def test_the_stored_worst_level_follows_sweep_pause_resume_and_close(org, rules, client):
    first, second = _make_cases(org, n=2)
    assert _worst(first) == _worst(second) == Level.NONE
    deadlines_sweep(today=D(2026, 3, 11))
    assert _worst(first) == _worst(second) == Level.DUE_SOON
    deadlines_sweep(today=D(2026, 3, 17))
    assert _worst(first) == _worst(second) == Level.OVERDUE
    client.force_login(org.head)
    assert (
        _listed(client, worst_deadline=Level.OVERDUE)
        == _listed(client, deadline=Level.OVERDUE)
        == {
            first.pk,
            second.pk,
        }
    )
    assert _overview_counts(client) == {Level.DUE_SOON: 0, Level.OVERDUE: 2, Level.LONG_OVERDUE: 0}

    with time_machine.travel(at(2026, 3, 17), tick=False):
        petition_services.petition_accept(petition=first, actor=org.reception)
        accepted = _worst(first)  # the acceptance clock closed, the resolution clock opened
        petition_services.petition_suspend(petition=first, actor=org.head, reason="Chờ giám định")
        assert _worst(first) == accepted  # a paused clock is still late: the level stays
        petition_services.petition_resume(petition=first, actor=org.head)
        assert _worst(first) == accepted
        petition_services.petition_guide(petition=second, actor=org.reception, reason="Hướng dẫn")
    assert _worst(second) == Level.NONE  # every clock closed

    deadlines_sweep(today=D(2026, 4, 15))
    level = _worst(first)  # the resolution clock opened at acceptance, now due soon
    assert level == Level.DUE_SOON
    assert _worst(second) == Level.NONE
    assert _listed(client, worst_deadline=level) == _listed(client, deadline=level) == {first.pk}
    assert _listed(client, worst_deadline=Level.OVERDUE) == _listed(client, deadline=Level.OVERDUE) == set()
    assert _overview_counts(client) == {Level.DUE_SOON: 1, Level.OVERDUE: 0, Level.LONG_OVERDUE: 0}


def test_an_extension_and_a_recompute_lower_the_stored_level(org, rules):
    with time_machine.travel(at(2027, 1, 6), tick=False):
        petition = make_petition(org.commune, kind=Kind.DENUNCIATION)
        petition_services.petition_accept(petition=petition, actor=org.reception)
        petition_services.petition_classify(
            petition=petition, actor=org.reception, kind=Kind.DENUNCIATION, is_complex=True, is_remote=False, reason="x"
        )
    deadlines_sweep(today=D(2027, 2, 12))
    before = _worst(petition)
    deadline = Deadline.objects.get(petition=petition, rule__code="denunciation.resolution")
    with time_machine.travel(at(2027, 2, 12), tick=False):
        deadline_extend(deadline=deadline, actor=org.head, reason="Phức tạp")
    assert _worst(petition) <= before
    Deadline.objects.filter(petition=petition).update(level=Level.LONG_OVERDUE)
    assert _worst(petition) == Level.LONG_OVERDUE
    with time_machine.travel(at(2027, 2, 12), tick=False):
        deadlines_recompute_open()
    _worst(petition)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the alert table is kept by PostgreSQL triggers")
def test_the_alert_copies_follow_the_petition_and_leave_with_its_last_open_level(org, rules):
    petition = make_petition(org.commune)
    other = make_petition(org.commune)
    Deadline.objects.filter(petition__in=[petition, other]).update(level=Level.OVERDUE)
    alert = PetitionAlert.objects.get(petition=petition)
    assert (alert.unit_id, alert.received_at, alert.level) == (org.commune.pk, petition.received_at, Level.OVERDUE)
    # Should a petition's unit or receipt date ever change, its alert's copies follow (the caseload
    # order and the jurisdiction of the level filters are read from them).
    moved = petition.received_at - datetime.timedelta(days=3)
    type(petition).objects.filter(pk=petition.pk).update(unit=org.other_commune, received_at=moved)
    alert.refresh_from_db()
    assert (alert.unit_id, alert.received_at) == (org.other_commune.pk, moved)
    # Every open clock closed or back at level 0: the row goes, the other petition's stays.
    Deadline.objects.filter(petition=petition).update(level=Level.NONE)
    assert not PetitionAlert.objects.filter(petition=petition).exists()
    assert PetitionAlert.objects.get(petition=other).level == Level.OVERDUE
    Deadline.objects.filter(petition=other).update(closed_at=other.received_at)
    assert not PetitionAlert.objects.exists()

import datetime
import threading

import pytest
from django.db import connection

from reception import services
from reception.models import Booking, BookingEvent, BookingStatus, ReceptionSession

from .conftest import MONDAY, make_session

ID_A, ID_B = "001085012345", "001090054321"


def _book(session, id_number=ID_A, people=1, **kwargs):
    return services.booking_create(
        session_id=session.pk,
        full_name="Trần Thị Bình",
        phone="0912345678",
        id_number=id_number,
        summary="Hỏi về cấp giấy chứng nhận quyền sử dụng đất",
        people_count=people,
        **kwargs,
    )


def test_booking_gets_a_random_code_and_encrypted_identity(session):
    booking = _book(session)
    other = _book(session, ID_B)
    assert booking.confirmation_code != other.confirmation_code
    assert len(booking.confirmation_code) == 9
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, full_name FROM reception_booking WHERE id = %s", [booking.pk])
        raw = cursor.fetchone()
    assert ID_A not in raw[0] and "Bình" not in raw[1]
    assert Booking.objects.get(pk=booking.pk).id_number == ID_A
    event = BookingEvent.objects.get(booking=booking)
    assert (event.from_status, event.to_status) == ("", BookingStatus.PENDING)


def test_capacity_counts_people_not_bookings(session):
    session.capacity = 5
    session.save()
    _book(session, ID_A, people=4)
    with pytest.raises(services.SessionFull) as excinfo:
        _book(session, ID_B, people=2)
    assert "1" in str(excinfo.value)
    _book(session, ID_B, people=1)
    with pytest.raises(services.SessionFull, match="hết chỗ"):
        _book(session, "001085099999")


def test_cancelled_and_declined_bookings_free_their_places(session, org):
    session.capacity = 1
    session.save()
    first = _book(session)
    services.booking_cancel(code=first.confirmation_code.lower())
    second = _book(session, ID_B)
    services.booking_decline(booking=second, actor=org.reception, message="Vụ việc không thuộc thẩm quyền")
    assert _book(session, "001085099999").status == BookingStatus.PENDING


def test_the_same_id_number_cannot_book_the_same_session_twice(session):
    _book(session)
    with pytest.raises(services.ReceptionError, match="đã đặt lịch"):
        _book(session)


def test_the_same_id_number_may_book_again_after_cancelling(session):
    booking = _book(session)
    services.booking_cancel(code=booking.confirmation_code)
    assert _book(session).pk != booking.pk


def test_a_past_or_started_session_cannot_be_booked(org, now_monday):
    yesterday = make_session(org.commune, MONDAY - datetime.timedelta(days=1))
    started = make_session(org.commune, MONDAY, start=(7, 30))
    for session in (yesterday, started):
        with pytest.raises(services.ReceptionError, match="đã qua"):
            _book(session)


def test_a_cancelled_session_cannot_be_booked(session, org):
    services.session_cancel(session=session, actor=org.reception, message="Lãnh đạo đi công tác")
    with pytest.raises(services.ReceptionError, match="không còn nhận"):
        _book(session)


def test_cancelling_a_session_declines_its_bookings_with_the_message(session, org):
    booking = _book(session)
    services.session_cancel(session=session, actor=org.reception, message="Lãnh đạo đi công tác")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    assert booking.staff_message == "Lãnh đạo đi công tác"


def test_staff_confirm_and_every_change_is_recorded(session, org):
    booking = _book(session)
    services.booking_confirm(booking=booking, actor=org.reception, message="Mời ông/bà đến đúng giờ")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.staff_message == "Mời ông/bà đến đúng giờ"
    events = list(booking.events.values_list("from_status", "to_status", "actor_id"))
    assert events == [("", "pending", None), ("pending", "confirmed", org.reception.pk)]


def test_move_checks_the_target_session_and_records_both_sessions(session, org):
    later = make_session(org.commune, session.date + datetime.timedelta(days=7), capacity=1)
    booking = _book(session, people=2)
    with pytest.raises(services.SessionFull):
        services.booking_move(booking=booking, actor=org.reception, to_session=later, message="Đổi lịch")
    later.capacity = 2
    later.save()
    services.booking_move(booking=booking, actor=org.reception, to_session=later, message="Đổi lịch")
    booking.refresh_from_db()
    assert (booking.session_id, booking.status) == (later.pk, BookingStatus.MOVED)
    event = booking.events.last()
    assert (event.from_session_id, event.to_session_id, event.message) == (session.pk, later.pk, "Đổi lịch")


def test_decline_needs_a_message(session, org):
    with pytest.raises(services.ReceptionError):
        services.booking_decline(booking=_book(session), actor=org.reception, message=" ")


def test_a_finished_booking_cannot_change_again(session, org):
    booking = _book(session)
    services.booking_cancel(code=booking.confirmation_code)
    booking.refresh_from_db()
    with pytest.raises(services.ReceptionError, match="không thể thay đổi"):
        services.booking_confirm(booking=booking, actor=org.reception)


def test_staff_outside_the_unit_cannot_act_on_bookings(session, org):
    booking = _book(session)
    for user in (org.outsider, org.inspector, org.handler):
        with pytest.raises(services.ReceptionError, match="không có quyền"):
            services.booking_confirm(booking=booking, actor=user)


def test_a_registered_citizen_is_notified_of_staff_changes(session, org):
    from tests.factories import UserFactory

    citizen = UserFactory()
    booking = _book(session, citizen=citizen)
    services.booking_confirm(booking=booking, actor=org.reception)
    assert citizen.notifications.count() == 1
    assert booking.confirmation_code in citizen.notifications.get().title


def test_stale_write_is_refused(session, org):
    booking = _book(session)
    stale = Booking.objects.get(pk=booking.pk)
    services.booking_confirm(booking=booking, actor=org.reception)
    with pytest.raises(services.ReceptionError, match="người khác thay đổi"):
        services.booking_decline(booking=stale, actor=org.reception, message="x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_the_last_place_get_exactly_one_booking(org):
    import time_machine

    from .conftest import at

    session = make_session(org.commune, MONDAY + datetime.timedelta(days=2), capacity=1)
    barrier = threading.Barrier(2)
    results = []

    def book(id_number):
        barrier.wait()
        try:
            _book(session, id_number)
            results.append("ok")
        except services.SessionFull:
            results.append("full")
        finally:
            connection.close()

    with time_machine.travel(at(MONDAY), tick=True):
        threads = [threading.Thread(target=book, args=(n,)) for n in (ID_A, ID_B)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(results) == ["full", "ok"]
    assert Booking.objects.filter(session=session).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_same_person_booking_twice_concurrently_gets_one_booking(org):
    import time_machine

    from .conftest import at

    session = make_session(org.commune, MONDAY + datetime.timedelta(days=2), capacity=10)
    barrier = threading.Barrier(2)
    results = []

    def book():
        barrier.wait()
        try:
            _book(session)
            results.append("ok")
        except services.ReceptionError:
            results.append("refused")
        finally:
            connection.close()

    with time_machine.travel(at(MONDAY), tick=True):
        threads = [threading.Thread(target=book) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(results) == ["ok", "refused"]
    assert ReceptionSession.objects.get(pk=session.pk).bookings.count() == 1

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from petitions.models import Kind
from reception import services
from reception.models import Booking, BookingStatus, Outcome, RefusalReason, Visit
from reception.services import VisitorData

from .conftest import MONDAY, at, make_session

BOOKING = {
    "full_name": "Trần Thị Bình",
    "phone": "0912 345 678",
    "id_number": "001085012345",
    "summary": "Hỏi về thủ tục cấp sổ đỏ",
    "people_count": "1",
}


def _login(client, user):
    client.force_login(user)
    return client


def _visit(org, **kwargs):
    return services.visit_record(
        unit=org.commune,
        recorded_by=org.reception,
        visitor=VisitorData(full_name="Lê Văn Cường", id_number="001085012345", address="12 Phố Huế"),
        content="Tranh chấp ranh giới đất",
        **kwargs,
    )


# --- Public ------------------------------------------------------------------------------------


def test_public_calendar_lists_upcoming_sessions_and_marks_full_ones(
    client, org, now_monday, django_assert_max_num_queries
):
    open_one = make_session(org.commune, MONDAY + datetime.timedelta(days=2))
    full = make_session(org.other_commune, MONDAY + datetime.timedelta(days=3), capacity=1)
    make_session(org.commune, MONDAY - datetime.timedelta(days=7))  # past
    services.booking_create(
        session_id=full.pk, full_name="A", phone="0912345678", id_number="001085099999", summary="S"
    )
    with django_assert_max_num_queries(6):
        response = client.get(reverse("reception:calendar"))
    assert response.status_code == 200
    sessions = list(response.context["page"])
    assert sessions == [open_one, full]
    assert f'data-testid="book-{open_one.pk}"' in response.text
    assert f'data-testid="book-{full.pk}"' not in response.text


def test_public_calendar_filters_by_unit_and_ignores_unknown_units(client, org, now_monday):
    make_session(org.commune, MONDAY + datetime.timedelta(days=2))
    other = make_session(org.other_commune, MONDAY + datetime.timedelta(days=2))
    response = client.get(reverse("reception:calendar"), {"unit": org.other_commune.code})
    assert list(response.context["page"]) == [other]
    response = client.get(reverse("reception:calendar"), {"unit": "no-such-unit", "page": "abc"})
    assert response.status_code == 200


def test_booking_a_slot_shows_the_confirmation_code(client, session):
    response = client.post(reverse("reception:session_book", args=[session.pk]), BOOKING, follow=True)
    booking = Booking.objects.get()
    assert booking.confirmation_code in response.text
    assert booking.phone == "0912345678"
    assert "Bình" not in response.text  # the confirmation page shows no identity


@pytest.mark.parametrize(
    ("field", "value"),
    [("id_number", "12345"), ("id_number", "00108501234X"), ("phone", "12345"), ("people_count", "0")],
)
def test_bad_input_is_explained_and_nothing_typed_is_lost(client, session, field, value):
    data = {**BOOKING, field: value}
    response = client.post(reverse("reception:session_book", args=[session.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Booking.objects.exists()
    for name in ("full_name", "summary"):
        assert BOOKING[name] in response.text
    assert f'value="{value}"' in response.text


def test_a_full_session_says_so_keeps_the_input_and_offers_the_next_ones(client, org, session):
    session.capacity = 1
    session.save()
    services.booking_create(
        session_id=session.pk, full_name="A", phone="0912345678", id_number="001085099999", summary="S"
    )
    later = make_session(org.commune, session.date + datetime.timedelta(days=7))
    response = client.post(reverse("reception:session_book", args=[session.pk]), BOOKING)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["alternatives"] == [later]
    assert BOOKING["summary"] in response.text
    # The offered button posts the same data to the next session.
    assert reverse("reception:session_book", args=[later.pk]) in response.text
    response = client.post(reverse("reception:session_book", args=[later.pk]), BOOKING, follow=True)
    assert Booking.objects.get(id_number_digest__isnull=False, session=later).status == BookingStatus.PENDING


def test_a_past_session_cannot_be_booked_and_the_form_says_so(client, org, now_monday):
    past = make_session(org.commune, MONDAY - datetime.timedelta(days=1))
    response = client.post(reverse("reception:session_book", args=[past.pk]), BOOKING)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Booking.objects.exists()
    assert BOOKING["summary"] in response.text


def test_booking_lookup_and_cancel_by_code(client, session):
    booking = services.booking_create(session_id=session.pk, **{**BOOKING, "people_count": 1, "phone": "0912345678"})
    response = client.get(reverse("reception:booking_lookup"), {"code": booking.confirmation_code.lower()})
    assert response.context["booking"] == booking and response.context["can_cancel"]
    client.post(reverse("reception:booking_cancel"), {"code": booking.confirmation_code})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    response = client.get(reverse("reception:booking_lookup"), {"code": "NOPE-NOPE"})
    assert response.context["form"].errors["code"]


# --- Staff ------------------------------------------------------------------------------------


def test_staff_pages_need_a_reception_role(client, org, now_monday):
    assert client.get(reverse("reception:book")).status_code == 302  # to login
    _login(client, org.handler)
    assert client.get(reverse("reception:book")).status_code == 403


def test_detail_pages_outside_jurisdiction_are_404(client, org, session):
    visit = _visit(org)
    _login(client, org.outsider)
    assert client.get(reverse("reception:visit_detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("reception:session_detail", args=[session.pk])).status_code == 404


def test_bad_query_strings_get_a_message_not_a_crash(client, org, now_monday):
    _login(client, org.reception)
    bad = {"date_from": "2025-13-45", "date_to": "x", "unit": "abc", "page": "-1"}
    for name in ("reception:book", "reception:sessions"):
        response = client.get(reverse(name), bad)
        assert response.status_code == 200
        assert response.context["form"].errors["date_from"]
    response = client.get(reverse("reception:book_print"), bad)
    assert response.status_code == 302 and response.url.startswith(reverse("reception:book"))
    response = client.get(reverse("reception:book"), {"date_from": "2025-10-09", "date_to": "2025-10-01"})
    assert response.context["form"].non_field_errors()
    assert client.get(reverse("reception:quotas"), {"month": "2025-99"}).status_code == 200
    response = client.get(reverse("reception:book_export", args=["csv"]), {"date_from": "yesterday"})
    assert response.status_code == 302 and response.url.startswith(reverse("reception:book"))
    assert "Một số điều kiện lọc" in client.get(response.url).text
    assert client.get(reverse("reception:book_export", args=["pdf"])).status_code == 404


def test_session_detail_lists_bookings_and_staff_confirm_with_a_message(
    client, org, session, django_assert_max_num_queries
):
    for n in range(3):
        services.booking_create(
            session_id=session.pk, full_name=f"Người {n}", phone="0912345678", id_number=f"00108501234{n}", summary="S"
        )
    _login(client, org.reception)
    url = reverse("reception:session_detail", args=[session.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200 and "Người 2" in response.text
    booking = Booking.objects.first()
    client.post(
        reverse("reception:booking_action", args=[booking.pk, "confirm"]),
        {f"confirm-{booking.pk}-message": "Mời đến đúng giờ"},
    )
    booking.refresh_from_db()
    assert (booking.status, booking.staff_message) == (BookingStatus.CONFIRMED, "Mời đến đúng giờ")


def test_decline_without_a_message_rerenders_with_the_error(client, org, session):
    booking = services.booking_create(
        session_id=session.pk, full_name="A", phone="0912345678", id_number="001085012345", summary="S"
    )
    _login(client, org.reception)
    response = client.post(reverse("reception:booking_action", args=[booking.pk, "decline"]), {})
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    assert response.context["bookings"][0].action_forms["decline"].errors


def test_reception_book_list_is_paginated_with_bounded_queries(client, org, now_monday, django_assert_max_num_queries):
    for _ in range(30):
        _visit(org)
    _login(client, org.reception)
    client.get(reverse("reception:book"))
    # Session, user, jurisdiction (2), notifications, savepoints: the rest does not grow with the rows.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reception:book"), {"unit": org.commune.pk, "date_from": "2025-10-01"})
    assert response.status_code == 200
    assert len(response.context["page"]) == 25


def test_visit_form_from_a_booking_is_prefilled(client, org, session):
    booking = services.booking_create(
        session_id=session.pk, full_name="Trần Thị Bình", phone="0912345678", id_number="001085012345", summary="Sổ đỏ"
    )
    _login(client, org.reception)
    with time_machine.travel(at(session.date, 9, 10), tick=False):
        response = client.get(reverse("reception:visit_create"), {"booking": booking.pk})
        assert response.status_code == 200
        form = response.context["form"]
        assert form.initial["full_name"] == "Trần Thị Bình" and form.initial["session"] == session.pk
        data = {
            "unit": org.commune.pk,
            "session": session.pk,
            "booking": booking.pk,
            "visited_on": session.date.isoformat(),
            "full_name": "Trần Thị Bình",
            "id_number": "001085012345",
            "phone": "0912345678",
            "content": "Sổ đỏ",
            "people_count": "1",
        }
        response = client.post(reverse("reception:visit_create"), data)
    visit = Visit.objects.get()
    assert response.status_code == 302 and visit.booking == booking
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED


def test_visit_form_rejects_too_many_representatives_and_keeps_the_input(client, org, now_monday):
    _login(client, org.reception)
    data = {
        "unit": org.commune.pk,
        "visited_on": MONDAY.isoformat(),
        "full_name": "Nhóm hộ dân tổ 5",
        "content": "Phản ánh ô nhiễm tiếng ồn",
        "people_count": "8",
        "representatives": "Nguyễn Văn A\nNguyễn Văn B, 001085012345\nNguyễn Văn C",
    }
    response = client.post(reverse("reception:visit_create"), data)
    assert response.status_code == 200
    assert "2" in str(response.context["form"].errors["representatives"])
    assert not Visit.objects.exists()
    assert "Nguyễn Văn B, 001085012345" in response.text and "Phản ánh ô nhiễm tiếng ồn" in response.text


def test_visit_form_rejects_a_bad_representative_id(client, org, now_monday):
    _login(client, org.reception)
    data = {
        "unit": org.commune.pk,
        "visited_on": MONDAY.isoformat(),
        "full_name": "X",
        "content": "Y",
        "people_count": "6",
        "representatives": "Nguyễn Văn A, 12345",
    }
    response = client.post(reverse("reception:visit_create"), data)
    assert response.context["form"].errors["representatives"]


def test_register_petition_from_the_visit_page(client, org, now_monday):
    visit = _visit(org)
    _login(client, org.reception)
    response = client.post(
        reverse("reception:visit_outcome", args=[visit.pk, "petition"]),
        {"petition-kind": Kind.COMPLAINT, "petition-title": "Khiếu nại thu hồi đất"},
        follow=True,
    )
    visit.refresh_from_db()
    assert visit.outcome == Outcome.PETITION_REGISTERED
    assert visit.petition.tracking_code in response.text


def test_refusal_without_reason_is_refused_and_with_reason_gives_a_notice(client, org, now_monday):
    visit = _visit(org)
    _login(client, org.reception)
    url = reverse("reception:visit_outcome", args=[visit.pk, "refuse"])
    response = client.post(url, {"refuse-detail": "Say rượu"})
    assert response.status_code == 200 and response.context["forms"]["refuse"].errors["reason"]
    assert "Say rượu" in response.text
    response = client.post(url, {"refuse-reason": RefusalReason.INCAPACITATED, "refuse-detail": "Say rượu"})
    assert response.url == reverse("reception:refusal_notice", args=[visit.pk])
    notice = client.get(response.url)
    assert notice.status_code == 200 and "Lê Văn Cường" in notice.text and "khoản 1 Điều 9" in notice.text


def test_refusal_notice_only_for_refused_visits(client, org, now_monday):
    visit = _visit(org)
    _login(client, org.reception)
    assert client.get(reverse("reception:refusal_notice", args=[visit.pk])).status_code == 404


def test_inspectors_read_but_do_not_write(client, org, now_monday):
    visit = _visit(org)
    _login(client, org.inspector)
    response = client.get(reverse("reception:visit_detail", args=[visit.pk]))
    assert response.status_code == 200 and not response.context["forms"]
    client.post(reverse("reception:visit_outcome", args=[visit.pk, "guide"]), {"guide-guidance": "x"})
    visit.refresh_from_db()
    assert visit.outcome == Outcome.PENDING


def test_exports_mask_denouncers_and_neutralise_formulas(client, org, now_monday):
    _visit(org, notes='=HYPERLINK("http://x")')
    services.visit_record(
        unit=org.commune,
        recorded_by=org.reception,
        visitor=VisitorData(full_name="Người tố cáo", id_number="001099999999"),
        content="Tố cáo cán bộ địa chính",
        petition_kind=Kind.DENUNCIATION,
    )
    _login(client, org.reception)
    response = client.get(reverse("reception:book_export", args=["csv"]), {"unit": org.commune.pk})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert "Người tố cáo" not in response.content.decode() and "001099999999" not in response.content.decode()
    assert rows[1][11].startswith("'=")
    response = client.get(reverse("reception:book_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][2] == "Lê Văn Cường" and "Người tố cáo" not in str(values)
    printed = client.get(reverse("reception:book_print"))
    assert printed.status_code == 200 and "Người tố cáo" not in printed.text and "Lê Văn Cường" in printed.text


def test_citizen_lookup_by_id_number(client, org, now_monday):
    visit = _visit(org)
    _login(client, org.reception)
    response = client.post(reverse("reception:citizen_lookup"), {"id_number": "001085012345"})
    assert response.context["returning"].visits == [visit]
    response = client.post(reverse("reception:citizen_lookup"), {"id_number": "123"})
    assert response.context["form"].errors["id_number"]


def test_head_records_the_conclusion_through_the_form(client, org, now_monday):
    session = make_session(org.commune, MONDAY, start=(7, 30))
    services.session_record_holder(session=session, actor=org.reception, held_by=org.head)
    visit = _visit(org, session=session)
    _login(client, org.head)
    url = reverse("reception:conclusion", args=[visit.pk])
    response = client.post(url, {"direction": "accept"})
    assert response.status_code == 200 and response.context["form"].errors["text"]
    client.post(url, {"direction": "accept", "text": "Giao phòng Tài nguyên xem xét"})
    assert visit.conclusion.text == "Giao phòng Tài nguyên xem xét"


def test_quota_dashboard_highlights_shortfall(client, org, frequencies, now_monday, django_assert_max_num_queries):
    _login(client, org.head)
    client.get(reverse("reception:quotas"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reception:quotas"), {"month": "2025-10"})
    row = next(q for q in response.context["rows"] if q.unit == org.commune)
    assert (row.required, row.shortfall) == (2, 2)
    assert "table-danger" in response.text


def test_visit_detail_with_returning_citizen_has_bounded_queries(
    client, org, now_monday, django_assert_max_num_queries
):
    for _ in range(5):
        _visit(org)
    visit = _visit(org, people_count=6, representatives=[services.RepresentativeData(full_name="Đại diện")])
    _login(client, org.reception)
    client.get(reverse("reception:visit_detail", args=[visit.pk]))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("reception:visit_detail", args=[visit.pk]))
    assert response.status_code == 200
    assert len(response.context["returning"].visits) == 5


def test_public_booking_is_rate_limited(client, session, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": "2/h"}
    url = reverse("reception:session_book", args=[session.pk])
    assert client.post(url, {**BOOKING, "id_number": "12"}).status_code == 200
    assert client.post(url, {**BOOKING, "id_number": "12"}).status_code == 200
    assert client.post(url, BOOKING).status_code == 429
    assert not Booking.objects.exists()


def test_the_confirmation_page_without_a_booking_goes_to_the_lookup(client, db):
    response = client.get(reverse("reception:booked"))
    assert response.url == reverse("reception:booking_lookup")


def test_ad_hoc_session_form_explains_bad_input_and_creates_the_session(client, org, now_monday):
    _login(client, org.head)
    url = reverse("reception:session_create")
    data = {
        "unit": org.commune.pk,
        "date": "2025-10-01",
        "start_time": "14:00",
        "end_time": "13:00",
        "place": "Hội trường UBND phường",
        "capacity": "30",
        "reason": "Nhiều hộ dân cùng phản ánh về dự án mở rộng đường",
    }
    response = client.get(url)
    assert response.status_code == 200
    response = client.post(url, data)
    errors = response.context["form"].errors
    assert "date" in errors and "end_time" in errors
    assert "Nhiều hộ dân cùng phản ánh" in response.text
    response = client.post(url, {**data, "date": "2025-10-09", "end_time": "16:00"})
    session = org.commune.reception_sessions.get()
    assert response.url == reverse("reception:session_detail", args=[session.pk])
    assert (session.kind, session.capacity) == ("ad_hoc", 30)


def test_citizen_lookup_refreshes_in_place_with_htmx(client, org, now_monday):
    visit = _visit(org)
    _login(client, org.reception)
    page = client.get(reverse("reception:citizen_lookup")).content.decode()
    assert 'hx-post="' + reverse("reception:citizen_lookup") + '"' in page
    response = client.post(reverse("reception:citizen_lookup"), {"id_number": "001085012345"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="citizen-lookup"' in html
    assert response.context["returning"].visits == [visit]

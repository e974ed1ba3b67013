"""A protected visitor (a denouncer, or one who asked) appears nowhere but in the audited reveal.

Issue 8, point 10; Law on Denunciations 2018 Art. 47, Decree 31/2019.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import services as core_services
from core.models import Role
from petitions.models import Kind
from reception import selectors, services
from reception.models import Visit, VisitIdentityReveal
from reception.services import RepresentativeData, VisitorData
from tests.factories import make_staff

from .conftest import MONDAY, make_session

NAME, ID_NUMBER, PHONE, ADDRESS = "Quách Tố Nhân", "001099887766", "0911222333", "45 Hàng Bài"
MARK = "Được bảo mật"


def _protected(org, **kwargs):
    kwargs.setdefault("petition_kind", Kind.DENUNCIATION)
    return services.visit_record(
        unit=org.commune,
        recorded_by=kwargs.pop("recorded_by", org.reception),
        visitor=VisitorData(full_name=NAME, id_number=ID_NUMBER, phone=PHONE, address=ADDRESS),
        content="Phản ánh sai phạm của cán bộ địa chính",
        **kwargs,
    )


def _leaks(text: str) -> list[str]:
    """Any part of the identity, including the masked forms a list used to show (initials, last digits)."""
    pieces = [NAME, ID_NUMBER, PHONE, ADDRESS, "Quách", "7766", "***", "Đỗ Đại Diện", "001077665544", "5544"]
    return [p for p in pieces if p in text]


def test_a_denunciation_or_a_request_protects_the_visit_and_protection_survives_a_change_of_kind(org, now_monday):
    denunciation = _protected(org)
    asked = _protected(org, petition_kind=Kind.RECOMMENDATION, confidential=True)
    plain = _protected(org, petition_kind=Kind.RECOMMENDATION)
    assert denunciation.identity_protected and asked.identity_protected and not plain.identity_protected

    # Registered as a complaint after all: the denouncer's protection stays.
    services.visit_register_petition(visit=denunciation, actor=org.reception, kind=Kind.COMPLAINT, title="Khiếu nại")
    denunciation = Visit.objects.select_related("petition").get(pk=denunciation.pk)
    assert denunciation.petition_kind == Kind.COMPLAINT
    assert denunciation.is_protected
    # The petition registered from a protected visit is protected too.
    assert denunciation.petition.identity_protected
    # Registered as a denunciation: protected from then on.
    services.visit_register_petition(visit=plain, actor=org.reception, kind=Kind.DENUNCIATION, title="Tố cáo")
    plain.refresh_from_db()
    assert plain.identity_protected


@pytest.mark.parametrize("who", ["reception", "head", "city_head", "inspector"])
def test_the_book_page_print_and_exports_carry_none_of_the_identity(client, org, now_monday, who):
    _protected(
        org,
        people_count=6,
        representatives=[RepresentativeData(full_name="Đỗ Đại Diện", id_number="001077665544")],
    )
    _protected(org, petition_kind=Kind.REFLECTION, confidential=True)
    client.force_login(getattr(org, who))
    for url in (
        reverse("reception:book"),
        reverse("reception:book_print"),
        reverse("reception:book_export", args=["csv"]),
    ):
        text = client.get(url).content.decode("utf-8-sig")
        assert not _leaks(text), url
        assert MARK in text, url
    rows = list(csv.reader(io.StringIO(client.get(reverse("reception:book_export", args=["csv"])).content.decode())))
    assert [r[2:5] for r in rows[1:]] == [[MARK, MARK, MARK]] * 2
    sheet = load_workbook(io.BytesIO(client.get(reverse("reception:book_export", args=["xlsx"])).content)).active
    cells = str([[c.value for c in row] for row in sheet.iter_rows()])
    assert not _leaks(cells) and MARK in cells
    detail = client.get(reverse("reception:visit_detail", args=[Visit.objects.first().pk])).content.decode()
    assert not _leaks(detail) and MARK in detail


def test_search_by_id_number_never_finds_a_protected_visit(client, org, now_monday):
    _protected(org)
    _protected(org, petition_kind=Kind.COMPLAINT, confidential=True)
    for user in (org.reception, org.head, org.city_head):
        assert selectors.returning_citizen(user, ID_NUMBER).visits == []
    client.force_login(org.head)
    response = client.post(reverse("reception:citizen_lookup"), {"id_number": ID_NUMBER})
    assert response.context["returning"].visits == []


def test_the_session_page_hides_the_booking_of_a_protected_visitor(client, org, now_monday):
    session = make_session(org.commune, MONDAY, start=(9, 0))
    booking = services.booking_create(
        session_id=session.pk, full_name=NAME, phone=PHONE, id_number=ID_NUMBER, summary="Việc cần trình bày"
    )
    _protected(org, booking=booking)
    client.force_login(org.reception)
    text = client.get(reverse("reception:session_detail", args=[session.pk])).content.decode()
    assert not _leaks(text) and MARK in text


def test_only_the_current_head_and_the_officer_who_logged_it_may_reveal(org, now_monday):
    visit = _protected(org)
    other_officer = make_staff(org.commune, Role.RECEPTION)
    admin = make_staff(org.commune, Role.ADMIN)
    assert services.may_reveal_visit_identity(user=org.head, visit=visit)
    assert services.may_reveal_visit_identity(user=org.reception, visit=visit)
    for user in (other_officer, admin, org.city_head, org.inspector, org.outsider, org.handler):
        assert not services.may_reveal_visit_identity(user=user, visit=visit)
        with pytest.raises(services.ReceptionError):
            services.visit_identity_reveal(visit=visit, actor=user, reason="Cần liên hệ")
    # A new head takes office: the former head's powers end with the term.
    new_head = make_staff(org.commune, Role.HANDLER)
    core_services.unit_head_assign(unit=org.commune, user=new_head, started_on=MONDAY - datetime.timedelta(days=1))
    assert not services.may_reveal_visit_identity(user=org.head, visit=visit)
    assert services.may_reveal_visit_identity(user=new_head, visit=visit)
    assert not VisitIdentityReveal.objects.exists()


def test_the_reveal_needs_a_reason_and_is_logged_append_only(client, org, now_monday):
    visit = _protected(org)
    with pytest.raises(services.ReceptionError, match="lý do"):
        services.visit_identity_reveal(visit=visit, actor=org.head, reason="  ")
    client.force_login(org.head)
    page = client.get(reverse("reception:visit_detail", args=[visit.pk]))
    assert NAME not in page.text and page.context["reveal_form"] is not None
    response = client.post(reverse("reception:visit_reveal", args=[visit.pk]), {"reason": ""})
    assert response.status_code == 400 and NAME not in response.text
    response = client.post(reverse("reception:visit_reveal", args=[visit.pk]), {"reason": "Mời đối thoại"})
    assert response.status_code == 200
    assert NAME in response.text and ID_NUMBER in response.text and ADDRESS in response.text
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    log = VisitIdentityReveal.objects.get()
    assert (log.visit, log.user, log.reason) == (visit, org.head, "Mời đối thoại")
    # Shown once: the next page view is masked again, and lists the access.
    page = client.get(reverse("reception:visit_detail", args=[visit.pk]))
    assert NAME not in page.text and "Mời đối thoại" in page.text
    # Someone else cannot reveal, even by posting directly.
    client.force_login(org.city_head)
    response = client.post(reverse("reception:visit_reveal", args=[visit.pk]), {"reason": "Xem"})
    assert response.status_code == 403 and NAME not in response.text
    assert VisitIdentityReveal.objects.count() == 1


def test_the_book_page_keeps_a_fixed_number_of_queries(client, org, now_monday, django_assert_max_num_queries):
    for _i in range(5):
        _protected(org)
        _protected(org, petition_kind=Kind.RECOMMENDATION)
    client.force_login(org.reception)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reception:book")).status_code == 200

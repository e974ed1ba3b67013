"""Dates are dd/mm/yyyy everywhere, the admin included; what cannot be read is refused (issue 8, point 13)."""

import datetime

import pytest
from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, translation

from reception.forms import PeriodFilterForm, VisitForm
from reception.models import ReceptionSession
from tests.factories import UserFactory

DEC_1 = datetime.date(2026, 12, 1)


@pytest.mark.parametrize("language", ["vi", "en", "en-us"])
def test_day_first_is_read_as_day_first_in_every_language(language):
    with translation.override(language):
        field = forms.DateField()
        assert field.clean("01/12/2026") == DEC_1
        assert field.clean("1/12/2026") == DEC_1
        assert field.clean("2026-12-01") == DEC_1  # ISO is unambiguous
        assert forms.DateTimeField().clean("01/12/2026 08:30").date() == DEC_1


@pytest.mark.parametrize("typed", ["12/31/2026", "31/02/2026", "01/12/26", "1 Dec 2026", "2026/12/01", "01.12.2026"])
def test_what_cannot_be_read_is_refused_with_a_vietnamese_message(typed):
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        forms.DateField().clean(typed)
    assert "dd/mm/yyyy" in error.value.messages[0]
    assert "Ngày" in error.value.messages[0]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_shown_day_first(language):
    with translation.override(language):
        assert formats.date_format(DEC_1) == "01/12/2026"
        assert formats.date_format(DEC_1, "SHORT_DATE_FORMAT") == "01/12/2026"
        assert AdminDateWidget().format_value(DEC_1) == "01/12/2026"
        assert AdminSplitDateTime().widgets[0].format_value(DEC_1) == "01/12/2026"


def test_the_admin_reads_01_12_2026_as_the_first_of_december(client, org):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = {
        "unit": org.commune.pk,
        "date": "01/12/2026",
        "start_time": "08:00",
        "end_time": "11:00",
        "place": "Trụ sở",
        "kind": "regular",
        "capacity": 10,
    }
    response = client.post(reverse("admin:reception_receptionsession_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session = ReceptionSession.objects.get()
    assert session.date == DEC_1
    page = client.get(reverse("admin:reception_receptionsession_change", args=[session.pk])).content.decode()
    assert 'value="01/12/2026"' in page


def test_the_admin_refuses_a_month_first_date(client, org):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = {
        "unit": org.commune.pk,
        "date": "12/31/2026",
        "start_time": "08:00",
        "end_time": "11:00",
        "place": "Trụ sở",
        "kind": "regular",
        "capacity": 10,
    }
    response = client.post(reverse("admin:reception_receptionsession_add"), data)
    assert response.status_code == 200
    assert "dd/mm/yyyy" in response.content.decode()
    assert not ReceptionSession.objects.exists()


def test_reception_forms_take_and_show_day_first_dates(org):
    form = PeriodFilterForm({"date_from": "01/12/2026", "date_to": "31/12/2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_from"] == DEC_1
    assert PeriodFilterForm({"date_from": "12/31/2026"}).errors["date_from"]
    rendered = str(VisitForm(initial={"visited_on": DEC_1})["visited_on"])
    assert 'value="01/12/2026"' in rendered
    assert 'type="date"' not in rendered  # a browser picker would show the browser's own order

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import date_input
from core.models import Unit, User
from core.validators import (
    CITIZEN_ID_RE,
    DESTINATION_MESSAGE,
    destination_given_once,
    normalize_digits,
    validate_citizen_id,
    validate_phone,
)
from petitions.models import Kind

from .models import Direction, RefusalReason
from .rules import representatives_error
from .services import RepresentativeData, VisitorData

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = date_input()
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


_clean_phone = normalize_digits


class BookingForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=16, validators=[validate_phone])
    id_number = forms.CharField(
        label=_("Citizen ID number"), max_length=12, validators=[validate_citizen_id], help_text=_("12 digits")
    )
    summary = forms.CharField(
        label=_("Short summary of your matter"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    people_count = forms.IntegerField(
        label=_("Number of people coming"),
        min_value=1,
        max_value=200,
        initial=1,
        help_text=_("Groups of 5 or more people choose representatives to speak for them."),
    )

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip()


class BookingLookupForm(forms.Form):
    code = forms.CharField(label=_("Confirmation code"), max_length=12)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class UnitFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.all(), required=False, empty_label=_("All units"), to_field_name="code"
    )


class PeriodFilterForm(forms.Form):
    """Unit and period filters of staff lists. Bad dates are form errors, never a crash."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All"))
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("The start of the period is after its end."))
        return data

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class AdHocSessionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME)
    end_time = forms.TimeField(label=_("End time"), widget=TIME)
    place = forms.CharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=1000, initial=20)
    reason = forms.CharField(
        label=_("Reason"),
        widget=TEXTAREA,
        max_length=4000,
        help_text=_("E.g. a prominent, complex or prolonged case, many people, or a threat to public order."),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value < timezone.localdate():
            raise ValidationError(_("The date is in the past."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("The session must end after it starts."))
        return data


class HolderForm(forms.Form):
    held_by = forms.ModelChoiceField(
        label=_("Who received citizens"),
        queryset=User.objects.none(),
        help_text=_("Only a session held by the head in person counts toward the head's quota."),
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["held_by"].queryset = staff


class SessionCancelForm(forms.Form):
    message = forms.CharField(label=_("Message to the citizens who booked"), widget=TEXTAREA, max_length=2000)


class BookingMessageForm(forms.Form):
    message = forms.CharField(label=_("Message to the citizen"), widget=TEXTAREA, max_length=2000, required=False)

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].required = required


class BookingMoveForm(BookingMessageForm):
    to_session = forms.ModelChoiceField(label=_("Move to session"), queryset=None, empty_label=_("— choose —"))
    field_order = ["to_session", "message"]

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, required=True, **kwargs)
        self.fields["to_session"].queryset = sessions
        self.fields["to_session"].label_from_instance = lambda s: (
            f"{s.date:%d/%m/%Y} {s.start_time:%H:%M} – {s.place} ({s.capacity - s.booked}/{s.capacity})"
        )


def parse_representatives(text: str) -> list[RepresentativeData]:
    """One representative per line: "Full name" or "Full name, 12-digit ID number"."""
    result = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, _sep, id_number = line.rpartition(",")
        if not _sep or not CITIZEN_ID_RE.match(id_number.strip()):
            if _sep and any(c.isdigit() for c in id_number):
                raise ValidationError(
                    _("Line %(n)d: the citizen ID number must have exactly 12 digits.") % {"n": number}
                )
            name, id_number = line, ""
        result.append(RepresentativeData(full_name=name.strip(), id_number=id_number.strip()))
    return result


class VisitForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    session = forms.ModelChoiceField(
        label=_("Reception session"), queryset=None, required=False, empty_label=_("— walk-in, no session —")
    )
    booking = forms.IntegerField(widget=forms.HiddenInput, required=False)
    visited_on = forms.DateField(label=_("Date"), widget=DATE)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    id_number = forms.CharField(
        label=_("Citizen ID number"), max_length=12, required=False, validators=[validate_citizen_id]
    )
    phone = forms.CharField(label=_("Phone"), max_length=16, required=False, validators=[validate_phone])
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    content = forms.CharField(
        label=_("Content of the matter"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    petition_kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("— not classified yet —")), *Kind.choices], required=False
    )
    confidential = forms.BooleanField(
        label=_("The visitor asks for their identity to be kept confidential"),
        required=False,
        help_text=_(
            "A denunciation is always confidential. The name, ID number, phone and address are then shown "
            "only through a recorded reveal by the head or the officer handling the visit."
        ),
    )
    people_count = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=10000, initial=1)
    representatives = forms.CharField(
        label=_("Representatives of the group"),
        widget=TEXTAREA,
        required=False,
        max_length=2000,
        help_text=_(
            "One per line: full name, optionally followed by a comma and the 12-digit ID number. "
            "Groups of 5–10 people choose 1–2 representatives; more than 10 people up to 5."
        ),
    )
    previously_handled_by = forms.CharField(label=_("Body that already handled it"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), widget=TEXTAREA, required=False, max_length=5000)

    def __init__(self, *args, units=None, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.unit} – {s.date:%d/%m/%Y} {s.start_time:%H:%M} ({s.place})"
        )
        self.fields["visited_on"].initial = timezone.localdate()

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])

    def clean_visited_on(self):
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise ValidationError(_("A visit cannot be dated in the future."))
        if value < timezone.localdate() - datetime.timedelta(days=366):
            raise ValidationError(_("This date is more than a year ago."))
        return value

    def clean_representatives(self):
        return parse_representatives(self.cleaned_data["representatives"])

    def clean(self):
        data = super().clean()
        if "people_count" in data and "representatives" in data:
            error = representatives_error(data["people_count"], len(data["representatives"]))
            if error:
                self.add_error("representatives", error)
        session, unit = data.get("session"), data.get("unit")
        if session and unit and session.unit_id != unit.pk:
            self.add_error("session", _("This session belongs to another unit."))
        return data

    def visitor(self) -> VisitorData:
        data = self.cleaned_data
        return VisitorData(
            full_name=data["full_name"], id_number=data["id_number"], phone=data["phone"], address=data["address"]
        )


class GuideForm(forms.Form):
    guidance = forms.CharField(label=_("Guidance given"), widget=TEXTAREA, max_length=5000)


class ForwardForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("To a unit of the portal"), queryset=Unit.objects.none(), required=False)
    to_body = forms.CharField(label=_("Or to an outside body"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), widget=TEXTAREA, required=False, max_length=5000)

    def __init__(self, *args, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if visit is not None:
            self.fields["to_unit"].queryset = Unit.objects.exclude(pk=visit.unit_id)

    def clean(self):
        data = super().clean()
        if not destination_given_once(data.get("to_unit"), data.get("to_body")):
            raise ValidationError(DESTINATION_MESSAGE)
        return data


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Legal reason (Law on Citizen Reception, Art. 9)"),
        choices=RefusalReason.choices,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(label=_("What happened"), widget=TEXTAREA, required=False, max_length=5000)


class RegisterPetitionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of petition"), choices=Kind.choices)
    title = forms.CharField(label=_("Subject"), max_length=200)


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(label=_("Follow-up result"), widget=TEXTAREA, required=False, max_length=5000)
    notes = forms.CharField(label=_("Notes"), widget=TEXTAREA, required=False, max_length=5000)


class ConclusionForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)


class VisitRevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see the identity?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Recorded with your name and the time, for the inspectors."),
    )


class WrittenAnswerForm(forms.Form):
    reference = forms.CharField(
        label=_("Document number"), max_length=60, required=False, help_text=_("E.g. 125/TB-UBND")
    )
    answered_on = forms.DateField(label=_("Date of the answer"), widget=DATE)
    text = forms.CharField(
        label=_("Text of the answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_(
            "Accepted and to be handled, forwarded to the competent body, or guidance given, with the reasons."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answered_on"].initial = timezone.localdate()

    def clean_answered_on(self):
        value = self.cleaned_data["answered_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The answer cannot be dated in the future."))
        return value


class CitizenLookupForm(forms.Form):
    id_number = forms.CharField(label=_("Citizen ID number"), max_length=12, validators=[validate_citizen_id])


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%m/%Y", "%Y-%m"],
        widget=forms.DateInput(attrs={"placeholder": _("mm/yyyy"), "inputmode": "numeric"}, format="%m/%Y"),
        error_messages={"invalid": _("Enter the month as mm/yyyy, e.g. 12/2026.")},
    )

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import date_input
from core.models import Unit, User
from petitions.models import HISTORY_ACTIONS

from .models import FindingKind, ReportJob
from .periods import PeriodError, parse_period, period_choices

DATE = date_input()


class PeriodField(forms.CharField):
    """`2026-11 | 2026-Q1 | 2026-H1 | 2026-9M | 2026 | 2026-01-05..2026-02-20`, read into a Period."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Period"))
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "help_text", _("A month (2026-11), 2026-Q1, 2026-H1 (six months), 2026-9M, a year (2026) or a..b dates.")
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "period-choices", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_period(value)
        except PeriodError as exc:
            raise ValidationError(str(exc)) from None


class ScopeForm(forms.Form):
    """Which unit and period a scorecard, comparison, chart or report is about."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), to_field_name="code")
    period = PeriodField()

    def __init__(self, data=None, *, units, default_unit=None, **kwargs):
        today = timezone.localdate()
        data = data.copy() if data is not None else {}
        if not data.get("unit") and default_unit is not None:
            data["unit"] = default_unit.code
        if not data.get("period"):
            data["period"] = f"{today.year}-{today.month:02d}"
        super().__init__(data, **kwargs)
        self.fields["unit"].queryset = units
        self.period_choices = period_choices(today)


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("inspection finding", "Kind"), choices=FindingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    responsibility = forms.CharField(
        label=_("Responsibility concluded"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )
    remedy_required = forms.CharField(
        label=_("Remedy required"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )
    remedy_due = forms.DateField(label=_("Remedy due"), widget=DATE)

    def __init__(self, *args, default_due=None, **kwargs):
        super().__init__(*args, **kwargs)
        if default_due is not None:
            self.fields["remedy_due"].initial = default_due

    def clean_remedy_due(self):
        value = self.cleaned_data["remedy_due"]
        if value <= timezone.localdate():
            raise ValidationError(_("The remedy's deadline must be after today."))
        return value


class RemedyForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000, strip=True
    )


class ReportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ReportJob.Format.choices)


class QueueForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, to_field_name="code")
    level = forms.TypedChoiceField(
        label=_("At least"),
        coerce=int,
        required=False,
        choices=[(2, _("Overdue")), (3, _("Long overdue"))],
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AuditForm(forms.Form):
    what = forms.ChoiceField(
        label=_("Records"),
        required=False,
        choices=[
            ("history", _("Actions on petitions")),
            ("reveals", _("Identity reveals")),
            ("visit_reveals", _("Visitor identity reveals (reception book)")),
        ],
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, to_field_name="code")
    actor = forms.ModelChoiceField(label=_("By"), queryset=User.objects.none(), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", "—"), *HISTORY_ACTIONS])
    code = forms.CharField(label=_("Tracking code"), required=False, max_length=20)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, units, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["actor"].queryset = actors

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("The start of the period is after its end."))
        return data

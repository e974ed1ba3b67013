import re

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Unit, User
from core.selectors import STAFF_WRITE_ROLES, jurisdiction_for
from petitions.models import Petition

from . import policy
from .models import Minutes, RiskLevel
from .workflow import DialogueStatus, HotspotStatus

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CODE_RE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}")


def staff_for_unit(unit: Unit):
    """Staff who may act on the unit: members of the unit or of one of its ancestors, in a write role."""
    ancestor_ids = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    return (
        User.objects.filter(
            memberships__unit_id__in=ancestor_ids, memberships__role__in=STAFF_WRITE_ROLES, is_active=True
        )
        .distinct()
        .order_by("full_name", "username")
    )


def organiser_units(user: User):
    jurisdiction = jurisdiction_for(user)
    ids = set().union(*(jurisdiction.by_role.get(role, frozenset()) for role in policy.ORGANISERS))
    return Unit.objects.filter(pk__in=ids).order_by("path")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ScheduleForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    petition_codes = forms.CharField(
        label=_("Petitions (tracking codes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("One or more tracking codes, separated by commas or new lines."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    scheduled_at = forms.DateTimeField(label=_("Time"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    what_to_bring = forms.CharField(
        label=_("What to bring"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    chair = StaffChoiceField(label=_("Chair"), queryset=User.objects.none())
    delegate_reason = forms.CharField(
        label=_("Reason for delegating"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Required when the head of the unit does not chair in person."),
    )
    other_participants = forms.CharField(
        label=_("Handling body and related parties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("One per line: name and role."),
    )

    def __init__(self, *args, user: User, hotspot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.hotspot = hotspot
        units = organiser_units(user)
        self.fields["unit"].queryset = units
        if len(units) == 1:
            self.fields["unit"].initial = units[0]
        staff_ids = set()
        for unit in units:
            staff_ids |= set(staff_for_unit(unit).values_list("pk", flat=True))
        self.fields["chair"].queryset = User.objects.filter(pk__in=staff_ids).order_by("full_name", "username")

    def clean_petition_codes(self):
        codes = sorted(set(CODE_RE.findall((self.cleaned_data.get("petition_codes") or "").upper())))
        if not codes:
            return []
        visible = jurisdiction_for(self.user).unit_ids
        petitions = list(Petition.objects.filter(tracking_code__in=codes, unit_id__in=visible).select_related("unit"))
        missing = set(codes) - {p.tracking_code for p in petitions}
        if missing:
            raise forms.ValidationError(
                _("No petition of your units has this code: %(codes)s") % {"codes": ", ".join(sorted(missing))}
            )
        return petitions

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("online_link") and not self.has_error("online_link"):
            self.add_error("place", _("Give a place or an online link."))
        if "petition_codes" in data and not data["petition_codes"] and self.hotspot is None:
            self.add_error("petition_codes", _("Give at least one tracking code."))
        return data


class RescheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(label=_("New time"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Minutes
        fields = ["attendees", "citizen_statements", "authority_statements", "agreed", "disputed"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the model's text fields are unbounded; a form is not
            field.max_length = 20000
            field.widget.attrs["maxlength"] = "20000"
            field.validators.append(MaxLengthValidator(20000))


class FollowUpForm(forms.Form):
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    owner = StaffChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DATE_WIDGET)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_for_unit(unit)

    def clean_due_date(self):
        value = self.cleaned_data["due_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return value


class DoneForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class RequirementForm(forms.Form):
    difference = forms.CharField(
        label=_("How the verification result differs from the demand"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class _JurisdictionFilterForm(forms.Form):
    """A list's filters: a unit of the user's jurisdiction (with its subtree) and a status; subclasses
    declare `status` with their choices and narrow further in `filter_more`."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=jurisdiction_for(user).unit_ids)

    def filter(self, queryset):
        if not self.is_bound or not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["unit"]:
            queryset = queryset.filter(unit__path__startswith=data["unit"].path)
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        return self.filter_more(queryset, data)

    def filter_more(self, queryset, data):
        return queryset


class DialogueFilterForm(_JurisdictionFilterForm):
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *DialogueStatus.choices], required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def filter_more(self, queryset, data):
        if data["date_from"]:
            queryset = queryset.filter(scheduled_at__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(scheduled_at__date__lte=data["date_to"])
        return queryset


class HotspotFilterForm(_JurisdictionFilterForm):
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *HotspotStatus.choices], required=False)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=[("", "—"), *RiskLevel.choices], required=False)

    def filter_more(self, queryset, data):
        if data["risk_level"]:
            queryset = queryset.filter(risk_level=data["risk_level"])
        return queryset


class ConfirmForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    owner = StaffChoiceField(label=_("Owner"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_for_unit(unit)


class FlagForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Matter"), max_length=200)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    owner = StaffChoiceField(label=_("Owner"), queryset=User.objects.none())

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        units = organiser_units(user)
        self.fields["unit"].queryset = units
        staff_ids = set()
        for unit in units:
            staff_ids |= set(staff_for_unit(unit).values_list("pk", flat=True))
        self.fields["owner"].queryset = User.objects.filter(pk__in=staff_ids).order_by("full_name", "username")

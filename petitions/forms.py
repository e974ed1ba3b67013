from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MultipleFileField, date_input
from core.models import Unit
from core.selectors import units_visible_to
from core.uploads import validate_upload, validate_uploads
from core.validators import (
    DESTINATION_MESSAGE,
    destination_given_once,
    normalize_digits,
    validate_citizen_id,
    validate_phone,
)

from .models import Channel, Kind, Obstacle, Petition, normalize_tracking_code
from .selectors import handler_choices, petitions_visible_to
from .services import PetitionerData
from .workflow import Action

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _no_browser_cut(form, *names):
    """Drop the HTML maxlength of these fields: a browser silently cuts pasted text at it, while the
    server's max_length answers with a message saying how long the text is."""
    for name in names:
        form.fields[name].widget.attrs.pop("maxlength", None)


# The four kinds in one line each (Law on Complaints Art. 2, Law on Denunciations Art. 2, Law on
# Reception of Citizens Art. 2), shown next to the choice.
KIND_HELP = {
    Kind.COMPLAINT: _("You ask a body to review its decision or action that harms your own rights."),
    Kind.DENUNCIATION: _(
        "You report a violation of the law by an official, body or person; your identity is protected."
    ),
    Kind.RECOMMENDATION: _("You propose how a policy, rule or public service could be improved."),
    Kind.REFLECTION: _("You tell a body about a situation or problem it should know about."),
}


class PetitionForm(forms.Form):
    """The public filing form; staff registration extends it."""

    kind = forms.ChoiceField(label=_("Kind of petition"), choices=Kind.choices)
    unit = forms.ModelChoiceField(label=_("Send to"), queryset=Unit.objects.all(), empty_label=_("— choose a unit —"))
    title = forms.CharField(label=_("Subject"), max_length=200, help_text=_("At most 200 characters."))
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    anonymous = forms.BooleanField(
        label=_("File anonymously (without name or contact details)"),
        required=False,
        help_text=_(
            "An anonymous denunciation is received as information, not handled as a denunciation: the unit "
            "examines it only if it is concrete enough (Law on Denunciations, Art. 25), and it cannot tell you "
            "the result. Give an e-mail address below if you want to follow it."
        ),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    id_number = forms.CharField(
        label=_("Citizen ID number"),
        max_length=30,
        required=False,
        help_text=_("12 digits, on your citizen identity card"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Optional: we send the receipt there and tell you of every step. It is never shown to anyone."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    people_count = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=10000, initial=1)
    decision_known_on = forms.DateField(
        label=_("For a complaint: the day you learned of the decision"),
        required=False,
        widget=date_input(),
        help_text=_("A complaint must be filed within 90 days of it (Law on Complaints, Art. 9)."),
    )
    confidential = forms.BooleanField(
        label=_("Keep my identity confidential"),
        required=False,
        help_text=_("A denunciation is always kept confidential (Law on Denunciations, Art. 47)."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("PDF, JPG or PNG; at most 5 files of 10 MB each.")
    )
    # Required unless the petitioner files anonymously (clean() checks them).
    identity_fields = ("full_name", "id_number", "phone", "address")

    def __init__(self, *args, user=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        _no_browser_cut(self, "title", "full_name", "id_number")
        if units is not None:
            self.fields["unit"].queryset = units
        if user is not None and user.is_authenticated and not self.is_bound:
            # A logged-in citizen's own details, to be checked rather than typed again.
            self.initial.setdefault("full_name", user.full_name or user.get_full_name())
            self.initial.setdefault("email", user.email)
            self.initial.setdefault("phone", user.phone)
        for name in self.identity_fields:
            self.fields[name].widget.attrs["data-identity"] = "1"

    def clean_id_number(self):
        value = normalize_digits(self.cleaned_data.get("id_number") or "")
        if value:
            validate_citizen_id(value)
        return value

    def clean_phone(self):
        value = normalize_digits(self.cleaned_data.get("phone") or "")
        if value:
            validate_phone(value)
        return value

    def clean(self):
        data = super().clean()
        if not data.get("anonymous"):
            for name in self.identity_fields:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required, unless you file anonymously (the box above)."))
        return data

    def clean_attachments(self):
        return validate_uploads(self.cleaned_data.get("attachments") or [])

    def clean_decision_known_on(self):
        value = self.cleaned_data.get("decision_known_on")
        if value and value > timezone.localdate():
            raise ValidationError(_("This date cannot be in the future."))
        return value

    def petitioner(self) -> PetitionerData:
        data = self.cleaned_data
        return PetitionerData(
            full_name=data.get("full_name") or "",
            id_number=data.get("id_number") or "",
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            address=data.get("address") or "",
        )


class StaffPetitionForm(PetitionForm):
    """A petition received by post, in person or forwarded, registered by a reception officer."""

    channel = forms.ChoiceField(
        label=_("Received through"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
    )
    received_on = forms.DateField(label=_("Received on"), widget=date_input())
    is_anonymous = forms.BooleanField(
        label=_("Anonymous (no name given)"),
        required=False,
        help_text=_("An anonymous denunciation is kept as information, not handled as a denunciation."),
    )
    appeal_of = forms.CharField(
        label=_("Second complaint against (tracking code of the first complaint)"),
        max_length=20,
        required=False,
        help_text=_("Only for an appeal against a first decision; leave empty otherwise."),
    )
    first_decision_on = forms.DateField(label=_("Date of the first decision"), required=False, widget=date_input())
    field_order = ["channel", "received_on", "kind", "unit", "is_anonymous", "appeal_of", "first_decision_on"]

    identity_fields = ()  # a letter may carry only a name; clean() asks for the name unless anonymous

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, units=units, **kwargs)
        del self.fields["anonymous"]
        self.fields["received_on"].initial = timezone.localdate()

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date of receipt cannot be in the future."))
        max_age = settings.PETITION_RECEIVED_MAX_AGE_DAYS
        if (timezone.localdate() - value).days > max_age:
            raise ValidationError(
                _("The date of receipt is more than %(days)d days ago; check the date.") % {"days": max_age}
            )
        return value

    def clean_appeal_of(self):
        code = normalize_tracking_code(self.cleaned_data.get("appeal_of") or "")
        if not code:
            return None
        # The first complaint was usually decided by a lower body, outside this unit's own caseload.
        first = Petition.objects.filter(tracking_code=code).only("pk", "kind").first()
        if first is None or first.kind != Kind.COMPLAINT:
            raise ValidationError(_("No complaint with this tracking code."))
        return first

    def clean(self):
        data = super().clean()
        if not data.get("is_anonymous") and not data.get("full_name"):
            self.add_error("full_name", _("Enter the petitioner's name, or tick “Anonymous”."))
        if data.get("first_decision_on") and not data.get("appeal_of"):
            self.add_error("appeal_of", _("Give the first complaint's tracking code for its decision date."))
        if data.get("appeal_of") and data.get("kind") != Kind.COMPLAINT:
            self.add_error("kind", _("A second complaint is a complaint."))
        return data


class ActionForm(forms.Form):
    """A staff action on one petition; every action form is built with the same arguments."""

    def __init__(self, *args, petition, user, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition, self.user = petition, user


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason (sent to the citizen)"), widget=TEXTAREA, required=False, max_length=5000)

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required


class ClassifyForm(ReasonForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    is_complex = forms.BooleanField(label=_("Complex case"), required=False)
    is_especially_complex = forms.BooleanField(label=_("Especially complex case"), required=False)
    is_remote = forms.BooleanField(label=_("Remote area"), required=False)
    decision_known_on = forms.DateField(
        label=_("Date the complainant learned of the decision"), required=False, widget=date_input()
    )
    field_order = ["kind", "is_complex", "is_especially_complex", "is_remote", "decision_known_on", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Reason (required when the complexity changes)")
        petition = self.petition
        if not self.is_bound:
            self.initial.update(
                kind=petition.kind,
                is_complex=petition.is_complex,
                is_especially_complex=petition.is_especially_complex,
                is_remote=petition.is_remote,
                decision_known_on=petition.decision_known_on,
            )


class AcceptForm(ReasonForm):
    late_obstacle = forms.ChoiceField(
        label=_("Filed late: legitimate obstacle"),
        choices=[("", "—"), *Obstacle.choices],
        required=False,
        help_text=_("Only for a complaint past its filing limit (Law on Complaints, Art. 9); describe it below."),
    )
    field_order = ["late_obstacle", "reason"]


class WithdrawForm(ReasonForm):
    signs_of_violation = forms.BooleanField(
        label=_("There are signs of a violation: handling continues"),
        required=False,
        help_text=_("Only for a denunciation (Law on Denunciations, Art. 33)."),
    )
    field_order = ["signs_of_violation", "reason"]


class ForwardForm(ReasonForm):
    to_unit = forms.ModelChoiceField(label=_("To a unit of the portal"), queryset=Unit.objects.none(), required=False)
    to_body = forms.CharField(label=_("Or to an outside body"), max_length=200, required=False)
    field_order = ["to_unit", "to_body", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = Unit.objects.exclude(pk=self.petition.unit_id)

    def clean(self):
        data = super().clean()
        if not destination_given_once(data.get("to_unit"), data.get("to_body")):
            raise ValidationError(DESTINATION_MESSAGE)
        return data


class FileForm(ReasonForm):
    duplicate_of = forms.CharField(
        label=_("Duplicate of (tracking code)"),
        max_length=14,
        required=False,
        help_text=_("Leave empty if not a duplicate."),
    )
    field_order = ["duplicate_of", "reason"]

    def clean_duplicate_of(self):
        code = (self.cleaned_data.get("duplicate_of") or "").strip().upper()
        if not code:
            return None
        original = petitions_visible_to(self.user).filter(tracking_code=code).first()
        if original is None:
            raise ValidationError(_("No petition with this code in your jurisdiction."))
        return original


class AssignForm(ActionForm):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handler_choices(self.petition)


class ResolveForm(ActionForm):
    decision_text = forms.CharField(label=_("Decision, conclusion or reply"), widget=TEXTAREA, max_length=20000)
    decision_file = forms.FileField(label=_("Signed document"), required=False, help_text=_("PDF, JPG or PNG"))

    def clean_decision_file(self):
        upload = self.cleaned_data.get("decision_file")
        return (upload, *validate_upload(upload)) if upload else None


class NoteForm(ActionForm):
    text = forms.CharField(label=_("Internal note (not shown to the citizen)"), widget=TEXTAREA, max_length=5000)


ACTION_FORMS = {
    Action.ACCEPT: AcceptForm,
    Action.WITHDRAW: WithdrawForm,
    Action.CLASSIFY: ClassifyForm,
    Action.FORWARD: ForwardForm,
    Action.FILE: FileForm,
    Action.ASSIGN: AssignForm,
    Action.RESOLVE: ResolveForm,
    Action.NOTE: NoteForm,
}


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40)
    key = forms.CharField(label=_("Access key"), max_length=40)

    def clean_code(self):
        # Any case, with or without dashes or spaces: 7kq2 m9xd 3h is 7KQ2-M9XD-3H.
        return normalize_tracking_code(self.cleaned_data["code"])


class AccessKeyForgotForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40)
    email = forms.EmailField(label=_("The e-mail address you gave when filing"))

    def clean_code(self):
        return normalize_tracking_code(self.cleaned_data["code"])


class WithdrawOwnForm(forms.Form):
    reason = forms.CharField(label=_("Why do you withdraw it?"), widget=TEXTAREA, max_length=2000)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see the identity?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Recorded with your name and the time, for the inspectors."),
    )


class ExportForm(forms.Form):
    """Unit and period of an export; the names match the list page's filters where they can."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    date_from = forms.DateField(label=_("Received from"), required=False)
    date_to = forms.DateField(label=_("Received to"), required=False)

    def __init__(self, data=None, *args, user=None, **kwargs):
        if data is not None:
            # Accept ?from=&to= (API) as well as the list page's ?received_from=&received_to=.
            data = {
                "unit": data.get("unit") or "",
                "date_from": data.get("from") or data.get("received_from") or "",
                "date_to": data.get("to") or data.get("received_to") or "",
            }
        super().__init__(data, *args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("The start of the period is after its end."))
        return data

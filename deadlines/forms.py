from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import DeadlineRule
from .selectors import active_rules

MAX_EXTENSIONS_INPUT = 10


class CalculatorForm(forms.Form):
    """Public calculator; also validates the API's query string (same names: rule, start, complex, remote)."""

    rule = forms.ModelChoiceField(
        label=_("Deadline"), queryset=DeadlineRule.objects.none(), to_field_name="code", empty_label=None
    )
    start = forms.DateField(label=_("Start date (day zero)"), widget=forms.DateInput(attrs={"type": "date"}))
    complex = forms.BooleanField(label=_("Complex case"), required=False)
    remote = forms.BooleanField(label=_("Remote area with difficult travel"), required=False)
    extensions = forms.IntegerField(label=_("Extensions granted"), min_value=0, initial=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = active_rules()
        self.fields["rule"].error_messages["invalid_choice"] = _("Unknown deadline rule.")
        self.fields["start"].error_messages["invalid"] = _("Enter the start date as YYYY-MM-DD.")

    def clean(self):
        cleaned = super().clean()
        rule, extensions = cleaned.get("rule"), cleaned.get("extensions") or 0
        if rule is not None and extensions > rule.max_extensions:
            self.add_error(
                "extensions",
                _("This deadline allows at most %(n)d extensions.") % {"n": rule.max_extensions},
            )
        cleaned["extensions"] = extensions
        return cleaned

    def calculate(self) -> dict:
        """The result for a valid form, as the page and the API show it."""
        data = self.cleaned_data
        return selectors.calculate(
            rule=data["rule"],
            start=data["start"],
            is_complex=data["complex"],
            is_remote=data["remote"],
            extensions=data["extensions"],
        )


class ExtendForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the extension"), widget=forms.Textarea(attrs={"rows": 3}))

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import FlagField, date_input

from . import selectors
from .models import DeadlineRule
from .selectors import active_rules

MAX_EXTENSIONS_INPUT = 10


class CalculatorForm(forms.Form):
    """Public calculator; also validates the API's query string (same names: rule, start, complex, remote)."""

    rule = forms.ModelChoiceField(
        label=_("Deadline"), queryset=DeadlineRule.objects.none(), to_field_name="code", empty_label=None
    )
    start = forms.DateField(label=_("Start date (day zero)"), widget=date_input())
    complex = FlagField(label=_("Complex case"))
    especially_complex = FlagField(
        label=_("Especially complex case"), help_text=_("A denunciation's resolution may then be extended twice.")
    )
    remote = FlagField(label=_("Remote area with difficult travel"))
    extensions = forms.IntegerField(label=_("Extensions granted"), min_value=0, initial=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = active_rules()
        self.fields["rule"].label_from_instance = lambda rule: rule.name  # the name, not the code, for citizens
        self.fields["rule"].error_messages["invalid_choice"] = _("Unknown deadline rule.")
        self.fields["start"].error_messages["invalid"] = _("Enter the start date as dd/mm/yyyy.")

    def clean(self):
        cleaned = super().clean()
        rule, extensions = cleaned.get("rule"), cleaned.get("extensions") or 0
        cleaned["complex"] = bool(cleaned.get("complex") or cleaned.get("especially_complex"))
        if rule is not None and rule.max_extensions:
            # Law on Denunciations 2018 Art. 30: once if complex, twice if especially complex.
            allowed = min(rule.max_extensions, 2 if cleaned.get("especially_complex") else int(cleaned["complex"]))
            if extensions > allowed:
                self.add_error(
                    "extensions",
                    _("This case may be extended at most %(n)d times (once if complex, twice if especially complex).")
                    % {"n": allowed},
                )
        elif rule is not None and extensions:
            self.add_error("extensions", _("This deadline cannot be extended."))
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
    reason = forms.CharField(
        label=_("Reason for the extension"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

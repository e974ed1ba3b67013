"""Every text field of the portal's forms has a maximum length, enforced on the server and given to
the browser (maxlength), so a pasted book is refused with a clear message instead of stored."""

import importlib
import inspect

import pytest
from django import forms

APPS = ["core", "petitions", "reception", "dialogues", "oversight", "deadlines"]
# Django's own password fields: their length is bounded by the password validators.
EXEMPT = {"core.forms.CitizenSignupForm.password1", "core.forms.CitizenSignupForm.password2"}


def _form_classes():
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ImportError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield f"{app}.forms.{name}", cls


def _unbounded(fields, prefix):
    return [
        f"{prefix}.{name}"
        for name, field in fields.items()
        if isinstance(field, forms.CharField)
        and field.max_length is None
        and not isinstance(field, forms.URLField | forms.EmailField)
        and f"{prefix}.{name}" not in EXEMPT
    ]


def test_every_form_text_field_has_a_maximum_length():
    missing = []
    for path, cls in _form_classes():
        if path == "dialogues.forms.MinutesForm":
            missing += _unbounded(cls().fields, path)  # bounded in __init__ (the model's text is unbounded)
        else:
            missing += _unbounded(cls.base_fields, path)
    assert missing == []


@pytest.mark.django_db
def test_textareas_carry_maxlength_and_overlong_text_is_refused():
    from dialogues.forms import MinutesForm
    from reception.forms import ConclusionForm

    assert 'maxlength="20000"' in str(MinutesForm()["agreed"])
    form = ConclusionForm(data={"direction": "accept", "text": "x" * 10001})
    assert 'maxlength="10000"' in str(ConclusionForm()["text"])
    assert not form.is_valid()
    assert "text" in form.errors

"""Arbitrary text in the public and staff filing forms gives validation errors, never an exception."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Unit
from petitions.forms import ExportForm, PetitionForm, RevealForm, StaffPetitionForm, TrackForm

FIELDS = ["kind", "unit", "title", "content", "full_name", "id_number", "phone", "email", "address", "people_count"]
STAFF_FIELDS = [*FIELDS, "channel", "received_on", "is_anonymous"]
text = st.text(max_size=300)
# Derandomized so CI is reproducible; widen max_examples locally to explore more.
FUZZ = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check(form) -> None:
    if form.is_valid():
        form.cleaned_data  # noqa: B018
    else:
        assert form.errors


@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, text)))
def test_petition_form_never_raises(org, data):
    check(PetitionForm(data))


@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(STAFF_FIELDS, text)))
def test_staff_petition_form_never_raises(org, data):
    check(StaffPetitionForm(data, units=Unit.objects.all()))


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {"kind": st.sampled_from(["complaint", "denunciation"]), "unit": st.just("1"), "people_count": st.just("1")},
        optional=dict.fromkeys(("title", "content", "full_name", "id_number", "phone", "address"), text),
    )
)
def test_petition_form_near_valid_input_never_raises(org, data):
    check(PetitionForm(data))


@FUZZ
@given(code=text, key=text, reason=text, unit=text, date_from=text, date_to=text)
def test_small_forms_never_raise(org, code, key, reason, unit, date_from, date_to):
    check(TrackForm({"code": code, "key": key}))
    check(RevealForm({"reason": reason}))
    check(ExportForm({"unit": unit, "from": date_from, "to": date_to}, user=org.head))

"""Property-based fuzzing of the whole API against its own OpenAPI schema: no input gives a 5xx.

Bounded (a few dozen examples per operation, no deadline) so it runs in CI in well under a minute.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from petitions.models import Kind
from tests.factories import make_petition

EXAMPLES = 40


@pytest.fixture
def api_schema(org, settings):
    from config.wsgi import application

    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "100000/h")
    # Some real rows, so detail, transitions and export have something to chew on.
    for kind in (Kind.COMPLAINT, Kind.DENUNCIATION):
        make_petition(org.commune, kind=kind)
    # Requests run inside the test's transaction: don't let the WSGI handler close the connection
    # between requests (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(org):
    return Token.objects.create(user=org.city_head).key


def _fuzz(operation, mode, token, statuses):
    @hypothesis_settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call(headers={"Authorization": f"Token {token}"})
        statuses.add((operation.label, response.status_code))
        case.validate_response(response, checks=[not_a_server_error])

    try:
        run()
    except Unsatisfiable:
        # An operation without parameters has no invalid input to generate.
        assert mode == GenerationMode.NEGATIVE


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_produces_a_server_error(api_schema, staff_token, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 9
    statuses: set = set()
    for operation in operations:
        _fuzz(operation, mode, staff_token, statuses)
    if mode == GenerationMode.POSITIVE:  # the token worked and valid input went through
        assert ("GET /api/v1/staff/petitions/", 200) in statuses

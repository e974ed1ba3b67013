from tests.api.conftest import api, token_client  # noqa: F401 - shared fixtures

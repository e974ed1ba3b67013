from tests.api.conftest import token_client  # noqa: F401 - shared fixtures

"""Development: embedded defaults, so `make run` needs no server and no configuration."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-not-for-production")
if not FIELD_ENCRYPTION_KEYS:  # noqa: F405
    from core.crypto import dev_key

    FIELD_ENCRYPTION_KEYS = [dev_key(VAR_DIR / "dev-field-key")]

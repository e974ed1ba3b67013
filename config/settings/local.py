"""Development: embedded defaults, so `make run` needs no server and no configuration."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

# Off by default, so the portal's own Vietnamese error pages show; DJANGO_DEBUG=1 asks for the debug pages.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-not-for-production")
if not FIELD_ENCRYPTION_KEYS:  # noqa: F405
    from core.crypto import dev_key

    FIELD_ENCRYPTION_KEYS = [dev_key(VAR_DIR / "dev-field-key")]
# With DEBUG off, WhiteNoise serves static files straight from the app and project folders (no
# collectstatic in development); scripts/run-all.sh also runs runserver with --insecure.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

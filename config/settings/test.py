"""Tests: SQLite by default, PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set (CI)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A fixed key generated for the tests only; it protects nothing real.
FIELD_ENCRYPTION_KEYS = ["4eTX84_uosn-WcYUHWhtuTHumpbUhgnmpT33o1gIi6I="]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "test-media")  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
# Public aggregates are cached for minutes in production (petitions.selectors.public_statistics); tests
# that change data between requests see it at once. The caching itself is tested with a timeout.
PUBLIC_CACHE_SECONDS = 0

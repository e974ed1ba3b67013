"""Settings shared by every environment. Everything that differs is read through django-environ."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "health_check",
    "core",
    "deadlines",
    "petitions",
    "reception",
    "dialogues",
    "oversight",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so it sees a view's exception first: a lost database connection becomes a clear 503.
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.staff",
            ],
        },
    },
]

# Without DATABASE_URL the portal runs on an embedded SQLite file under var/.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT: the planner compiles any query it costs above 100,000, and for this portal's sub-second
    # reports that compilation is a loss (a city head's quota page 150-215 ms -> 108-133 ms, the
    # comparison of 152 units 0.99 s -> 0.93 s at a million petitions; docs/performance.md).
    # Behind PgBouncer, which refuses startup options: `ALTER DATABASE … SET jit = off` instead.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.lockout.UserThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after_login"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Dates are dd/mm/yyyy everywhere, the admin included; ambiguous month-first input is refused
# (config/formats/ holds the per-language modules, which take precedence over Django's own).
FORMAT_MODULE_PATH = ["config.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the static root and are only served through permission-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_FILES = 5
UPLOAD_ALLOWED_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Keys for the identity fields of petitioners. Comma-separated Fernet keys: the first encrypts,
# all decrypt, so a key can be rotated by prepending a new one (see README).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# Keys the digests used to find the same ID number or phone without decrypting (empty: SECRET_KEY).
IDENTITY_INDEX_KEY = env("IDENTITY_INDEX_KEY", default="")

CACHES = {"default": env.cache("REDIS_URL", default="locmemcache://")}
if env("REDIS_URL", default=""):
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
    # Fail fast when Redis is away: the rate limiter then counts per process (core.ratelimit).
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 1, "socket_timeout": 1})

# Celery: a task that must not be lost is acknowledged after it ran, one at a time per process.
# Deadlines live in the database; the broker only carries "run the sweep now" messages.
CELERY_BROKER_URL = env("REDIS_URL", default="filesystem://localhost/")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not block a web request when the broker is down: fail fast, the outbox retries.
# A task whose worker died (SIGKILL, OOM, host lost) is acknowledged late, so Redis hands it out again
# once the visibility timeout has passed. It is sized to the sweep, the longest task (about 3 minutes
# for a million open deadlines, `make bench`), not to hours: a killed sweep is re-run within minutes.
# A task still running past it may be handed out twice; every task here is idempotent.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=10 * 60)
# Workers look for such messages every 10 seconds (kombu's default scans only every 100 seconds).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "max_retries": 1,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery"
    for _folder in ("out", "processed", "control"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(_queue / "out"),
            "data_folder_out": str(_queue / "out"),
            "processed_folder": str(_queue / "processed"),
            "control_folder": str(_queue / "control"),
            "store_processed": False,
        }
    )
CELERY_BEAT_SCHEDULE: dict = {
    # Every 5 minutes: move open deadlines to due soon / overdue / long overdue and escalate. The
    # sweep is idempotent and chunked, so a late or doubled run is harmless; the dates live in the
    # database, so nothing is lost if the broker drops this message.
    "deadlines-sweep": {"task": "deadlines.tasks.sweep_deadlines", "schedule": 5 * 60},
    # Every minute: the outbox safety net. Notifications are enqueued after commit, but if the
    # broker was down then, the pending rows are sent by this run once it is back.
    "outbox-send-pending": {"task": "core.tasks.send_pending_emails", "schedule": 60},
    # Every minute: the dead-man's switch. If the sweep has not completed for SWEEP_MAX_AGE_MINUTES,
    # the administrators get one notification (and /readyz fails) until it completes again.
    "heartbeat-check": {"task": "core.tasks.check_heartbeats", "schedule": 60},
    # Mondays 01:30: keep eight weeks of regular reception sessions on the public calendar
    # (idempotent: existing sessions, including cancelled ones, are left as they are).
    "reception-generate-sessions": {
        "task": "reception.tasks.generate_reception_sessions",
        "schedule": crontab(minute=30, hour=1, day_of_week="mon"),
    },
    # Daily 02:15: suggest hotspots from the day's petitions and visits (idempotent; staff decide).
    "dialogues-suggest-hotspots": {"task": "dialogues.tasks.suggest_hotspots", "schedule": crontab(minute=15, hour=2)},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="tiepdan@localhost")
# The portal's public address, for links in e-mails (sent by a worker, outside any request).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://localhost:8000")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Citizen reception and petition portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from the drf-spectacular-sidecar package: the portal may run without internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# Lock the (username, address) pair, not either alone: a guesser must not lock the real user out of
# every address, nor every colleague behind the same NAT. The slower per-user throttle that stops
# guessing from many addresses is "login_user" in RATE_LIMITS (core.lockout).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# Rate limits per client address (core.ratelimit): "N/s", "N/m", "N/h", "N/d" or e.g. "5/15m".
RATE_LIMITS = {
    "petition_create": env("RATE_LIMIT_PETITION_CREATE", default="10/h"),
    "track": env("RATE_LIMIT_TRACK", default="30/m"),
    # Failed look-ups per tracking code, from any address: guessing one petition's key is capped.
    "track_code": env("RATE_LIMIT_TRACK_CODE", default="10/h"),
    "booking": env("RATE_LIMIT_BOOKING", default="10/h"),
    "api_token": env("RATE_LIMIT_API_TOKEN", default="10/m"),
    # Failed log-ins per username from any address (core.lockout): slower than the axes pair lockout.
    "login_user": env("RATE_LIMIT_LOGIN_USER", default="20/h"),
    # "Forgot my access key": a new key by e-mail, per client address.
    "access_key_reset": env("RATE_LIMIT_ACCESS_KEY_RESET", default="5/h"),
}
# Part of every rate-limit cache key; the tests set a fresh one per test instead of clearing Redis.
RATE_LIMIT_NAMESPACE = ""

# After revealing a denouncer's identity (with a logged reason), the handler or head may download
# the denunciation's own attachments for this long.
IDENTITY_REVEAL_DOWNLOAD_MINUTES = 15
# A date of receipt older than this is refused as a typing error (a postal petition dated 1990).
PETITION_RECEIVED_MAX_AGE_DAYS = env.int("PETITION_RECEIVED_MAX_AGE_DAYS", default=365)

SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# The sweep runs every 5 minutes; /readyz fails and administrators are alerted past this age.
SWEEP_MAX_AGE_MINUTES = env.int("SWEEP_MAX_AGE_MINUTES", default=15)

# Public statistics hide units with fewer petitions than this: small numbers identify people.
PUBLIC_STATS_MIN_COUNT = 5
# Oversight comparisons leave a rate blank below this many cases: a rate over two cases says nothing.
OVERSIGHT_RATE_MIN_CASES = 5

# Request bodies are never logged. The filter masks ID and phone numbers and access keys in query
# strings as a second line of defence, on every handler: runserver's access log ("django.server")
# included; gunicorn's logs get it from config/gunicorn.conf.py (core.masking.MaskingGunicornLogger).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_identity": {"()": "core.masking.IdentityMaskingFilter"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_identity"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["mask_identity"]},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}},
}

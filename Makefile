# The README names these targets; each one sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: run serve test bench lint typecheck format messages check-deploy backup restore clean pdf-libs

$(VENV)/.installed-run: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed-run
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Translations are compiled from locale/*.po with gettext's msgfmt (installed when missing and root).
messages:
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq gettext >/dev/null; } || \
		{ echo "Please install gettext (msgfmt)"; exit 1; }
	$(PY) manage.py compilemessages --ignore=.venv -v 0

# WeasyPrint (the printable minutes as PDF) needs Pango and a font with Vietnamese glyphs.
pdf-libs:
	@{ [ -n "$$(find /usr/lib /usr/lib64 -name 'libpangoft2-1.0.so.0' 2>/dev/null | head -1)" ] && \
		[ -e /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ]; } || \
		{ [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; } || \
		{ echo "Please install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core (PDF minutes)"; exit 1; }

# The portal on embedded defaults: SQLite under var/, Celery on a filesystem broker, demo data.
run: $(VENV)/.installed-run messages pdf-libs
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo --if-empty
	@bash scripts/run-all.sh

# Production: static files collected (hashed, compressed) and migrations applied before gunicorn
# starts (config/gunicorn.conf.py). Every secret comes from the environment (README).
serve: $(VENV)/.installed-run messages
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py collectstatic --no-input -v 0
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py migrate --no-input -v 0
	DJANGO_SETTINGS_MODULE=config.settings.production exec $(VENV)/bin/gunicorn -c config/gunicorn.conf.py

# Database dump + uploaded files + a check that the keys in the environment open a sample
# (BACKUP_DIR=... to choose the new directory; default var/backups/<timestamp>).
backup: $(VENV)/.installed-run
	$(PY) manage.py backup $(BACKUP_DIR)

# Into an EMPTY database (DATABASE_URL) and MEDIA_ROOT: make restore BACKUP_DIR=var/backups/<timestamp>
restore: $(VENV)/.installed-run
	@test -n "$(BACKUP_DIR)" || { echo "Usage: make restore BACKUP_DIR=<backup directory>"; exit 1; }
	$(PY) manage.py restore_backup $(BACKUP_DIR)

test: $(VENV)/.installed-dev messages pdf-libs
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq chromium >/dev/null; } || \
		{ echo "Please install Debian's chromium for the browser tests"; exit 1; }
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# Seeds a city (1,000,000 petitions, and 20,000 to compare) in databases of its own next to the one
# DATABASE_URL names, then times the sweep, the hot pages and a load test (gunicorn + locust, 127.0.0.1).
bench: $(VENV)/.installed-dev
	$(PY) manage.py bench $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs on services, selectors and the access policy (files listed in pyproject.toml).
typecheck: $(VENV)/.installed-dev
	$(PY) -m mypy

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Production settings must pass Django's deployment checks with no warning.
check-deploy: $(VENV)/.installed-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
	FIELD_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet;print(Fernet.generate_key().decode())') \
	IDENTITY_INDEX_KEY=check DJANGO_ALLOWED_HOSTS=portal.example.vn \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var $(VENV)

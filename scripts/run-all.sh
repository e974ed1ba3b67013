#!/usr/bin/env bash
# Runs the web server and a Celery worker with embedded beat; Ctrl-C stops all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var/celery/out var/celery/processed
trap 'trap - INT TERM; kill 0; wait' INT TERM EXIT

.venv/bin/celery -A config worker --beat --loglevel=WARNING --concurrency=1 \
  --schedule=var/celerybeat-schedule >var/celery.log 2>&1 &
# Beat's first sweep comes one interval after start; queue one now so /readyz is green at once.
$PY manage.py shell -c "from deadlines.tasks import sweep_deadlines; sweep_deadlines.delay()" >/dev/null 2>&1 || true

cat <<TXT

  Cổng tiếp công dân / Citizen reception portal:  http://127.0.0.1:8000
  Celery worker + beat log:                       var/celery.log

$($PY manage.py seed_demo --print-logins)

  Ctrl-C stops everything.
TXT
# --insecure: static files are served by runserver even with DEBUG off (WhiteNoise serves them too
# once collected; in development they are not collected).
$PY manage.py runserver --insecure 127.0.0.1:8000

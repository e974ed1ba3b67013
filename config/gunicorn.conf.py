"""gunicorn for production (`make serve`): masked access and error logs, sized for a small host.

Run behind a reverse proxy that sets X-Forwarded-For and X-Forwarded-Proto, and list the proxy's
address in FORWARDED_ALLOW_IPS so the real client address reaches the rate limits.
"""

import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = 60
accesslog = "-"
errorlog = "-"
# Masks ID numbers, phone numbers and access keys in every access and error log line.
logger_class = "core.masking.MaskingGunicornLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

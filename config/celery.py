import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def mask_worker_logs(logger, **kwargs):
    """Celery sets up its own handlers after Django's LOGGING: give them the masking filter too."""
    from core.masking import IdentityMaskingFilter

    for handler in logger.handlers:
        handler.addFilter(IdentityMaskingFilter())

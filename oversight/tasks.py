from celery import shared_task

from . import services
from .models import ReportJob


@shared_task(acks_late=True)
def build_report(job_id: str) -> None:
    """Thin: the service does the work and records progress; a finished or taken job is left alone."""
    job = ReportJob.objects.filter(pk=job_id).select_related("unit", "requested_by").first()
    if job is not None:
        services.report_build(job=job)

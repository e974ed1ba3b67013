from celery import shared_task

from . import services
from .models import ReportJob


@shared_task(acks_late=True)
def build_report(job_id: str) -> None:
    """Thin: the service does the work and records progress; a finished or taken job is left alone."""
    job = ReportJob.objects.filter(pk=job_id).select_related("unit", "requested_by").first()
    if job is not None:
        services.report_build(job=job)


@shared_task(acks_late=True)
def run_audit_check(check_id: str) -> None:
    """Thin: the service walks the chains and records progress; a taken check is left alone."""
    from .integrity import audit_check_run
    from .models import AuditCheck

    check = AuditCheck.objects.filter(pk=check_id).first()
    if check is not None:
        audit_check_run(check=check)

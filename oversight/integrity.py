"""Integrity of the hash-chained audit trails as the inspectors see it (issue 14).

One record's chains are checked on its page (a case, a finding) and for the records on a page of
the audit log; the whole trail is checked by a Celery task (`AuditCheck`) with a progress bar,
because it is millions of rows. Problems name tables, row ids and record ids, never a row's content.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import Problem, chained_models, verify_chain
from core.models import User
from deadlines.models import Deadline, Escalation
from petitions.models import IdentityReveal, Petition, PetitionHistory

from .models import AuditCheck, Finding, FindingHistory

logger = logging.getLogger(__name__)

KIND_LABELS = {
    "altered": gettext_lazy("edited after it was written"),
    "deleted": gettext_lazy("a row before it was deleted"),
    "reordered": gettext_lazy("rows re-ordered"),
    "unchained": gettext_lazy("written outside the audited writers"),
}
# How many problems a whole-table check keeps for the page (the count is always complete).
PROBLEMS_KEPT = 200


@dataclass
class Integrity:
    """The verdict on some records' chains: which tables were checked and what is wrong."""

    tables: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> set[tuple[str, int]]:
        return {(p.model, p.pk) for p in self.problems}

    @property
    def bad_records(self) -> set[tuple[str, int]]:
        return {(p.model, p.key) for p in self.problems}

    def describe(self) -> list[str]:
        return [
            _("%(table)s row %(row)s (record %(record)s): %(what)s")
            % {"table": p.model, "row": p.pk, "record": p.key, "what": KIND_LABELS[p.kind]}
            for p in self.problems
        ]


def check_records(checks: Iterable[tuple[type, Iterable[int]]]) -> Integrity:
    """Each (chained model, record keys): one streaming query per model, whole chains of those records."""
    result = Integrity()
    for model, keys in checks:
        keys = list(keys)
        result.tables.append(model._meta.verbose_name_plural)
        if keys:
            result.problems.extend(verify_chain(model, keys=keys))
    return result


def case_integrity(petition: Petition) -> Integrity:
    """A case's history, identity reveals and the escalations of its clocks."""
    deadlines = Deadline.objects.filter(petition=petition).values_list("pk", flat=True)
    return check_records(
        [(PetitionHistory, [petition.pk]), (IdentityReveal, [petition.pk]), (Escalation, list(deadlines))]
    )


def finding_integrity(finding: Finding, deadline_ids: Iterable[int]) -> Integrity:
    """A finding's history and the escalations of its remedy clock."""
    return check_records([(FindingHistory, [finding.pk]), (Escalation, deadline_ids)])


# --- The whole-table check --------------------------------------------------------------------------


@transaction.atomic
def audit_check_request(*, user: User) -> AuditCheck:
    """Queue a check of every chained table; the Celery task runs it after commit (the page polls)."""
    from .tasks import run_audit_check

    check = AuditCheck.objects.create(requested_by=user)
    run_audit_check.delay_on_commit(str(check.pk))
    return check


def audit_check_run(*, check: AuditCheck) -> AuditCheck:
    """Walk every chain of every chained table, recording progress every few thousand rows. Not one
    transaction: the progress is committed as it goes so the page can show it."""
    taken = AuditCheck.objects.filter(pk=check.pk, status=AuditCheck.Status.PENDING).update(
        status=AuditCheck.Status.RUNNING
    )
    if not taken:
        return check
    try:
        models = chained_models()
        sizes = {model: model._base_manager.count() for model in models}
        total = sum(sizes.values()) or 1
        done, tables, problems, count = 0, [], [], 0

        def progress(rows_seen: int) -> None:
            checked = done + rows_seen
            AuditCheck.objects.filter(pk=check.pk).update(
                rows_checked=checked, progress=min(99, 100 * checked // total)
            )

        AuditCheck.objects.filter(pk=check.pk).update(rows_total=sum(sizes.values()))
        for model in models:
            found = 0
            for problem in verify_chain(model, progress=progress):
                found += 1
                if len(problems) < PROBLEMS_KEPT:
                    problems.append(
                        {"table": problem.model, "row": problem.pk, "record": problem.key, "kind": problem.kind}
                    )
            count += found
            done += sizes[model]
            tables.append(
                {
                    "label": model._meta.label,
                    "name": str(model._meta.verbose_name_plural),
                    "rows": sizes[model],
                    "problems": found,
                }
            )
            AuditCheck.objects.filter(pk=check.pk).update(
                rows_checked=done, progress=min(99, 100 * done // total), tables=tables
            )
        AuditCheck.objects.filter(pk=check.pk).update(
            status=AuditCheck.Status.DONE,
            progress=100,
            problem_count=count,
            problems=problems,
            tables=tables,
            finished_at=timezone.now(),
        )
        if count:
            logger.error("Audit trail check %s: %d problem(s) found", check.pk, count)
    except Exception:
        logger.exception("Audit trail check %s failed", check.pk)
        AuditCheck.objects.filter(pk=check.pk).update(status=AuditCheck.Status.FAILED, finished_at=timezone.now())
    check.refresh_from_db()
    return check

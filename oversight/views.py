"""Oversight pages: the staff overview, scorecards, comparison, charts, the inspectors' workspace,
findings, periodic reports and the public statistics page."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from core import access
from core.decorators import staff_required
from core.models import Role, Unit, User
from core.selectors import jurisdiction_for, unit_current_head
from deadlines.models import DeadlineRule, Level
from deadlines.selectors import deadlines_for
from deadlines.services import compute_due_dates
from dialogues.workflow import DialogueStatus, HotspotStatus
from petitions import selectors as petition_selectors
from petitions.models import IdentityReveal, PetitionHistory
from petitions.workflow import Status
from reception import selectors as reception_selectors
from reception.models import VisitIdentityReveal

from . import integrity, policy, selectors, services
from .forms import AuditForm, FindingForm, QueueForm, RemedyForm, ReportForm, ScopeForm
from .models import AuditCheck, ReportJob
from .periods import parse_period
from .scorecard import FIGURES, SOURCES, Window, comparison, figure_cases, scorecard
from .services import OversightError

PAGE_SIZE = 25
PUBLIC_CACHE_SECONDS = 10 * 60


def _rate_min_cases() -> int:
    """Below this many cases a rate says nothing (and may point at people): the column stays blank."""
    return getattr(settings, "OVERSIGHT_RATE_MIN_CASES", 5)


def oversight_required(view):
    @staff_required
    def wrapper(request, *args, **kwargs):
        access.require(request.user, "oversight.view")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def workspace_required(view):
    @staff_required
    def wrapper(request, *args, **kwargs):
        access.require(request.user, "oversight.workspace")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- The staff overview ----------------------------------------------------------------------------


@staff_required
def overview(request):
    """The staff landing page: caseload by state, deadline alerts whose counts equal the lists they
    open, the worst overdue cases by name, own cases, the head's quota and next reception days."""
    user = request.user
    jurisdiction = jurisdiction_for(user)
    today = timezone.localdate()
    is_head = jurisdiction.has_role(Role.HEAD)
    head_unit_ids = jurisdiction.by_role.get(Role.HEAD, frozenset())
    counts = selectors.overview_counts(user, head_unit_ids)
    head_units = Unit.objects.filter(pk__in=head_unit_ids).filter(
        head_terms__user=user, head_terms__ended_on__isnull=True
    )
    return render(
        request,
        "oversight/overview.html",
        {
            "total": sum(counts.by_status.values()),
            "by_status": [(status, label, counts.by_status.get(status, 0)) for status, label in Status.choices],
            "levels": [
                (level.value, level.label, counts.levels.get(level.value, 0)) for level in Level if level != Level.NONE
            ],
            "worst_cases": selectors.worst_overdue(jurisdiction.unit_ids),
            "my_cases": petition_selectors.my_open_cases(user),
            "quotas": reception_selectors.head_quotas(head_units, today.year, today.month),
            "next_sessions": selectors.next_reception_sessions(head_unit_ids) if is_head else [],
            "subject_deadlines": selectors.subject_deadlines_due(head_unit_ids) if is_head else [],
            "is_head": is_head,
            "next_dialogues": selectors.next_dialogues(user) if is_head else [],
            "dialogue_counts": [(s, DialogueStatus(s).label, n) for s, n in counts.dialogues.items()],
            "open_hotspots": selectors.open_hotspots(user) if is_head else [],
            "hotspot_counts": [(s, HotspotStatus(s).label, n) for s, n in counts.hotspots.items()],
            "actions_due": selectors.followup_actions_due(head_unit_ids) if is_head else [],
            "actions_total": counts.actions,
            "can_oversee": access.may(user, "oversight.view"),
            "today": today,
            # Counted with the rest: base.html's badge then counts nothing (core.context_processors.staff).
            "unread_notifications": counts.unread_notifications,
        },
    )


# --- Scorecards ------------------------------------------------------------------------------------


def _scope(request):
    form = ScopeForm(
        request.GET,
        units=selectors.units_for_oversight(request.user),
        default_unit=selectors.default_unit(request.user),
    )
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["unit"], form.cleaned_data["period"]


def _head_and_window(request, unit, period):
    """The head asked for (default: the latest in office in the period) and their part of it."""
    windows = selectors.head_windows(unit, period, timezone.localdate())
    wanted = request.GET.get("head", "")
    if wanted == "unit":  # the unit as a whole, whoever was head
        return windows, None, selectors.period_window(period, timezone.localdate())
    for head, window in windows:
        if str(head.pk) == wanted:
            return windows, head, window
    if wanted:
        raise Http404
    if windows:
        return windows, windows[-1][0], windows[-1][1]
    return windows, None, selectors.period_window(period, timezone.localdate())


def _cases_url(unit, period, head, key) -> str:
    query = {"unit": unit.code, "period": period.code, "figure": key, "head": head.pk if head else "unit"}
    return f"{reverse('oversight:cases')}?{urlencode(query)}"


@oversight_required
def scorecard_view(request):
    form, unit, period = _scope(request)
    context = {"form": form}
    if unit is not None:
        windows, head, window = _head_and_window(request, unit, period)
        card = scorecard(unit=unit, window=window, head=head)
        for value in card.values.values():
            value.url = _cases_url(unit, period, head, value.figure.key)
        context.update(
            {"unit": unit, "period": period, "card": card, "head": head, "windows": windows, "window": window}
        )
    return render(request, "oversight/scorecard.html", context, status=200 if form.is_valid() else 400)


@oversight_required
def cases(request):
    """Exactly the cases behind one figure: the list shows as many as the figure counts."""
    form, unit, period = _scope(request)
    figure = FIGURES.get(request.GET.get("figure", ""))
    if unit is None or figure is None:
        messages.error(request, _("Choose a unit, a period and a figure of the scorecard."))
        return redirect("oversight:scorecard")
    _windows, head, window = _head_and_window(request, unit, period)
    queryset = figure_cases(figure=figure, unit=unit, window=window, head=head)
    case_kind = SOURCES[figure.source].case_kind
    if case_kind == "petitions":
        queryset = queryset.select_related("unit", "handler").order_by("-received_at", "-id")
        total = queryset.count()
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page
    elif case_kind == "deadlines":
        queryset = queryset.select_related("petition__unit", "petition__handler", "rule").order_by("due_date", "id")
        total = queryset.count()
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page
    elif case_kind == "subject_deadlines":
        queryset = queryset.select_related("rule", "owner").order_by("due_date", "id")
        total = queryset.count()
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page
    elif case_kind == "reception_days":
        sessions = list(queryset.select_related("held_by").order_by("date", "start_time"))
        days: dict = {}
        for session in sessions:
            days.setdefault(session.date, []).append(session)
        rows = sorted(days.items())
        total, page = len(rows), None
    elif case_kind == "dialogues":
        queryset = queryset.select_related("unit", "chair").order_by("held_at", "id")
        total = queryset.count()
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page
    elif case_kind == "hotspots":
        queryset = queryset.select_related("unit", "owner").order_by("-created_at", "-id")
        total = queryset.count()
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page
    else:
        queryset = queryset.select_related("unit", "head").order_by("-recorded_on", "-id")
        total = queryset.count()
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page
    return render(
        request,
        "oversight/cases.html",
        {
            "form": form,
            "unit": unit,
            "period": period,
            "head": head,
            "window": window,
            "figure": figure,
            "case_kind": case_kind,
            "rows": rows,
            "page": page,
            "total": total,
        },
    )


SORT_KEYS = {"unit"} | set(FIGURES)


@oversight_required
def comparison_view(request):
    form, unit, period = _scope(request)
    context: dict = {"form": form, "figures": list(FIGURES.values())}
    if unit is not None:
        cards = comparison(
            units=selectors.comparison_units(request.user, unit),
            window=selectors.period_window(period, timezone.localdate()),
        )
        sort = request.GET.get("sort", "unit")
        descending = sort.startswith("-")
        key = sort.lstrip("-")
        if key not in SORT_KEYS:
            key, descending = "unit", False
        if key != "unit":
            cards.sort(key=lambda c: (c.values[key].percent or 0, c.values[key].value), reverse=descending)
        elif descending:
            cards.reverse()
        context.update(
            {
                "unit": unit,
                "period": period,
                "cards": cards,
                "rows": [(c, [c.values[f.key].cell(_rate_min_cases()) for f in FIGURES.values()]) for c in cards],
                "sort": key,
                "descending": descending,
                "min_cases": _rate_min_cases(),
            }
        )
    return render(request, "oversight/comparison.html", context, status=200 if form.is_valid() else 400)


@oversight_required
def charts(request):
    form, unit, period = _scope(request)
    context: dict = {"form": form}
    if unit is not None:
        units = selectors.comparison_units(request.user, unit)
        cards = comparison(units=units, window=selectors.period_window(period, timezone.localdate()))
        min_cases = _rate_min_cases()
        monthly = selectors.monthly_series([u.pk for u in units], period)
        on_time = [
            {
                "unit": c.unit.name,
                "on_time": c.values["handled_on_time"].value,
                "handled": c.values["handled"].value,
                "rate": c.values["handled_on_time"].percent if c.values["handled"].value >= min_cases else None,
            }
            for c in cards
        ]
        quota = [
            {
                "unit": c.unit.name,
                "held": c.values["reception_days"].value,
                "required": c.values["reception_days"].denominator,
            }
            for c in cards
        ]
        context.update(
            {
                "unit": unit,
                "period": period,
                "monthly": monthly,
                "on_time": on_time,
                "quota": quota,
                "chart_data": {
                    "monthly": {
                        "labels": [m["month"] for m in monthly],
                        "series": [
                            {"label": _("Received"), "data": [m["received"] for m in monthly]},
                            {"label": _("Deadlines met"), "data": [m["handled"] for m in monthly]},
                            {"label": _("Met after the due date"), "data": [m["late"] for m in monthly]},
                        ],
                    },
                    "on_time": {
                        "labels": [r["unit"] for r in on_time],
                        "series": [{"label": _("On-time rate (%)"), "data": [r["rate"] for r in on_time]}],
                    },
                    "quota": {
                        "labels": [r["unit"] for r in quota],
                        "series": [
                            {"label": _("Days held in person"), "data": [r["held"] for r in quota]},
                            {"label": _("Days required"), "data": [r["required"] for r in quota]},
                        ],
                    },
                },
            }
        )
    return render(request, "oversight/charts.html", context, status=200 if form.is_valid() else 400)


# --- The inspectors' workspace ---------------------------------------------------------------------


def _queue(request):
    units = Unit.objects.filter(pk__in=policy.workspace_unit_ids(request.user))
    form = QueueForm(request.GET or None, units=units)
    unit, level = None, Level.OVERDUE
    if form.is_bound and form.is_valid():
        unit = form.cleaned_data["unit"]
        level = form.cleaned_data["level"] or Level.OVERDUE
    return form, selectors.overdue_queue(request.user, unit=unit, level=level)


@workspace_required
def queue(request):
    form, queryset = _queue(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "oversight/queue.html",
        {"form": form, "page": page, "today": timezone.localdate(), "query": query.urlencode()},
    )


def queue_header() -> list[str]:
    return [
        _("Tracking code"),
        _("Subject"),
        _("Kind"),
        _("Unit"),
        _("Handler"),
        _("Deadline"),
        _("Due date"),
        _("Days late"),
        _("Level"),
    ]


@workspace_required
def queue_export(request, fmt):
    """The queue in one click; cells that look like formulas are kept as text."""
    _form, queryset = _queue(request)
    rows = services.export_queue_rows(queryset.iterator(chunk_size=500), timezone.localdate())
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":

        def stream():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            yield "\ufeff"
            for row in [queue_header(), *rows]:
                writer.writerow([services.safe_cell(v) for v in row])
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Overdue"))
        sheet.append(queue_header())
        for row in rows:
            sheet.append([services.safe_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="qua-han-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@workspace_required
def case(request, pk):
    """One case for the inspector: its clocks with every escalation and extension, and its findings."""
    petition = selectors.case_for_workspace(request.user, pk)
    return render(
        request,
        "oversight/case.html",
        {
            "petition": petition,
            "deadlines": selectors.escalation_history(petition),
            "findings": list(selectors.findings_visible_to(request.user).filter(petition=petition)),
            # The record was not rewritten: its history, reveals and escalations re-hashed (issue 14).
            "integrity": integrity.case_integrity(petition),
            "can_record": access.may(request.user, "oversight.record_finding", petition),
            "today": timezone.localdate(),
        },
    )


@workspace_required
def audit(request):
    """Who did what, when, on which case, and every identity reveal (the reason, never the identity)."""
    unit_ids = policy.workspace_unit_ids(request.user)
    units = Unit.objects.filter(pk__in=unit_ids)
    actors = User.objects.filter(memberships__unit_id__in=unit_ids).distinct().order_by("full_name", "username")
    form = AuditForm(request.GET or None, units=units, actors=actors)
    filters: dict = {}
    what = "history"
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        what = data["what"] or "history"
        filters = {k: data[k] for k in ("unit", "actor", "code", "date_from", "date_to")}
        if what == "history":
            filters["action"] = data["action"]
    if what == "reveals":
        queryset = selectors.audit_reveals(request.user, **filters)
    elif what == "visit_reveals":
        filters.pop("code", None)
        queryset = selectors.audit_visit_reveals(request.user, **filters)
    else:
        queryset = selectors.audit_history(request.user, **filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    # Each row's record is re-hashed in full (one query per table for the whole page): a row edited,
    # deleted or moved in its record's chain is marked on the row itself.
    chained, key = AUDIT_CHAINS.get(what, AUDIT_CHAINS["history"])
    checked = integrity.check_records([(chained, {getattr(row, key) for row in page})])
    for row in page:
        row.integrity = (
            "altered"
            if (chained._meta.label, row.pk) in checked.bad_rows
            else "record"
            if (chained._meta.label, getattr(row, key)) in checked.bad_records
            else "ok"
        )
    return render(
        request,
        "oversight/audit.html",
        {
            "form": form,
            "page": page,
            "what": what,
            "integrity": checked,
            "last_check": AuditCheck.objects.filter(requested_by=request.user).first(),
        },
    )


AUDIT_CHAINS = {
    "history": (PetitionHistory, "petition_id"),
    "reveals": (IdentityReveal, "petition_id"),
    "visit_reveals": (VisitIdentityReveal, "visit_id"),
}


@workspace_required
@require_POST
def audit_check_start(request):
    """Check every chained table as a whole, in the background (millions of rows)."""
    check = integrity.audit_check_request(user=request.user)
    return redirect("oversight:audit_check", pk=check.pk)


def _own_check(request, pk) -> AuditCheck:
    return get_object_or_404(AuditCheck, pk=pk, requested_by=request.user)


@workspace_required
def audit_check(request, pk):
    check = _own_check(request, pk)
    problems = [{**p, "what": integrity.KIND_LABELS.get(p["kind"], p["kind"])} for p in check.problems]
    response = render(request, "oversight/audit_check.html", {"check": check, "problems": problems})
    if check.status in (AuditCheck.Status.PENDING, AuditCheck.Status.RUNNING):
        # The page reloads itself until the check is finished (the script polls instead).
        response["Refresh"] = "3"
    return response


@workspace_required
def audit_check_status(request, pk):
    check = _own_check(request, pk)
    return JsonResponse(
        {
            "status": check.status,
            "status_label": check.get_status_display(),
            "progress": check.progress,
            "rows_checked": check.rows_checked,
            "rows_total": check.rows_total,
            "problem_count": check.problem_count,
        }
    )


# --- Findings --------------------------------------------------------------------------------------


@workspace_required
def findings(request):
    queryset = selectors.findings_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in {"open", "remedied"}:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "oversight/findings.html", {"page": page, "status": status, "today": timezone.localdate()})


@workspace_required
def finding_create(request, pk):
    """An inspector records a finding against the unit of a case and its head."""
    petition = selectors.case_for_workspace(request.user, pk)
    access.require(request.user, "oversight.record_finding", petition)
    rule = DeadlineRule.objects.filter(code=services.REMEDY_RULE).first()
    default_due = compute_due_dates(rule=rule, start=timezone.localdate()).due_date if rule else None
    form = FindingForm(request.POST or None, default_due=default_due)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_record(
                actor=request.user, unit=petition.unit, petition=petition, **form.cleaned_data
            )
        except OversightError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Finding %(code)s recorded.") % {"code": finding.code})
            return redirect("oversight:finding", pk=finding.pk)
    return render(
        request,
        "oversight/finding_form.html",
        {"form": form, "petition": petition, "head": unit_current_head(petition.unit)},
        status=400 if form.errors else 200,
    )


@workspace_required
def finding_detail(request, pk):
    finding = selectors.finding_detail(request.user, pk)
    can_remedy = access.may(request.user, "oversight.remedy_finding", finding)
    form = RemedyForm(request.POST or None) if can_remedy else None
    if request.method == "POST":
        if not can_remedy:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.finding_remedy(actor=request.user, finding=finding, note=form.cleaned_data["note"])
            except OversightError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The remedy has been recorded."))
                return redirect("oversight:finding", pk=finding.pk)
    deadlines = list(deadlines_for(finding).prefetch_related("escalations"))
    return render(
        request,
        "oversight/finding_detail.html",
        {
            "finding": finding,
            "history": list(finding.history.select_related("actor")),
            "deadlines": deadlines,
            "integrity": integrity.finding_integrity(finding, [d.pk for d in deadlines]),
            "form": form,
            "today": timezone.localdate(),
        },
        status=400 if form is not None and form.errors else 200,
    )


# --- Periodic reports ------------------------------------------------------------------------------


@oversight_required
def reports(request):
    """The printable report of a period; XLSX/CSV files are built in the background."""
    form, unit, period = _scope(request)
    context: dict = {"form": form, "figures": list(FIGURES.values()), "report_form": ReportForm()}
    if unit is not None:
        units = selectors.comparison_units(request.user, unit)
        context.update(
            {
                "unit": unit,
                "period": period,
                "cards": comparison(units=units, window=selectors.period_window(period, timezone.localdate())),
                "jobs": ReportJob.objects.filter(requested_by=request.user).select_related("unit")[:5],
            }
        )
    return render(request, "oversight/reports.html", context, status=200 if form.is_valid() else 400)


@oversight_required
@require_POST
def report_request(request):
    _form, unit, period = _scope(request)
    report_form = ReportForm(request.POST)
    if unit is None or not report_form.is_valid():
        messages.error(request, _("Choose a unit, a period and a format."))
        return redirect("oversight:reports")
    try:
        job = services.report_request(
            user=request.user, unit=unit, period=period, fmt=report_form.cleaned_data["format"]
        )
    except OversightError as exc:
        messages.error(request, str(exc))
        return redirect("oversight:reports")
    return redirect("oversight:report_job", pk=job.pk)


def _own_job(request, pk) -> ReportJob:
    return get_object_or_404(ReportJob.objects.select_related("unit"), pk=pk, requested_by=request.user)


@oversight_required
def report_job(request, pk):
    job = _own_job(request, pk)
    response = render(request, "oversight/report_job.html", {"job": job})
    if job.status in (ReportJob.Status.PENDING, ReportJob.Status.RUNNING):
        # Without JavaScript the page reloads itself until the file is ready (the script polls instead).
        response["Refresh"] = "3"
    return response


@oversight_required
def report_status(request, pk):
    job = _own_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "download": reverse("oversight:report_download", args=[job.pk]) if job.status == "done" else None,
        }
    )


@oversight_required
def report_download(request, pk):
    job = _own_job(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public statistics -----------------------------------------------------------------------------


def public_rows(period) -> list[dict]:
    """Per unit: petitions received, on-time rate and reception days held; units with fewer
    petitions than PUBLIC_STATS_MIN_COUNT are left out (small numbers identify people)."""
    units = list(Unit.objects.order_by("path"))
    cards = comparison(units=units, window=Window(period.start, period.end, timezone.localdate()))
    minimum = settings.PUBLIC_STATS_MIN_COUNT
    rows = []
    for card in cards:
        received = card.values["received"].value
        if received < minimum:
            continue
        handled = card.values["handled"].value
        rows.append(
            {
                "unit": card.unit.name,
                "received": received,
                "handled": handled,
                "on_time": card.values["handled_on_time"].value,
                "rate": card.values["handled_on_time"].percent if handled >= minimum else None,
                "reception_days": card.values["reception_days"].value,
            }
        )
    return rows


def public_statistics(request):
    """Public, cached: anonymous traffic reads the cache, not the database."""
    today = timezone.localdate()
    try:
        period = parse_period(request.GET.get("period") or str(today.year))
    except ValueError as exc:
        period = parse_period(str(today.year))
        messages.error(request, str(exc))
    key = f"oversight:public-stats:{period.code}:{get_language()}:{today.isoformat()}"
    rows = cache.get_or_set(key, lambda: public_rows(period), PUBLIC_CACHE_SECONDS)
    chart = {
        "labels": [r["unit"] for r in rows],
        "series": [{"label": _("Petitions received"), "data": [r["received"] for r in rows]}],
    }
    return render(
        request,
        "oversight/public_statistics.html",
        {
            "period": period,
            "rows": rows,
            "chart": {"received": chart},
            "minimum": settings.PUBLIC_STATS_MIN_COUNT,
            "years": [today.year, today.year - 1],
        },
    )

"""Oversight under /api/v1/staff/: scorecards (each figure with the URL of exactly its cases), the
comparison of units and the findings. Same token auth and jurisdiction as the rest of the staff API."""

from django.conf import settings
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from core import access
from petitions.api import ErrorSerializer, PetitionListSerializer, StaffApiView

from . import policy, selectors
from .models import FindingStatus
from .periods import PeriodError, parse_period
from .scorecard import FIGURES, SOURCES, comparison, figure_cases, scorecard

SCOPE_PARAMETERS = [
    OpenApiParameter("unit", OpenApiTypes.STR, required=True, description="Unit code"),
    OpenApiParameter(
        "period", OpenApiTypes.STR, required=True, description="2026-11 | 2026-Q1 | 2026-H1 | 2026-9M | 2026 | a..b"
    ),
]
HEAD_PARAMETER = OpenApiParameter(
    "head", OpenApiTypes.STR, description="A head's user id (default: the latest head in the period) or `unit`"
)


class ScopeError(Exception):
    pass


def _scope(request):
    user = request.user
    try:
        period = parse_period(request.query_params.get("period", ""))
    except PeriodError as exc:
        raise ScopeError(str(exc)) from None
    code = request.query_params.get("unit", "")
    if not code:
        raise ScopeError(_("Give a unit code."))
    unit = selectors.oversight_unit(user, code)  # 404 outside the jurisdiction
    return unit, period


def _head_window(request, unit, period):
    today = timezone.localdate()
    windows = selectors.head_windows(unit, period, today)
    wanted = request.query_params.get("head", "")
    if wanted == "unit":
        return None, selectors.period_window(period, today)
    for head, window in windows:
        if str(head.pk) == wanted:
            return head, window
    if wanted:
        raise Http404
    if windows:
        return windows[-1]
    return None, selectors.period_window(period, today)


def _error(exc) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)


FigureSerializer = inline_serializer(
    "ScorecardFigure",
    {
        "label": serializers.CharField(),
        "value": serializers.IntegerField(),
        "denominator": serializers.IntegerField(allow_null=True, help_text="Rates: value/denominator"),
        "list": serializers.URLField(help_text="Staff API URL of exactly the cases behind the value"),
    },
)


class ScorecardSerializer(serializers.Serializer):
    unit = serializers.CharField()
    period = serializers.CharField()
    head = serializers.IntegerField(allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField()
    figures = serializers.DictField(child=FigureSerializer)


class StaffScorecardApi(StaffApiView):
    permission_classes = [*StaffApiView.permission_classes, access.drf_permission("oversight.view")]

    @extend_schema(
        parameters=[*SCOPE_PARAMETERS, HEAD_PARAMETER],
        responses={200: ScorecardSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="A head's scorecard: each figure with the list of exactly its cases",
    )
    def get(self, request):
        try:
            unit, period = _scope(request)
        except ScopeError as exc:
            return _error(exc)
        head, window = _head_window(request, unit, period)
        card = scorecard(unit=unit, window=window, head=head)
        base = request.build_absolute_uri(reverse("api-staff-scorecard-cases"))
        query = {"unit": unit.code, "period": period.code, "head": head.pk if head else "unit"}
        return Response(
            {
                "unit": unit.code,
                "period": period.code,
                "head": head.pk if head else None,
                "start": window.start,
                "end": window.end,
                "figures": {
                    key: {
                        "label": str(value.figure.label),
                        "value": value.value,
                        "denominator": value.denominator,
                        "list": f"{base}?{urlencode({**query, 'figure': key})}",
                    }
                    for key, value in card.values.items()
                },
            }
        )


class CasesPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500


class DeadlineCaseSerializer(serializers.Serializer):
    """One legal clock of a petition: the case behind the deadline figures."""

    id = serializers.IntegerField()
    petition = serializers.IntegerField(source="petition_id")
    tracking_code = serializers.CharField(source="petition.tracking_code")
    title = serializers.CharField(source="petition.title")
    unit = serializers.CharField(source="petition.unit.code")
    rule = serializers.CharField(source="rule.code")
    due_date = serializers.DateField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_as = serializers.CharField()
    level = serializers.IntegerField()


class StaffScorecardCasesApi(StaffApiView):
    permission_classes = [*StaffApiView.permission_classes, access.drf_permission("oversight.view")]

    @extend_schema(
        parameters=[
            *SCOPE_PARAMETERS,
            HEAD_PARAMETER,
            OpenApiParameter("figure", OpenApiTypes.STR, required=True, enum=list(FIGURES)),
            OpenApiParameter("limit", OpenApiTypes.INT),
            OpenApiParameter("offset", OpenApiTypes.INT),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Exactly the cases behind one scorecard figure (`count` equals the figure's value)",
    )
    def get(self, request):
        try:
            unit, period = _scope(request)
        except ScopeError as exc:
            return _error(exc)
        figure = FIGURES.get(request.query_params.get("figure", ""))
        if figure is None:
            return _error(_("Unknown figure."))
        head, window = _head_window(request, unit, period)
        queryset = figure_cases(figure=figure, unit=unit, window=window, head=head)
        kind = SOURCES[figure.source].case_kind
        paginator = CasesPagination()
        if kind == "petitions":
            queryset = queryset.select_related("unit", "handler", "petitioner").order_by("-received_at", "-id")
            page = paginator.paginate_queryset(queryset, request, view=self)
            data = PetitionListSerializer(page, many=True).data
        elif kind == "deadlines":
            queryset = queryset.select_related("petition__unit", "rule").order_by("due_date", "id")
            page = paginator.paginate_queryset(queryset, request, view=self)
            data = DeadlineCaseSerializer(page, many=True).data
        elif kind == "subject_deadlines":
            queryset = queryset.select_related("rule").order_by("due_date", "id")
            page = paginator.paginate_queryset(queryset, request, view=self)
            data = [
                {
                    "id": d.pk,
                    "label": d.label,
                    "rule": d.rule.code,
                    "due_date": d.due_date,
                    "closed_at": d.closed_at,
                    "url": request.build_absolute_uri(d.url) if d.url else None,
                }
                for d in page
            ]
        elif kind == "reception_days":
            days: dict = {}
            for session in queryset.order_by("date", "start_time"):
                days.setdefault(session.date.isoformat(), []).append(
                    {"id": session.pk, "start": session.start_time, "end": session.end_time, "place": session.place}
                )
            page = paginator.paginate_queryset([{"date": d, "sessions": s} for d, s in days.items()], request, self)
            data = page
        elif kind == "dialogues":
            page = paginator.paginate_queryset(
                queryset.select_related("unit", "chair").order_by("held_at", "id"), request, self
            )
            data = [
                {
                    "id": d.pk,
                    "code": d.code,
                    "subject": d.subject,
                    "unit": d.unit.code,
                    "chair": d.chair.display_name,
                    "held_at": d.held_at,
                    "url": request.build_absolute_uri(reverse("dialogues:detail", args=[d.pk])),
                }
                for d in page
            ]
        elif kind == "hotspots":
            page = paginator.paginate_queryset(
                queryset.select_related("unit").order_by("-created_at", "-id"), request, self
            )
            data = [
                {
                    "id": h.pk,
                    "code": h.code,
                    "title": h.title,
                    "unit": h.unit.code,
                    "status": h.status,
                    "risk_level": h.risk_level,
                    "url": request.build_absolute_uri(reverse("dialogues:hotspot_detail", args=[h.pk])),
                }
                for h in page
            ]
        else:
            page = paginator.paginate_queryset(
                queryset.select_related("unit", "head").order_by("-recorded_on", "-id"), request, self
            )
            data = FindingSerializer(page, many=True).data
        return paginator.get_paginated_response(data)


class StaffComparisonApi(StaffApiView):
    permission_classes = [*StaffApiView.permission_classes, access.drf_permission("oversight.view")]

    @extend_schema(
        parameters=SCOPE_PARAMETERS,
        responses={
            200: inline_serializer(
                "Comparison",
                {
                    "unit": serializers.CharField(),
                    "period": serializers.CharField(),
                    "min_cases": serializers.IntegerField(),
                    "rows": serializers.ListField(child=serializers.DictField()),
                },
            ),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="All units of a jurisdiction with the same figures; rates blank (null) below the minimum",
    )
    def get(self, request):
        try:
            unit, period = _scope(request)
        except ScopeError as exc:
            return _error(exc)
        minimum = getattr(settings, "OVERSIGHT_RATE_MIN_CASES", 5)
        cards = comparison(
            units=selectors.comparison_units(request.user, unit),
            window=selectors.period_window(period, timezone.localdate()),
        )
        rows = []
        for card in cards:
            figures = {}
            for key, value in card.values.items():
                hidden = value.figure.rate_of is not None and (value.denominator or 0) < minimum
                figures[key] = {
                    "value": value.value,
                    "denominator": value.denominator,
                    "percent": None if hidden else value.percent,
                }
            rows.append({"unit": card.unit.code, "name": card.unit.name, "figures": figures})
        return Response({"unit": unit.code, "period": period.code, "min_cases": minimum, "rows": rows})


class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    unit = serializers.CharField(source="unit.code")
    head = serializers.IntegerField(source="head_id", allow_null=True)
    head_name = serializers.SerializerMethodField()
    petition = serializers.IntegerField(source="petition_id", allow_null=True)
    kind = serializers.CharField()
    title = serializers.CharField()
    responsibility = serializers.CharField()
    remedy_required = serializers.CharField()
    remedy_due = serializers.DateField()
    status = serializers.CharField()
    recorded_on = serializers.DateField()
    remedied_on = serializers.DateField(allow_null=True)

    def get_head_name(self, finding) -> str | None:
        return finding.head.display_name if finding.head else None


class StaffFindingsApi(StaffApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.STR, description="Unit code (its subtree is included)"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=FindingStatus.values),
            OpenApiParameter("limit", OpenApiTypes.INT),
            OpenApiParameter("offset", OpenApiTypes.INT),
        ],
        responses={200: FindingSerializer(many=True), 403: ErrorSerializer, 404: ErrorSerializer},
        summary="Inspection findings in the jurisdiction",
    )
    def get(self, request):
        if not policy.can_use_workspace(request.user):
            return Response({"detail": _("Findings are for inspectors and heads.")}, status=status.HTTP_403_FORBIDDEN)
        queryset = selectors.findings_visible_to(request.user)
        if code := request.query_params.get("unit"):
            unit = selectors.oversight_unit(request.user, code)
            queryset = queryset.filter(unit__path__startswith=unit.path)
        if (wanted := request.query_params.get("status")) in FindingStatus.values:
            queryset = queryset.filter(status=wanted)
        paginator = CasesPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(FindingSerializer(page, many=True).data)


urlpatterns = [
    path("staff/scorecards/", StaffScorecardApi.as_view(), name="api-staff-scorecard"),
    path("staff/scorecards/cases/", StaffScorecardCasesApi.as_view(), name="api-staff-scorecard-cases"),
    path("staff/comparison/", StaffComparisonApi.as_view(), name="api-staff-comparison"),
    path("staff/findings/", StaffFindingsApi.as_view(), name="api-staff-findings"),
]

"""Petitions under /api/v1/: public filing, tracking and statistics; staff caseload, detail,
transitions and the national-database export. Views are thin: selectors read, services write."""

import csv
import io

from django.contrib.auth import authenticate
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core import access
from core.exports import formula_guard
from core.models import Unit
from core.ratelimit import ALL_METHODS, failure_guarded, ratelimit
from core.selectors import jurisdiction_for
from core.validators import normalize_digits, validate_citizen_id, validate_phone

from . import actions, citizen, exports, selectors, services
from .filters import SORTABLE, PetitionFilter
from .forms import ExportForm
from .models import Kind, Obstacle, PetitionRead, normalize_tracking_code
from .pagination import keyset_page
from .services import PetitionerData, PetitionError
from .workflow import REASON_REQUIRED, Action, Status, action_possible_in

# --- Serializers --------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PetitionCreateSerializer(serializers.Serializer):
    """The public filing form's rules (petitions.forms.PetitionForm), as JSON."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all(), help_text="Unit code")
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=20000)
    full_name = serializers.CharField(max_length=150)
    id_number = serializers.CharField(max_length=30, help_text="12 digits (full-width digits are accepted)")
    phone = serializers.CharField(max_length=20, validators=[validate_phone])
    # No default: an empty default is not a valid "email" for schema validators and code generators.
    email = serializers.EmailField(required=False, allow_blank=True, help_text="Confirmation and every step")
    address = serializers.CharField(max_length=300)
    people_count = serializers.IntegerField(min_value=1, max_value=10000, default=1)
    confidential = serializers.BooleanField(
        default=False, help_text="Keep the petitioner's identity confidential (always so for denunciations)."
    )

    def validate_id_number(self, value):
        value = normalize_digits(value)
        validate_citizen_id(value)
        return value


class PetitionCreatedSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    access_key = serializers.CharField(help_text="Shown once; keep it with the tracking code.")
    status = serializers.CharField()


class TrackQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="Any case, with or without dashes or spaces")
    key = serializers.CharField(max_length=40)


class NextStepSerializer(serializers.Serializer):
    rule_name = serializers.CharField()
    duty = serializers.CharField(help_text="What the unit must do by the due date, in plain words")
    due_date = serializers.DateField()
    days_left = serializers.IntegerField(help_text="Negative when overdue")
    is_overdue = serializers.BooleanField()
    is_paused = serializers.BooleanField()


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    status = serializers.CharField(source="to_status")
    status_label = serializers.CharField(source="get_to_status_display")
    reason = serializers.CharField()


class PublicStatusSerializer(serializers.Serializer):
    """What the public status page shows: never the petitioner."""

    tracking_code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    unit = serializers.CharField(source="unit.name")
    received_at = serializers.DateTimeField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    timeline = TimelineEntrySerializer(many=True, source="history.all")
    invitations = serializers.SerializerMethodField(help_text="Dialogue invitations: time, place, link, what to bring.")
    next_steps = serializers.SerializerMethodField(help_text="The legal deadlines running now, soonest first.")
    decided_on = serializers.SerializerMethodField()
    rights = serializers.SerializerMethodField(help_text="What the citizen may do after the decision.")

    @extend_schema_field(NextStepSerializer(many=True))
    def get_next_steps(self, petition) -> list[dict]:
        return NextStepSerializer(citizen.next_steps(petition), many=True).data

    @extend_schema_field(OpenApiTypes.DATE)
    def get_decided_on(self, petition):
        return citizen.decision_date(petition)

    def get_rights(self, petition) -> list[str]:
        return [right.text for right in citizen.next_rights(petition)]

    def get_invitations(self, petition) -> list[dict]:
        from .hooks import tracking_invitations  # filled by higher apps (dialogues) at start-up

        return [item for source in tracking_invitations for item in source(petition)]


class UnitStatisticsSerializer(serializers.Serializer):
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    total = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField())
    by_status = serializers.DictField(child=serializers.IntegerField())


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PetitionListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    channel = serializers.CharField()
    unit = UnitSerializer()
    handler = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    petitioner_name = serializers.SerializerMethodField(
        help_text="Empty when the identity is protected (denunciations): only the audited reveal shows it."
    )

    def get_handler(self, petition) -> str | None:
        return petition.handler.display_name if petition.handler else None

    def get_petitioner_name(self, petition) -> str:
        petitioner = getattr(petition, "petitioner", None)
        if petitioner is None or petition.identity_protected:
            return ""
        return petitioner.full_name


class PetitionerSerializer(serializers.Serializer):
    masked = serializers.BooleanField(help_text="True when the identity is protected: every field is then empty.")
    full_name = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    is_decision = serializers.BooleanField()


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.SerializerMethodField()
    reason = serializers.CharField()

    def get_actor(self, entry) -> str | None:
        return entry.actor.display_name if entry.actor else None


class DeadlineSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule.code", help_text="Rule code, e.g. complaint.first_resolution")
    name = serializers.CharField(source="rule.name")
    start_date = serializers.DateField()
    due_date = serializers.DateField()
    level = serializers.SerializerMethodField(help_text="none, due_soon, overdue or long_overdue")
    extensions = serializers.IntegerField()
    paused = serializers.BooleanField(source="is_paused", help_text="The case is suspended: the clock stands still.")
    closed_as = serializers.CharField(help_text="met, cancelled, or empty while open")

    def get_level(self, deadline) -> str:
        return {0: "none", 1: "due_soon", 2: "overdue", 3: "long_overdue"}[deadline.level]


class PetitionDetailSerializer(PetitionListSerializer):
    content = serializers.CharField()
    people_count = serializers.IntegerField()
    is_anonymous = serializers.BooleanField()
    is_complex = serializers.BooleanField()
    is_remote = serializers.BooleanField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    decision_text = serializers.CharField()
    forwarded_to = UnitSerializer(allow_null=True)
    forwarded_to_body = serializers.CharField()
    petitioner = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()

    def get_petitioner(self, petition) -> dict:
        source = getattr(petition, "petitioner", None)
        if source is None or petition.identity_protected:
            # Not even masked: the audited reveal is the only way to see a protected identity.
            return {"masked": True, **dict.fromkeys(("full_name", "id_number", "phone", "email", "address"), "")}
        return {
            "masked": False,
            "full_name": source.full_name,
            "id_number": source.id_number,
            "phone": source.phone,
            "email": source.email,
            "address": source.address,
        }

    def get_attachments(self, petition) -> list[dict]:
        result = []
        for number, a in enumerate(petition.attachments.all(), start=1):
            confidential = petition.identity_protected and not a.is_decision
            name = _("Attachment %(n)d") % {"n": number} if confidential else a.original_name
            result.append(
                {"id": a.pk, "name": name, "content_type": a.content_type, "size": a.size, "is_decision": a.is_decision}
            )
        return result

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, petition) -> list[dict]:
        return DeadlineSerializer(petition.deadlines.select_related("rule").order_by("due_date", "id"), many=True).data

    def get_history(self, petition) -> list[dict]:
        return HistorySerializer(selectors.petition_timeline(petition), many=True).data


class ActionSerializer(serializers.Serializer):
    """One action; which extra fields it needs is listed by GET .../transitions/."""

    action = serializers.ChoiceField(choices=Action.choices)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, help_text="classify")
    is_complex = serializers.BooleanField(required=False, default=False, help_text="classify")
    is_remote = serializers.BooleanField(required=False, default=False, help_text="classify")
    is_especially_complex = serializers.BooleanField(required=False, default=False, help_text="classify")
    decision_known_on = serializers.DateField(required=False, allow_null=True, help_text="classify")
    late_obstacle = serializers.ChoiceField(
        choices=Obstacle.choices, required=False, allow_blank=True, help_text="accept: a late complaint's obstacle"
    )
    signs_of_violation = serializers.BooleanField(required=False, default=False, help_text="withdraw")
    to_unit = serializers.IntegerField(required=False, min_value=1, help_text="forward: unit id")
    to_body = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="forward")
    duplicate_of = serializers.CharField(max_length=14, required=False, allow_blank=True, help_text="file")
    handler = serializers.IntegerField(required=False, min_value=1, help_text="assign: user id")
    decision_text = serializers.CharField(max_length=20000, required=False, allow_blank=True, help_text="resolve")
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True, help_text="note")


class AllowedActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    reason_required = serializers.BooleanField()


class TransitionsSerializer(serializers.Serializer):
    status = serializers.CharField()
    actions = AllowedActionSerializer(many=True)


# --- Public endpoints ---------------------------------------------------------------------------


class PublicApiView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class PetitionCreateApi(PublicApiView):
    # JSON only: attachments are filed through the web form, where uploads are checked by content.
    parser_classes = [JSONParser]

    @extend_schema(
        request=PetitionCreateSerializer,
        responses={201: PetitionCreatedSerializer, 400: OpenApiTypes.OBJECT, 429: ErrorSerializer},
        summary="File a petition",
    )
    def post(self, request):
        serializer = PetitionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        petition, access_key = services.petition_submit(
            kind=data["kind"],
            title=data["title"],
            content=data["content"],
            unit=data["unit"],
            petitioner=PetitionerData(
                full_name=data["full_name"],
                id_number=data["id_number"],
                phone=normalize_digits(data["phone"]),
                email=data.get("email", ""),
                address=data["address"],
            ),
            people_count=data["people_count"],
            confidential=data["confidential"],
        )
        return Response(
            {"tracking_code": petition.tracking_code, "access_key": access_key, "status": petition.status},
            status=status.HTTP_201_CREATED,
        )


class PetitionTrackApi(PublicApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=TrackQuerySerializer,
        responses={200: PublicStatusSerializer, 400: OpenApiTypes.OBJECT, 404: ErrorSerializer, 429: ErrorSerializer},
        summary="Track a petition with its code and access key (JSON body; keys are never sent in the address)",
    )
    def post(self, request):
        query = TrackQuerySerializer(data=request.data)
        query.is_valid(raise_exception=True)
        code, key = normalize_tracking_code(query.validated_data["code"]), query.validated_data["key"]
        petition, refusal = failure_guarded(
            request, key="track_code", ident=code, lookup=lambda: selectors.petition_track(code=code, key=key)
        )
        if refusal is not None:
            return refusal
        if petition is None:
            return Response(
                {"detail": _("No petition matches this code and access key. Check both and try again.")},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(PublicStatusSerializer(petition).data)

    @extend_schema(responses={400: ErrorSerializer}, summary="Refused: send the code and key by POST")
    def get(self, request):
        return Response(
            {"detail": _("Send the tracking code and access key by POST; access keys are not accepted in addresses.")},
            status=status.HTTP_400_BAD_REQUEST,
        )


class PublicUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)


class UnitPagination(PageNumberPagination):
    page_size = 200
    max_page_size = 500
    page_size_query_param = "page_size"


class UnitListApi(PublicApiView, ListAPIView):
    """Where to file: every unit of the portal, in tree order, for outside clients."""

    serializer_class = PublicUnitSerializer
    pagination_class = UnitPagination

    def get_queryset(self):
        return Unit.objects.select_related("parent").order_by("path", "id")

    @extend_schema(summary="Units a petition can be sent to (code, name, level, parent code)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class StatisticsApi(PublicApiView):
    @extend_schema(responses={200: UnitStatisticsSerializer(many=True)}, summary="Public statistics per unit")
    def get(self, request):
        return Response(UnitStatisticsSerializer(selectors.public_statistics(), many=True).data)


class ObtainTokenApi(PublicApiView):
    """Username and password → API token, for staff. Rate limited and subject to the log-in lockout."""

    @extend_schema(
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: ErrorSerializer,
            403: ErrorSerializer,
            429: ErrorSerializer,
        },
        summary="Obtain an API token (staff)",
    )
    def post(self, request):
        username = request.data.get("username") if isinstance(request.data, dict) else None
        password = request.data.get("password") if isinstance(request.data, dict) else None
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            return Response({"detail": _("Enter a username and a password.")}, status=status.HTTP_400_BAD_REQUEST)
        # The plain HttpRequest, so django-axes sees and marks the same object its middleware checks.
        user = authenticate(request._request, username=username[:150], password=password[:128])
        if getattr(request._request, "axes_locked_out", False):
            return Response(status=status.HTTP_429_TOO_MANY_REQUESTS)  # replaced by the lockout response
        if user is None or not user.is_active:
            return Response(
                {"detail": _("The username or password is not correct.")}, status=status.HTTP_400_BAD_REQUEST
            )
        if not jurisdiction_for(user).is_staff:
            return Response({"detail": _("API tokens are for staff only.")}, status=status.HTTP_403_FORBIDDEN)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# --- Staff endpoints ----------------------------------------------------------------------------


class IsStaffMember(BasePermission):
    def has_permission(self, request, view):
        return jurisdiction_for(request.user).is_staff


class StaffApiView(APIView):
    permission_classes = [IsAuthenticated, IsStaffMember]


class CaseloadPagination:
    """Keyset pages as in the list page (pagination.py), in DRF's cursor response shape."""

    page_size = 25
    max_page_size = 100
    SORTABLE = SORTABLE

    def paginate(self, querysets, request, ordering: tuple[str, str]):
        try:
            size = min(max(int(request.query_params.get("page_size", self.page_size)), 1), self.max_page_size)
        except ValueError:
            size = self.page_size
        self.request = request
        self.page = keyset_page(
            querysets,
            cursor=request.query_params.get("cursor"),
            size=size,
            ordering=ordering,
        )
        return self.page.object_list

    def _link(self, cursor):
        return replace_query_param(self.request.build_absolute_uri(), "cursor", cursor) if cursor else None

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )


FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Code, subject, name, ID number or phone"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values, many=True, explode=True),
    OpenApiParameter("unit", OpenApiTypes.INT),
    OpenApiParameter("handler", OpenApiTypes.INT),
    OpenApiParameter("received_from", OpenApiTypes.DATE),
    OpenApiParameter("received_to", OpenApiTypes.DATE),
    OpenApiParameter(
        "deadline", OpenApiTypes.INT, enum=[1, 2, 3], description="An open deadline at this level or beyond"
    ),
    OpenApiParameter(
        "worst_deadline", OpenApiTypes.INT, enum=[1, 2, 3], description="Most urgent open deadline at this level"
    ),
    OpenApiParameter(
        "ordering", OpenApiTypes.STR, enum=[f"{p}{f}" for f in sorted(CaseloadPagination.SORTABLE) for p in ("", "-")]
    ),
    OpenApiParameter("cursor", OpenApiTypes.STR),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


class StaffPetitionListApi(StaffApiView):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: PetitionListSerializer(many=True), 400: OpenApiTypes.OBJECT},
        summary="Caseload: the list page's filters, cursor pagination",
    )
    def get(self, request):
        petition_filter = PetitionFilter(
            request.query_params, queryset=selectors.petition_list(request.user), user=request.user, split_search=True
        )
        if not petition_filter.is_valid():
            return Response({"errors": petition_filter.errors}, status=status.HTTP_400_BAD_REQUEST)
        paginator = CaseloadPagination()
        ordering = petition_filter.keyset_ordering(request.query_params.get("ordering", ""))
        page = paginator.paginate(petition_filter.querysets(), request, ordering)
        return paginator.get_paginated_response(PetitionListSerializer(page, many=True).data)


class StaffPetitionDetailApi(StaffApiView):
    @extend_schema(responses={200: PetitionDetailSerializer, 404: ErrorSerializer}, summary="Petition detail")
    def get(self, request, pk):
        petition = selectors.petition_detail(request.user, pk)
        services.petition_read_record(petition=petition, actor=request.user, via=PetitionRead.Via.API)
        return Response(PetitionDetailSerializer(petition).data)


def _transitions(user, petition) -> dict:
    actions = services.allowed_actions(user=user, petition=petition)
    return {
        "status": petition.status,
        "actions": [
            {"action": a, "label": str(Action(a).label), "reason_required": a in REASON_REQUIRED} for a in actions
        ],
    }


class StaffPetitionTransitionsApi(StaffApiView):
    @extend_schema(responses={200: TransitionsSerializer, 404: ErrorSerializer}, summary="Actions allowed now")
    def get(self, request, pk):
        petition = selectors.petition_detail(request.user, pk)
        return Response(_transitions(request.user, petition))

    @extend_schema(
        request=ActionSerializer,
        responses={200: TransitionsSerializer, 400: OpenApiTypes.OBJECT, 404: ErrorSerializer},
        summary="Take an action (same rules and services as the detail page)",
    )
    def post(self, request, pk):
        petition = selectors.petition_detail(request.user, pk)
        serializer = ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        action = data.pop("action")
        if not access.may(request.user, f"petitions.{action}", petition):
            # No role for this action on this petition: refused like the page (403), not a rule broken.
            return Response(
                {"detail": _("You are not allowed to do this on this petition.")}, status=status.HTTP_403_FORBIDDEN
            )
        if action not in services.allowed_actions(user=request.user, petition=petition):
            if not action_possible_in(action, petition.status):
                message = _("“%(action)s” is not possible while the petition is “%(status)s”.") % {
                    "action": Action(action).label,
                    "status": petition.get_status_display(),
                }
            else:
                message = _("You are not allowed to do this on this petition.")
            return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)
        # The detail page's forms and dispatcher, so both interfaces apply exactly the same rules.
        form = actions.action_form(action, petition, request.user, {f"{action}-{k}": v for k, v in data.items()})
        if not form.is_valid():
            return Response({"detail": _("The action was not carried out."), "errors": form.errors}, status=400)
        try:
            actions.action_run(action, petition, request.user, form.cleaned_data)
        except PetitionError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        petition.refresh_from_db()
        return Response(_transitions(request.user, petition))


class CSVRenderer(BaseRenderer):
    """Lets a client that asks for text/csv reach the export. The export itself is streamed by
    petitions.exports; DRF renders only what it answers itself (a refusal, bad filters), and those
    come out as CSV too: one `field,message` row per message."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        out = io.StringIO()
        writer = csv.writer(out)
        for field, messages in _flatten(data):
            writer.writerow([field, formula_guard(messages)])
        return out.getvalue().encode()


def _flatten(data, prefix=""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _flatten(value, prefix)
    else:
        yield prefix, str(data)


class StaffExportApi(StaffApiView):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Unit id (its subtree is included)"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Received from"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Received to"),
        ],
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: OpenApiTypes.OBJECT},
        summary="Export for the national database (Decree 55/2022); denouncers masked",
    )
    def get(self, request):
        form = ExportForm(request.query_params, user=request.user)
        if not form.is_valid():
            return Response({"errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        return exports.petitions_csv_response(request.user, **form.cleaned_data)


urlpatterns = [
    path("auth/token/", ratelimit(key="api_token")(ObtainTokenApi.as_view()), name="api-token"),
    path("petitions/", ratelimit(key="petition_create")(PetitionCreateApi.as_view()), name="api-petition-create"),
    path(
        "petitions/track/",
        ratelimit(key="track", methods=ALL_METHODS)(PetitionTrackApi.as_view()),
        name="api-petition-track",
    ),
    path("statistics/", StatisticsApi.as_view(), name="api-statistics"),
    path("units/", UnitListApi.as_view(), name="api-units"),
    path("staff/petitions/", StaffPetitionListApi.as_view(), name="api-staff-petitions"),
    path("staff/petitions/<int:pk>/", StaffPetitionDetailApi.as_view(), name="api-staff-petition"),
    path(
        "staff/petitions/<int:pk>/transitions/",
        StaffPetitionTransitionsApi.as_view(),
        name="api-staff-petition-transitions",
    ),
    path("staff/exports/petitions.csv", StaffExportApi.as_view(), name="api-staff-export"),
]

"""Staff API for dialogues and hotspots: the token auth, jurisdiction and pagination of petitions/api.py."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from petitions.api import ErrorSerializer, StaffApiView, UnitSerializer

from . import selectors
from .forms import DialogueFilterForm, HotspotFilterForm
from .models import Minutes, RiskLevel
from .workflow import DialogueStatus, HotspotStatus


class PetitionRefSerializer(serializers.Serializer):
    """A petition by code, title, kind and state: never the petitioner."""

    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()


class DialogueListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    subject = serializers.CharField()
    unit = UnitSerializer()
    status = serializers.CharField()
    scheduled_at = serializers.DateTimeField()
    place = serializers.CharField()
    online_link = serializers.CharField()
    chair = serializers.SerializerMethodField()
    delegated = serializers.BooleanField(source="is_delegated")
    held_at = serializers.DateTimeField(allow_null=True)
    hotspot = serializers.IntegerField(source="hotspot_id", allow_null=True)
    petitions = serializers.SerializerMethodField()

    def get_chair(self, dialogue) -> str:
        return dialogue.chair.display_name

    def get_petitions(self, dialogue) -> list[dict]:
        return PetitionRefSerializer([link.petition for link in dialogue.links.all()], many=True).data


class MinutesSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.CharField()
    attendees = serializers.CharField()
    citizen_statements = serializers.CharField()
    authority_statements = serializers.CharField()
    agreed = serializers.CharField()
    disputed = serializers.CharField()
    correction_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    finalised_at = serializers.DateTimeField(allow_null=True)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    owner = serializers.SerializerMethodField()
    due_date = serializers.DateField()
    status = serializers.CharField()
    done_note = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)

    def get_owner(self, action) -> str:
        return action.owner.display_name


class DialogueDetailSerializer(DialogueListSerializer):
    agenda = serializers.CharField()
    what_to_bring = serializers.CharField()
    delegate_reason = serializers.CharField()
    other_participants = serializers.CharField()
    minutes = serializers.SerializerMethodField(help_text="All versions, newest first.")
    actions = serializers.SerializerMethodField()

    def get_minutes(self, dialogue) -> list[dict]:
        return MinutesSerializer(Minutes.objects.filter(dialogue=dialogue).order_by("-version"), many=True).data

    def get_actions(self, dialogue) -> list[dict]:
        return FollowUpSerializer(selectors.dialogue_actions(dialogue), many=True).data


class HotspotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    unit = UnitSerializer()
    basis = serializers.CharField()
    reason = serializers.CharField()
    risk_level = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    petitions = PetitionRefSerializer(many=True, source="petitions.all")

    def get_owner(self, hotspot) -> str | None:
        return hotspot.owner.display_name if hotspot.owner else None


class Pagination(CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class DialoguePagination(Pagination):
    ordering = ("-scheduled_at", "-id")


class HotspotPagination(Pagination):
    ordering = ("-created_at", "-id")


class StaffDialogueListApi(StaffApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Unit id (its subtree is included)"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=DialogueStatus.values),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: DialogueListSerializer(many=True), 400: OpenApiTypes.OBJECT},
        summary="Dialogues in your jurisdiction",
    )
    def get(self, request):
        form = DialogueFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            return Response({"errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        paginator = DialoguePagination()
        page = paginator.paginate_queryset(form.filter(selectors.api_dialogues(request.user)), request, view=self)
        return paginator.get_paginated_response(DialogueListSerializer(page, many=True).data)


class StaffDialogueDetailApi(StaffApiView):
    @extend_schema(
        responses={200: DialogueDetailSerializer, 404: ErrorSerializer},
        summary="Dialogue detail with minutes versions and follow-up actions",
    )
    def get(self, request, pk):
        return Response(DialogueDetailSerializer(get_object_or_404(selectors.api_dialogues(request.user), pk=pk)).data)


class StaffHotspotListApi(StaffApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Unit id (its subtree is included)"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=HotspotStatus.values),
            OpenApiParameter("risk_level", OpenApiTypes.STR, enum=RiskLevel.values),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: HotspotSerializer(many=True), 400: OpenApiTypes.OBJECT},
        summary="Hotspots in your jurisdiction, with their petitions",
    )
    def get(self, request):
        form = HotspotFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            return Response({"errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        paginator = HotspotPagination()
        page = paginator.paginate_queryset(form.filter(selectors.api_hotspots(request.user)), request, view=self)
        return paginator.get_paginated_response(HotspotSerializer(page, many=True).data)


class StaffHotspotDetailApi(StaffApiView):
    @extend_schema(responses={200: HotspotSerializer, 404: ErrorSerializer}, summary="Hotspot with its petitions")
    def get(self, request, pk):
        return Response(HotspotSerializer(get_object_or_404(selectors.api_hotspots(request.user), pk=pk)).data)


urlpatterns = [
    path("staff/dialogues/", StaffDialogueListApi.as_view(), name="api-staff-dialogues"),
    path("staff/dialogues/<int:pk>/", StaffDialogueDetailApi.as_view(), name="api-staff-dialogue"),
    path("staff/hotspots/", StaffHotspotListApi.as_view(), name="api-staff-hotspots"),
    path("staff/hotspots/<int:pk>/", StaffHotspotDetailApi.as_view(), name="api-staff-hotspot"),
]

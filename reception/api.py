"""Public reception API: the upcoming sessions of the public calendar, with the places left."""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Unit

from . import selectors


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    place = serializers.CharField()
    kind = serializers.CharField()
    capacity = serializers.IntegerField()
    places_left = serializers.IntegerField()


class SessionQuerySerializer(serializers.Serializer):
    unit = serializers.SlugField(required=False, allow_blank=True, help_text="Unit code; all units when absent")


class SessionPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


class UpcomingSessionsView(APIView):
    """Upcoming reception sessions open for booking (book them on the portal's calendar page)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(parameters=[SessionQuerySerializer], responses=SessionSerializer(many=True))
    def get(self, request):
        query = SessionQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return Response({"detail": _("No unit has this code."), "errors": query.errors}, status=400)
        unit = None
        code = query.validated_data.get("unit", "").strip()
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                return Response({"detail": _("No unit has this code.")}, status=400)
        paginator = SessionPagination()
        page = paginator.paginate_queryset(selectors.public_sessions(unit=unit), request, view=self)
        return paginator.get_paginated_response(SessionSerializer(page, many=True).data)


urlpatterns = [path("reception/sessions/", UpcomingSessionsView.as_view(), name="api-reception-sessions")]

"""GET /api/v1/deadlines/?rule=<code>&start=YYYY-MM-DD[&complex=1][&remote=1][&extensions=N]"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .forms import CalculatorForm


class CalculatorThrottle(AnonRateThrottle):
    scope = "deadline_calculator"
    rate = "120/min"


class DeadlineCalculatorApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [CalculatorThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "rule", OpenApiTypes.STR, required=True, description="Rule code, e.g. petition.processing"
            ),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="Day zero (YYYY-MM-DD)"),
            OpenApiParameter("complex", OpenApiTypes.STR, description="1/0, true/false or yes/no"),
            OpenApiParameter("especially_complex", OpenApiTypes.STR, description="1/0, true/false or yes/no"),
            OpenApiParameter("remote", OpenApiTypes.STR, description="1/0, true/false or yes/no"),
            OpenApiParameter("extensions", OpenApiTypes.INT),
        ],
        responses={
            200: inline_serializer(
                "DeadlineResult",
                {
                    "rule": serializers.CharField(),
                    "start": serializers.DateField(),
                    "due": serializers.DateField(),
                    "unit": serializers.ChoiceField(choices=["working", "calendar"]),
                    "length": serializers.IntegerField(),
                },
            ),
            400: inline_serializer("DeadlineError", {"detail": serializers.CharField()}),
        },
    )
    def get(self, request):
        form = CalculatorForm(request.query_params)
        # The API speaks ISO 8601 only: 01/02/2027 must never be guessed at.
        form.fields["start"].input_formats = ["%Y-%m-%d"]
        form.fields["start"].error_messages["invalid"] = _("Enter the start date as YYYY-MM-DD.")
        if not form.is_valid():
            messages = [f"{field}: {error}" for field, errors in form.errors.items() for error in errors]
            return Response({"detail": " ".join(messages), "errors": form.errors}, status=400)
        result = form.calculate()
        return Response(
            {
                "rule": result["rule"].code,
                "start": result["start"].isoformat(),
                "due": result["due"].isoformat(),
                "unit": result["unit"],
                "length": result["length"],
            }
        )


urlpatterns = [path("deadlines/", DeadlineCalculatorApi.as_view(), name="deadlines-calculator")]

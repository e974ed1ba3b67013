from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Finding, FindingHistory, ReportJob


class FindingHistoryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FindingHistory
    extra = 0
    fields = ("created_at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Findings are recorded and remedied through oversight's services, which write the history."""

    list_display = ("__str__", "unit", "head", "kind", "status", "recorded_on", "remedy_due", "remedied_on")
    list_filter = ("status", "kind")
    search_fields = ("title",)
    inlines = [FindingHistoryInline]


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "period", "format", "status", "progress", "requested_by", "created_at")
    list_filter = ("status", "format")

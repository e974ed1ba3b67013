"""Rules and calendar exceptions are edited here; every save goes through the services so open cases follow."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from . import services
from .models import CalendarException, Deadline, DeadlineRule, Escalation, Extension


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name"]

    def save_model(self, request, obj, form, change):
        services.calendar_exception_save(date=obj.date, kind=obj.kind, name=obj.name, exception=obj)

    def delete_model(self, request, obj):
        services.calendar_exception_delete(exception=obj)

    def delete_queryset(self, request, queryset):
        for exception in queryset:
            services.calendar_exception_delete(exception=exception)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "start_event", "length", "unit", "applies_to_kind", "max_extensions", "is_active"]
    list_filter = ["unit", "start_event", "is_active"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are a contract with the API, tests and exports.
        return ["code"] if obj else []

    def save_model(self, request, obj, form, change):
        services.deadline_rule_save(rule=obj)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Deadlines, escalations and extensions are records: changed only through the services."""


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["petition", "rule", "start_date", "due_date", "level", "extensions", "closed_as"]
    list_filter = ["level", "rule"]
    list_select_related = ["petition", "rule"]
    raw_id_fields = ["petition"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["deadline", "level", "round", "created_at"]
    list_filter = ["level"]
    list_select_related = ["deadline__rule"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["deadline", "decided_by", "decided_at", "days", "previous_due_date", "new_due_date"]
    list_select_related = ["deadline__rule", "decided_by"]

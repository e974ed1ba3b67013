import datetime

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from . import services
from .models import BookingEvent, ReceptionSchedule, ReceptionSession, RequiredFrequency, VisitIdentityReveal


@admin.register(RequiredFrequency)
class RequiredFrequencyAdmin(admin.ModelAdmin):
    list_display = ["level", "sessions", "period", "basis"]


@admin.register(ReceptionSchedule)
class ReceptionScheduleAdmin(admin.ModelAdmin):
    list_display = ["unit", "weekday", "day_of_month", "start_time", "end_time", "place", "capacity", "active"]
    list_filter = ["active", "unit__level"]
    list_select_related = ["unit"]
    actions = ["generate_sessions"]

    @admin.action(description=_("Generate the sessions of the next 8 weeks"))
    def generate_sessions(self, request, queryset):
        created = services.sessions_generate(until=timezone.localdate() + datetime.timedelta(weeks=8))
        self.message_user(request, _("%(n)d session(s) created.") % {"n": created}, messages.SUCCESS)


@admin.register(ReceptionSession)
class ReceptionSessionAdmin(admin.ModelAdmin):
    list_display = ["unit", "date", "start_time", "kind", "status", "held_by", "held_in_person", "capacity"]
    list_filter = ["status", "kind", "held_in_person"]
    list_select_related = ["unit", "held_by"]
    date_hierarchy = "date"
    readonly_fields = ["held_by", "held_in_person", "status"]


@admin.register(BookingEvent)
class BookingEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """History is append-only: visible, never edited."""

    list_display = ["booking", "from_status", "to_status", "created_at", "actor"]


@admin.register(VisitIdentityReveal)
class VisitIdentityRevealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The reveal log is append-only; the identity itself is never in the admin."""

    list_display = ["visit", "user", "created_at", "reason"]
    list_select_related = ["visit", "user"]

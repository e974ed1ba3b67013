from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Dialogue, DialogueEvent, FollowUpAction, Hotspot, HotspotEvent, HotspotThresholds, Minutes


@admin.register(HotspotThresholds)
class HotspotThresholdsAdmin(admin.ModelAdmin):
    """The thresholds are data an administrator edits; the newest active row applies."""

    list_display = [
        "period_days",
        "similar_min_petitions",
        "similarity",
        "group_min_people",
        "repeat_min_petitions",
        "repeat_period_days",
        "is_active",
        "updated_at",
    ]


# Dialogues, minutes, actions and hotspots change only through their services (history rows,
# deadlines, notifications): the admin shows them.
@admin.register(Dialogue)
class DialogueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "subject", "unit", "scheduled_at", "chair", "status"]
    list_filter = ["status"]
    list_select_related = ["unit", "chair"]


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["dialogue", "version", "status", "finalised_at"]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["description", "owner", "due_date", "status"]
    list_select_related = ["owner"]


@admin.register(Hotspot)
class HotspotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "title", "unit", "basis", "risk_level", "status"]
    list_filter = ["status", "basis", "risk_level"]
    list_select_related = ["unit"]


@admin.register(DialogueEvent)
class DialogueEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["dialogue", "target", "action", "from_status", "to_status", "actor", "created_at"]


@admin.register(HotspotEvent)
class HotspotEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["hotspot", "action", "from_status", "to_status", "actor", "created_at"]

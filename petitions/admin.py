from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import IdentityReveal, Petition, PetitionHistory, PetitionRead


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """History and cases are changed only through the services, never edited in the admin."""


class HistoryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PetitionHistory
    fields = ("created_at", "action", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    extra = 0


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    # The identity (Petitioner) is deliberately absent: it is read only through the audited reveal.
    list_display = ("tracking_code", "title", "kind", "status", "unit", "received_at")
    list_filter = ("kind", "status", "channel")
    search_fields = ("tracking_code", "title")
    list_select_related = ("unit",)
    exclude = ("access_key_digest",)
    inlines = [HistoryInline]


@admin.register(PetitionHistory)
class PetitionHistoryAdmin(ReadOnlyAdmin):
    list_display = ("petition", "action", "from_status", "to_status", "actor", "created_at")
    list_filter = ("action", "to_status")
    list_select_related = ("petition", "actor")


@admin.register(IdentityReveal)
class IdentityRevealAdmin(ReadOnlyAdmin):
    """The access log of denouncers' identities, for inspectors; append-only."""

    list_display = ("created_at", "petition", "user", "reason")
    list_select_related = ("petition", "user")
    date_hierarchy = "created_at"


@admin.register(PetitionRead)
class PetitionReadAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "petition", "user", "via")
    list_filter = ("via",)
    list_select_related = ("petition", "user")
    date_hierarchy = "created_at"

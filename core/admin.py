from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Membership, Notification, Unit, UnitHeadTerm, User

# The admin speaks the portal's name, in the user's language, not "Django administration".
admin.site.site_header = _("Portal administration")
admin.site.site_title = _("Portal administration")
admin.site.index_title = _("Site administration")
# django-axes has no verbose name of its own ("Axes"); its models' names come from our catalogue.
django_apps.get_app_config("axes").verbose_name = _("Log-in protection")


class ReadOnlyAdminMixin:
    """Records (history, logs, deadlines) are written by the services only: the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Portal"), {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]


class HeadTermInline(admin.TabularInline):
    model = UnitHeadTerm
    extra = 0
    can_delete = False
    readonly_fields = ("user", "started_on", "ended_on")

    def has_add_permission(self, request, obj=None):
        return False  # a new head is appointed with the action below, which closes the old term


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("indented_name", "code", "level")
    search_fields = ("name", "code")
    list_filter = ("level",)
    readonly_fields = ("path",)
    autocomplete_fields = ["parent"]
    inlines = [HeadTermInline]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return "— " * obj.depth + obj.name

    def save_model(self, request, obj, form, change):
        # The materialised path of the unit and its subtree is maintained by the services.
        if not change:
            created = services.unit_create(name=obj.name, code=obj.code, level=obj.level, parent=obj.parent)
            obj.pk, obj.path = created.pk, created.path
            return
        parent_changed = "parent" in form.changed_data
        new_parent = obj.parent
        obj.parent = Unit.objects.get(pk=obj.pk).parent
        super().save_model(request, obj, form, change)
        if parent_changed:
            services.unit_move(unit=obj, parent=new_parent)


@admin.register(UnitHeadTerm)
class UnitHeadTermAdmin(admin.ModelAdmin):
    list_display = ("unit", "user", "started_on", "ended_on")
    list_filter = ("unit",)
    autocomplete_fields = ["unit", "user"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        term = services.unit_head_assign(unit=obj.unit, user=obj.user, started_on=obj.started_on)
        obj.pk = term.pk


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "created_at", "read_at", "email_status", "email_attempts")
    list_filter = ("email_status", "created_at")
    search_fields = ("title", "recipient__username", "recipient__full_name")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


UNDELIVERED = (Notification.EmailStatus.FAILED, Notification.EmailStatus.SKIPPED)
_admin_index = admin.site.index


def admin_index_with_undelivered(request, extra_context=None):
    """The admin index tells the administrator how many e-mails never went out (failed, or no address)."""
    count = Notification.objects.filter(email_status__in=UNDELIVERED).count()
    link = reverse("admin:core_notification_changelist") + "?email_status__in=" + ",".join(UNDELIVERED)
    return _admin_index(request, {"undelivered_emails": count, "undelivered_link": link, **(extra_context or {})})


admin.site.index = admin_index_with_undelivered

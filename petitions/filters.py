import django_filters
from django.db.models import IntegerField, OuterRef, Subquery
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.models import Role, User
from core.selectors import jurisdiction_for, units_visible_to
from deadlines.models import Deadline, Level

from .models import Kind, Petition
from .selectors import petition_search_q
from .workflow import Status


def worst_open_level() -> Subquery:
    """A petition's most urgent open deadline level: the staff overview counts by it and opens this
    filter, so each count equals the list it opens."""
    return Subquery(
        Deadline.objects.filter(petition=OuterRef("pk"), closed_at__isnull=True).order_by("-level").values("level")[:1],
        output_field=IntegerField(),
    )


SORT_LABELS = {
    "received_at": _("Date received"),
    "status": _("Status"),
    "kind": _("Kind"),
    "title": _("Subject"),
}


class PetitionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=None)
    handler = django_filters.ModelChoiceFilter(label=_("Handler"), queryset=None)
    received_from = django_filters.DateFilter(
        label=_("Received from"), field_name="received_at", lookup_expr="date__gte"
    )
    received_to = django_filters.DateFilter(label=_("Received to"), field_name="received_at", lookup_expr="date__lte")
    deadline = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=[(level.value, level.label) for level in Level if level != Level.NONE],
        method="at_deadline_level",
    )
    worst_deadline = django_filters.ChoiceFilter(
        label=_("Most urgent deadline"),
        choices=[(level.value, level.label) for level in Level if level != Level.NONE],
        method="at_worst_deadline_level",
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("received_at", "received_at"), ("status", "status"), ("kind", "kind"), ("title", "title")),
        # Lazy labels for both directions: django-filter's own "%s (descending)" is formatted once at
        # import, in whatever language is active then, and it has no Vietnamese catalogue.
        field_labels={
            **SORT_LABELS,
            **{f"-{field}": format_lazy(_("{} (descending)"), label) for field, label in SORT_LABELS.items()},
        },
    )

    class Meta:
        model = Petition
        fields = [
            "q",
            "kind",
            "status",
            "unit",
            "handler",
            "received_from",
            "received_to",
            "deadline",
            "worst_deadline",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = units_visible_to(user)
        self.filters["handler"].queryset = (
            User.objects.filter(
                memberships__unit_id__in=jurisdiction_for(user).unit_ids,
                memberships__role__in=[Role.HANDLER, Role.HEAD],
            )
            .distinct()
            .order_by("full_name")
        )

    def at_deadline_level(self, queryset, name, value):
        """Petitions with an open deadline at this warning level or beyond (an inspector's audit list)."""
        return queryset.filter(
            pk__in=Deadline.objects.filter(closed_at__isnull=True, level__gte=int(value)).values("petition_id")
        )

    def at_worst_deadline_level(self, queryset, name, value):
        """Petitions whose most urgent open deadline is at exactly this level."""
        return queryset.annotate(worst_level=worst_open_level()).filter(worst_level=int(value))

    def search(self, queryset, name, value):
        return queryset.filter(petition_search_q(value)) if value.strip() else queryset

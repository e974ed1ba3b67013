import django_filters
from django.utils.translation import gettext_lazy as _

from core.models import Role, User
from core.selectors import jurisdiction_for, units_visible_to
from deadlines.models import Deadline, Level

from .models import Kind, Petition
from .selectors import petition_search_q, petition_search_qs
from .workflow import Status

SORTABLE = frozenset({"received_at", "status", "kind", "title"})


def caseload_ordering(value: str) -> tuple[str, str]:
    """The `ordering` parameter as a total order for keyset pages: the field, then the id the same way."""
    if value.lstrip("-") in SORTABLE:
        return (value, "-id" if value.startswith("-") else "id")
    return ("-received_at", "-id")


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
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("received_at", "received_at"), ("status", "status"), ("kind", "kind"), ("title", "title")),
        field_labels={
            "received_at": _("Date received"),
            "status": _("Status"),
            "kind": _("Kind"),
            "title": _("Subject"),
        },
    )

    class Meta:
        model = Petition
        fields = ["q", "kind", "status", "unit", "handler", "received_from", "received_to", "deadline"]

    def __init__(self, *args, user=None, split_search=False, **kwargs):
        super().__init__(*args, **kwargs)
        # With split_search, `q` is left out of `qs` and `querysets()` gives one queryset per side of the
        # search (the petition's columns, the petitioner's), each with its own index: see pagination.py.
        self.split_search, self.search_text = split_search, ""
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

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        if self.split_search:
            self.search_text = value
            return queryset
        return queryset.filter(petition_search_q(value))

    def querysets(self) -> list:
        """The filtered caseload, as one queryset or (when searching with split_search) one per side."""
        queryset = self.qs if self.is_bound and self.is_valid() else self.queryset
        if not self.search_text:
            return [queryset]
        return [queryset.filter(q) for q in petition_search_qs(self.search_text)]

import django_filters
from django import forms
from django.db import connection
from django.db.models import IntegerField, OuterRef, Subquery
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
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


class FastSelect(forms.Select):
    """A select whose options are built in Python, not one template render per option.

    A city head's caseload filter lists some 150 units and 700 handlers; Django's per-option
    templates cost over 100 ms a page there, this about 2 ms. No option groups (none are used).
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = value if isinstance(value, list | tuple) else [value]
        chosen = {str(v) for v in chosen if v not in (None, "")}
        options = "".join(
            f'<option value="{escape(option_value if option_value is not None else "")}"'
            f"{' selected' if str(option_value) in chosen else ''}>{escape(label)}</option>"
            for option_value, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))


class FastSelectMultiple(FastSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return forms.SelectMultiple().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return False


def kept_by_database() -> bool:
    """Whether the derived tables are kept by database triggers: `PetitionAlert` (petitions' worst
    deadline levels, migration 0015) and `StatusCount` (petitions per unit and state, 0016). PostgreSQL
    only; elsewhere (SQLite in development) the levels are read from the deadlines and states counted."""
    return connection.vendor == "postgresql"


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
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices, widget=FastSelect)
    # No DISTINCT (the default): the filter joins nothing, and DISTINCT sorts every matching row.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=FastSelectMultiple, distinct=False
    )
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=None, widget=FastSelect)
    # Plain (id, name) choices, not model instances: a city's caseload lists hundreds of handlers.
    handler = django_filters.TypedChoiceFilter(
        label=_("Handler"), field_name="handler_id", coerce=int, choices=[], widget=FastSelect
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"), field_name="received_at", lookup_expr="date__gte"
    )
    received_to = django_filters.DateFilter(label=_("Received to"), field_name="received_at", lookup_expr="date__lte")
    deadline = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=[(level.value, level.label) for level in Level if level != Level.NONE],
        method="at_deadline_level",
        widget=FastSelect,
    )
    worst_deadline = django_filters.ChoiceFilter(
        label=_("Most urgent deadline"),
        choices=[(level.value, level.label) for level in Level if level != Level.NONE],
        method="at_worst_deadline_level",
        widget=FastSelect,
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        widget=FastSelect,
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

    def __init__(self, *args, user=None, split_search=False, **kwargs):
        super().__init__(*args, **kwargs)
        # With split_search, `q` is left out of `qs` and `querysets()` gives one queryset per side of the
        # search (the petition's columns, the petitioner's), each with its own index: see pagination.py.
        self.split_search, self.search_text = split_search, ""
        self.user = user
        self.filters["unit"].queryset = units_visible_to(user)
        handlers = (
            User.objects.filter(
                memberships__unit_id__in=jurisdiction_for(user).unit_ids,
                memberships__role__in=[Role.HANDLER, Role.HEAD],
            )
            .distinct()
            .order_by("full_name", "username")
            .values_list("id", "full_name", "username")
        )
        self.filters["handler"].extra["choices"] = lambda: [(pk, name or login) for pk, name, login in handlers]

    def at_deadline_level(self, queryset, name, value):
        """Petitions with an open deadline at this warning level or beyond (an inspector's audit list)."""
        if kept_by_database():
            # A walk of alert_caseload_order in caseload order (keyset_ordering, docs/performance.md).
            return self._alerts(queryset).filter(alert__level__gte=int(value))
        return queryset.filter(
            pk__in=Deadline.objects.filter(closed_at__isnull=True, level__gte=int(value)).values("petition_id")
        )

    def at_worst_deadline_level(self, queryset, name, value):
        """Petitions whose most urgent open deadline is at exactly this level."""
        if kept_by_database():
            return self._alerts(queryset).filter(alert__level=int(value))
        return queryset.annotate(worst_level=worst_open_level()).filter(worst_level=int(value))

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        if self.split_search:
            self.search_text = value
            return queryset
        return queryset.filter(petition_search_q(value))

    def _alerts(self, queryset):
        """The caseload joined to its alerts, the jurisdiction stated on the alert's copy of the unit too:
        the walk of alert_caseload_order then skips other units' rows inside the index (a commune head's
        list: 5 ms instead of 87 at a million, docs/performance.md)."""
        return queryset.filter(alert__unit_id__in=jurisdiction_for(self.user).unit_ids).select_related("alert")

    def keyset_ordering(self, value: str) -> tuple[str, str]:
        """The total order of the pages for the `ordering` parameter.

        Filtered by deadline level and in caseload order, the same order is read from the alert's copy
        of the receipt date and id: the database then walks alert_caseload_order and stops at the page's
        end, the same cost at any depth (ordering by the petition's own columns would collect and sort
        every alert of the jurisdiction first).
        """
        ordering = caseload_ordering(value)
        if kept_by_database() and ordering[0].lstrip("-") == "received_at" and self._level_filtered():
            way = "-" if ordering[0].startswith("-") else ""
            return (f"{way}alert__received_at", f"{way}alert__petition_id")
        return ordering

    def _level_filtered(self) -> bool:
        return bool(
            self.is_bound
            and self.is_valid()
            and (self.form.cleaned_data.get("deadline") or self.form.cleaned_data.get("worst_deadline"))
        )

    def querysets(self) -> list:
        """The filtered caseload, as one queryset or (when searching with split_search) one per side."""
        queryset = self.qs if self.is_bound and self.is_valid() else self.queryset
        if not self.search_text:
            return [queryset]
        return [queryset.filter(q) for q in petition_search_qs(self.search_text)]

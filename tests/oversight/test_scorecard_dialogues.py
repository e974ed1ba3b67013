"""Dialogues and hotspots on the scorecard (issue 11), on the hand-built quarter of conftest.engagement."""

import datetime

import pytest

from oversight import selectors
from oversight.periods import parse_period
from oversight.scorecard import FIGURES, SOURCES, Window, comparison, figure_cases, scorecard

Q1 = parse_period("2026-Q1")
TODAY = datetime.date(2026, 4, 10)
KEYS = [key for key, figure in FIGURES.items() if figure.source in ("dialogues", "hotspots")]

EXPECTED = {
    # Head A: D1 and D2 (D3 was delegated); H1 due 19/01 and handled 16/01, closed 30/01.
    "chutich": {
        "dialogues_held": 2,
        "dialogues_minutes_on_time": 1,
        "dialogues_minutes_late": 1,
        "hotspots_response_due": 1,
        "hotspots_handled_on_time": 1,
        "hotspots_handled_late": 0,
        "hotspots_open": 0,
    },
    # Head B: D4 on time, D5 pending (minutes due 03/04); H2 late and open, H3 open but not yet due.
    "chutich_moi": {
        "dialogues_held": 2,
        "dialogues_minutes_on_time": 1,
        "dialogues_minutes_late": 0,
        "hotspots_response_due": 1,
        "hotspots_handled_on_time": 0,
        "hotspots_handled_late": 1,
        "hotspots_open": 2,
    },
    # The unit as a whole: the delegated D3 counts, and its minutes are overdue.
    None: {
        "dialogues_held": 5,
        "dialogues_minutes_on_time": 2,
        "dialogues_minutes_late": 2,
        "hotspots_response_due": 2,
        "hotspots_handled_on_time": 1,
        "hotspots_handled_late": 1,
        "hotspots_open": 2,
    },
}


def _scope(case, username):
    if username is None:
        return None, Window(Q1.start, Q1.end, TODAY)
    windows = {head.username: window for head, window in selectors.head_windows(case.org.commune, Q1, TODAY)}
    return (case.head_a if username == "chutich" else case.head_b), windows[username]


def test_the_figures_are_registered_in_their_groups():
    assert set(KEYS) == set(EXPECTED[None])
    assert FIGURES["dialogues_minutes_on_time"].rate_of == "dialogues_held"
    assert FIGURES["hotspots_handled_late"].bad


@pytest.mark.parametrize("username", ["chutich", "chutich_moi", None])
def test_dialogue_and_hotspot_figures_have_the_known_answer(engaged_april, username):
    head, window = _scope(engaged_april, username)
    card = scorecard(unit=engaged_april.org.commune, window=window, head=head)
    assert {key: card.values[key].value for key in KEYS} == EXPECTED[username]


@pytest.mark.parametrize("username", ["chutich", "chutich_moi", None])
def test_each_figure_lists_exactly_its_cases(engaged_april, username):
    head, window = _scope(engaged_april, username)
    card = scorecard(unit=engaged_april.org.commune, window=window, head=head)
    for key, figure in FIGURES.items():
        cases = figure_cases(figure=figure, unit=engaged_april.org.commune, window=window, head=head)
        if SOURCES[figure.source].case_kind == "reception_days":
            count = len(set(cases.values_list("date", flat=True)))
        else:
            count = cases.count()
        assert count == card.values[key].value, key


def test_the_lists_name_the_right_cases(engaged_april):
    case = engaged_april
    unit = case.org.commune

    def cases(key, username):
        head, window = _scope(case, username)
        return set(figure_cases(figure=FIGURES[key], unit=unit, window=window, head=head))

    assert cases("dialogues_held", "chutich") == {case.d1, case.d2}
    assert cases("dialogues_minutes_late", "chutich") == {case.d2}
    assert cases("dialogues_minutes_late", None) == {case.d2, case.d3}
    assert cases("dialogues_minutes_on_time", "chutich_moi") == {case.d4}
    assert cases("hotspots_handled_late", "chutich_moi") == {case.h2}
    assert cases("hotspots_open", "chutich_moi") == {case.h2, case.h3}
    assert cases("hotspots_open", None) == {case.h2, case.h3}
    assert case.h4 not in cases("hotspots_open", None)


def test_rates_show_their_counts(engaged_april):
    head, window = _scope(engaged_april, "chutich")
    card = scorecard(unit=engaged_april.org.commune, window=window, head=head)
    assert card.values["dialogues_minutes_on_time"].display() == "1/2 (50%)"
    assert card.values["hotspots_handled_on_time"].display() == "1/1 (100%)"


def test_the_comparison_counts_the_same_and_queries_stay_flat(engaged_april, django_assert_num_queries):
    window = Window(Q1.start, Q1.end, TODAY)
    units = [engaged_april.org.commune, engaged_april.org.other_commune]
    with django_assert_num_queries(len(SOURCES) + 1):
        cards = {card.unit.pk: card for card in comparison(units=units, window=window)}
    commune = cards[engaged_april.org.commune.pk]
    assert {key: commune.values[key].value for key in KEYS} == EXPECTED[None]
    assert all(cards[engaged_april.org.other_commune.pk].values[key].value == 0 for key in KEYS)
    with django_assert_num_queries(len(SOURCES) + 1):
        scorecard(unit=engaged_april.org.commune, window=window, head=engaged_april.head_b)

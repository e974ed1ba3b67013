import datetime

import pytest

from oversight import selectors
from oversight.periods import parse_period
from oversight.scorecard import FIGURES, SOURCES, Window, comparison, figure_cases, scorecard

Q1 = parse_period("2026-Q1")
TODAY = datetime.date(2026, 4, 10)

EXPECTED_A = {
    "received": 3,
    "received_complaint": 0,
    "received_denunciation": 1,
    "received_recommendation": 0,
    "received_reflection": 2,
    # Clocks met: P1 processing and reply; P2 processing (late, long overdue); P4 processing, intake, notice.
    "handled": 6,
    "handled_late": 1,
    "handled_on_time": 5,
    "handled_long_overdue": 1,
    "open_overdue": 1,  # P2's reply on 28/02
    "open_long_overdue": 1,
    "reception_days": 1,  # two sessions on 10/01 are one day; the delegate's 20/01 does not count
    "findings": 1,
    "findings_remedy_due": 1,
    "findings_remedied_on_time": 1,
    "findings_remedy_late": 0,
    "written_answers_due": 1,
    "written_answers_on_time": 1,
    "written_answers_late": 0,
    "dialogues_held": 0,
    "dialogues_minutes_on_time": 0,
    "dialogues_minutes_late": 0,
    "hotspots_response_due": 0,
    "hotspots_handled_on_time": 0,
    "hotspots_handled_late": 0,
    "hotspots_open": 0,
}
EXPECTED_B = {
    "received": 2,  # P3 and the forwarded P5'
    "received_complaint": 0,
    "received_denunciation": 0,
    "received_recommendation": 0,
    "received_reflection": 2,
    # P3 processing; P4 resolution (within the extension); P5' processing and reply.
    "handled": 4,
    "handled_late": 0,
    "handled_on_time": 4,
    "handled_long_overdue": 0,
    "open_overdue": 1,  # P2; P3 is past due but suspended
    "open_long_overdue": 1,
    "reception_days": 1,
    "findings": 1,
    "findings_remedy_due": 1,
    "findings_remedied_on_time": 0,
    "findings_remedy_late": 1,
    "written_answers_due": 1,
    "written_answers_on_time": 0,
    "written_answers_late": 1,
    "dialogues_held": 0,
    "dialogues_minutes_on_time": 0,
    "dialogues_minutes_late": 0,
    "hotspots_response_due": 0,
    "hotspots_handled_on_time": 0,
    "hotspots_handled_late": 0,
    "hotspots_open": 0,
}


def _windows(quarter):
    return {head.username: window for head, window in selectors.head_windows(quarter.org.commune, Q1, TODAY)}


def test_a_head_who_changed_mid_period_is_scored_for_their_own_term(april):
    windows = _windows(april)
    assert windows["chutich"] == Window(datetime.date(2026, 1, 1), datetime.date(2026, 2, 28), TODAY)
    assert windows["chutich_moi"] == Window(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), TODAY)


@pytest.mark.parametrize(("username", "expected"), [("chutich", EXPECTED_A), ("chutich_moi", EXPECTED_B)])
def test_every_figure_has_the_known_answer(april, username, expected):
    head = april.head_a if username == "chutich" else april.head_b
    card = scorecard(unit=april.org.commune, window=_windows(april)[username], head=head)
    assert {key: value.value for key, value in card.values.items()} == expected


def test_rates_and_targets_show_their_counts(april):
    card = scorecard(unit=april.org.commune, window=_windows(april)["chutich"], head=april.head_a)
    assert card.values["handled_on_time"].display() == "5/6 (83%)"
    # Commune heads owe 2 days a month: January and February.
    assert card.values["reception_days"].display() == "1/4 (25%)"
    card_b = scorecard(unit=april.org.commune, window=_windows(april)["chutich_moi"], head=april.head_b)
    assert card_b.values["reception_days"].display() == "1/2 (50%)"


@pytest.mark.parametrize("username", ["chutich", "chutich_moi", None])
def test_each_figure_lists_exactly_its_cases(april, username):
    if username is None:
        head, window = None, Window(Q1.start, Q1.end, TODAY)
    else:
        head = april.head_a if username == "chutich" else april.head_b
        window = _windows(april)[username]
    card = scorecard(unit=april.org.commune, window=window, head=head)
    for key, figure in FIGURES.items():
        cases = figure_cases(figure=figure, unit=april.org.commune, window=window, head=head)
        if SOURCES[figure.source].case_kind == "reception_days":
            count = len(set(cases.values_list("date", flat=True)))
        else:
            count = cases.count()
        assert count == card.values[key].value, key


def test_the_lists_name_the_right_cases(april):
    window_a, window_b = _windows(april)["chutich"], _windows(april)["chutich_moi"]
    unit = april.org.commune

    def cases(key, window, head):
        return list(figure_cases(figure=FIGURES[key], unit=unit, window=window, head=head))

    def clocks(key, window, head):
        return {(d.petition.title[:2], d.rule.code) for d in cases(key, window, head)}

    assert clocks("handled_late", window_a, april.head_a) == {("P2", "petition.processing")}
    assert clocks("handled_on_time", window_b, april.head_b) == {
        ("P3", "petition.processing"),
        ("P4", "denunciation.resolution"),  # met 05/03, due 09/03 after the extension
        ("P5", "petition.processing"),
        ("P5", "reflection.reply"),
    }
    assert clocks("open_overdue", window_b, april.head_b) == {("P2", "reflection.reply")}  # not the suspended P3
    assert cases("findings_remedy_late", window_b, april.head_b) == [april.f2]


def test_the_forwarded_case_is_counted_where_it_was_handled(april):
    cards = {
        card.unit.code: card
        for card in comparison(
            units=[april.org.commune, april.org.other_commune], window=Window(Q1.start, Q1.end, TODAY)
        )
    }
    met = figure_cases(
        figure=FIGURES["handled_on_time"], unit=april.org.commune, window=Window(Q1.start, Q1.end, TODAY)
    )
    assert {d.rule.code for d in met if d.petition == april.p5b} == {"petition.processing", "reflection.reply"}
    # The forwarding unit received it and met its processing step by forwarding; nothing more.
    # The forwarding unit received it; forwarding met its processing and reply clocks; nothing more.
    assert cards["hoan-kiem"].values["received"].value == 1
    assert cards["hoan-kiem"].values["handled"].value == 2
    assert cards["ba-dinh"].values["received"].value == 5
    assert cards["ba-dinh"].values["handled"].value == 10


def test_the_comparison_equals_the_unit_scorecards(april, django_assert_num_queries):
    window = Window(Q1.start, Q1.end, TODAY)
    units = [april.org.city, april.org.commune, april.org.other_commune, april.org.department]
    with django_assert_num_queries(len(SOURCES) + 1):  # one per source, plus the frequencies
        cards = comparison(units=units, window=window)
    for card in cards:
        single = scorecard(unit=card.unit, window=window)
        assert {k: v.value for k, v in card.values.items()} == {k: v.value for k, v in single.values.items()}


def test_the_number_of_queries_does_not_grow_with_the_units(april, django_assert_num_queries):
    from tests.factories import make_unit

    window = Window(Q1.start, Q1.end, TODAY)
    extra = [make_unit(f"Xã {i}", f"xa-{i}", "commune", parent=april.org.city) for i in range(15)]
    with django_assert_num_queries(len(SOURCES) + 1):
        comparison(units=[april.org.commune, *extra], window=window)
    with django_assert_num_queries(len(SOURCES) + 1):
        scorecard(unit=april.org.commune, window=window, head=april.head_b)

import pytest

from reception.rules import (
    representatives_error,
    representatives_rule,
    required_sessions_in_month,
    weeks_in_month,
)


@pytest.mark.parametrize(
    ("people", "minimum", "maximum"),
    [(1, 0, 1), (4, 0, 4), (5, 1, 2), (10, 1, 2), (11, 1, 5), (300, 1, 5)],
)
def test_representatives_rule_by_group_size(people, minimum, maximum):
    rule = representatives_rule(people)
    assert (rule.minimum, rule.maximum) == (minimum, maximum)


@pytest.mark.parametrize(
    ("people", "representatives", "ok"),
    [
        (3, 0, True),
        (5, 0, False),
        (5, 1, True),
        (10, 2, True),
        (10, 3, False),
        (11, 3, True),
        (11, 5, True),
        (11, 6, False),
    ],
)
def test_representatives_error_only_when_the_rule_is_broken(people, representatives, ok):
    assert (representatives_error(people, representatives) is None) is ok


def test_error_message_names_the_limit():
    assert "2" in representatives_error(8, 3)


def test_weekly_frequency_counts_iso_weeks_of_the_month():
    assert weeks_in_month(2025, 10) == 5  # Thursdays 2, 9, 16, 23, 30
    assert weeks_in_month(2025, 11) == 4
    assert required_sessions_in_month(1, "week", 2025, 10) == 5
    assert required_sessions_in_month(2, "month", 2025, 10) == 2

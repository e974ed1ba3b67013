import datetime

import pytest

from deadlines.services import compute_due_dates

D = datetime.date


@pytest.mark.parametrize(
    ("code", "start", "variants", "due"),
    [
        # Hùng Kings (observed Mon 27 Apr), 30 Apr and 1 May.
        ("petition.processing", D(2026, 4, 23), {}, D(2026, 5, 12)),
        # Tết 2027, 4–10 Feb.
        ("reg11.written_notice", D(2027, 2, 3), {}, D(2027, 2, 24)),
        # National Day 2026: 31 Aug (swapped), 1 and 2 Sep.
        ("complaint.acceptance", D(2026, 8, 28), {}, D(2026, 9, 16)),
        # 30 calendar days end on Tết eve 2026 → the Monday after Tết.
        ("complaint.first_resolution", D(2026, 1, 17), {}, D(2026, 2, 23)),
        ("complaint.first_resolution", D(2026, 1, 17), {"is_complex": True}, D(2026, 3, 3)),
        ("complaint.first_resolution", D(2026, 1, 17), {"is_remote": True}, D(2026, 3, 3)),
        ("complaint.first_resolution", D(2026, 1, 17), {"is_complex": True, "is_remote": True}, D(2026, 3, 18)),
        # 45 days end on 30 Apr 2026 → 1 May, then the weekend → Monday 4 May.
        ("complaint.second_resolution", D(2026, 3, 16), {}, D(2026, 5, 4)),
        ("complaint.second_resolution", D(2026, 3, 16), {"is_complex": True}, D(2026, 5, 15)),
        ("complaint.second_resolution", D(2026, 3, 16), {"is_complex": True, "is_remote": True}, D(2026, 5, 25)),
        ("complaint.filing_limit", D(2026, 1, 1), {}, D(2026, 4, 1)),
        ("complaint.second_filing_limit", D(2026, 1, 1), {"is_remote": True}, D(2026, 2, 23)),
        # New Year 2027 is a Friday.
        ("denunciation.intake", D(2026, 12, 25), {}, D(2027, 1, 6)),
        # Vietnamese Culture Day, 24 Nov 2026.
        ("denunciation.acceptance_notice", D(2026, 11, 20), {}, D(2026, 11, 30)),
        # 30 days end on Tết eve 2027 → Thursday 11 Feb; each extension adds 30 calendar days.
        ("denunciation.resolution", D(2027, 1, 6), {}, D(2027, 2, 11)),
        ("denunciation.resolution", D(2027, 1, 6), {"extensions": 1}, D(2027, 3, 8)),
        ("denunciation.resolution", D(2027, 1, 6), {"extensions": 2}, D(2027, 4, 6)),
        # Hùng Kings 16 Apr 2027, 30 Apr, 1 May on a Saturday observed Monday 3 May.
        ("recommendation.reply", D(2027, 4, 12), {}, D(2027, 5, 6)),
        ("reflection.reply", D(2027, 4, 12), {}, D(2027, 5, 6)),
    ],
)
def test_each_rule_across_weekends_and_holidays(rules, code, start, variants, due):
    assert compute_due_dates(rule=rules[code], start=start, **variants).due_date == due


def test_thresholds_are_working_days_around_the_due_date(rules):
    dates = compute_due_dates(rule=rules["petition.processing"], start=D(2026, 2, 9))
    assert dates.due_date == D(2026, 3, 2)
    assert dates.due_soon_from == D(2026, 2, 25)  # 3 working days before
    assert dates.long_overdue_after == D(2026, 3, 16)  # 10 working days after


def test_the_seeded_rules_are_the_contract_codes(rules):
    assert set(rules) >= {
        "petition.processing",
        "reg11.written_notice",
        "complaint.acceptance",
        "complaint.first_resolution",
        "complaint.second_resolution",
        "denunciation.intake",
        "denunciation.acceptance_notice",
        "denunciation.resolution",
        "recommendation.reply",
        "reflection.reply",
    }
    assert rules["denunciation.resolution"].max_extensions == 2
    assert rules["denunciation.resolution"].extension_length == 30

import datetime

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from core.models import Notification
from dialogues import hotspots
from dialogues.hotspots import _similar_pairs_plain, _similar_pairs_trigram, word_overlap
from dialogues.models import Hotspot, HotspotThresholds, RiskLevel, SuggestionBasis
from dialogues.services import DialogueDenied, DialogueError
from dialogues.workflow import HotspotStatus
from petitions.models import Kind
from petitions.services import normalize_for_search
from reception import services as reception_services
from tests.factories import make_petition

CLEARANCE = [
    "Phản đối giải phóng mặt bằng dự án đường Vành đai 1",
    "Khiếu nại giải phóng mặt bằng dự án đường Vành đai 1",
    "Giải phóng mặt bằng dự án đường Vành đai 1 chưa thỏa đáng",
    "Kiến nghị về giải phóng mặt bằng dự án đường Vành đai 1",
    "Giải phóng mặt bằng đường Vành đai 1: bồi thường thấp",
    "Về giải phóng mặt bằng dự án đường Vành đai 1",
]


@pytest.fixture
def limits(db):
    HotspotThresholds.objects.all().delete()
    return HotspotThresholds.objects.create(
        period_days=30,
        similar_min_petitions=5,
        similarity=0.45,
        group_min_people=5,
        repeat_min_petitions=3,
        repeat_period_days=180,
    )


def file(unit, titles, **kwargs):
    return [
        make_petition(unit, title=title, id_number=f"0011900{i:05d}", phone=f"09120{i:05d}", **kwargs)
        for i, title in enumerate(titles, start=len(titles) * 100 + unit.pk * 1000)
    ]


def test_many_similar_petitions_at_one_unit_are_suggested_once(org, limits):
    petitions = file(org.commune, CLEARANCE[:5])
    file(org.commune, ["Tiếng ồn quán karaoke ban đêm"])  # another matter
    created = hotspots.hotspots_suggest()
    assert len(created) == 1
    hotspot = created[0]
    assert hotspot.basis == SuggestionBasis.SIMILAR_MATTER and hotspot.status == HotspotStatus.SUGGESTED
    assert set(hotspot.petitions.values_list("pk", flat=True)) == {p.pk for p in petitions}
    assert Notification.objects.filter(recipient=org.head, url__contains="status=suggested").exists()
    assert hotspots.hotspots_suggest() == []  # idempotent


def test_the_set_based_suggestion_starts_each_hotspots_audit_chain(org, limits):
    from core.audit import verify_chain
    from dialogues.models import HotspotEvent

    file(org.commune, CLEARANCE[:5])
    (hotspot,) = hotspots.hotspots_suggest()
    hotspots.hotspot_dismiss(hotspot=hotspot, actor=org.head, reason="Không phải điểm nóng")
    first, second = HotspotEvent.objects.filter(hotspot=hotspot).order_by("pk")
    assert first.prev_hash == "" and first.row_hash and second.prev_hash == first.row_hash
    assert list(verify_chain(HotspotEvent)) == []


def test_below_the_threshold_nothing_is_suggested(org, limits):
    file(org.commune, CLEARANCE[:4])
    assert hotspots.hotspots_suggest() == []


def test_the_threshold_is_data_an_administrator_edits(org, limits):
    file(org.commune, CLEARANCE[:3])
    limits.similar_min_petitions = 3
    limits.save()
    assert len(hotspots.hotspots_suggest()) == 1


def test_cases_at_different_units_or_outside_the_period_or_about_other_matters_are_not_grouped(org, limits):
    file(org.commune, CLEARANCE[:3])
    file(org.other_commune, CLEARANCE[3:6])  # the same matter, another place
    with time_machine.travel(timezone.now() - datetime.timedelta(days=45)):
        file(org.commune, CLEARANCE[3:5])  # long before the period
    file(
        org.commune,
        ["Mất điện kéo dài ở tổ 5", "Xin cấp sổ đỏ", "Đường ngõ 12 xuống cấp", "Rác thải tồn đọng chợ"],
    )
    assert hotspots.hotspots_suggest() == []


def test_a_dismissed_suggestion_does_not_come_back_for_the_same_cases(org, limits):
    file(org.commune, CLEARANCE[:5])
    (suggestion,) = hotspots.hotspots_suggest()
    with pytest.raises(DialogueError):
        hotspots.hotspot_dismiss(hotspot=suggestion, actor=org.reception, reason="")
    hotspots.hotspot_dismiss(hotspot=suggestion, actor=org.reception, reason="Các hộ đã được giải thích, đồng thuận")
    assert hotspots.hotspots_suggest() == []
    # A new case is a new situation: the cluster (now six) is suggested for review again.
    file(org.commune, CLEARANCE[5:6])
    (again,) = hotspots.hotspots_suggest()
    assert again.petitions.count() == 6


def test_a_large_group_visit_is_suggested_without_naming_anyone(org, limits):
    reception_services.visit_record(
        unit=org.commune,
        recorded_by=org.reception,
        visitor=reception_services.VisitorData(full_name="Ngô Thị Lan", id_number="001085000222"),
        content="Tập thể hộ dân phản đối thu hồi đất",
        people_count=12,
        representatives=[reception_services.RepresentativeData(full_name="Ngô Thị Lan", id_number="001085000222")],
    )
    reception_services.visit_record(
        unit=org.commune,
        recorded_by=org.reception,
        visitor=reception_services.VisitorData(full_name="Bùi Văn Hòa"),
        content="Hỏi thủ tục",
        people_count=2,
    )
    (hotspot,) = hotspots.hotspots_suggest()
    assert hotspot.basis == SuggestionBasis.GROUP_VISIT and hotspot.visits.count() == 1
    assert "Ngô" not in hotspot.title + hotspot.reason


def test_a_petitioner_returning_repeatedly_is_suggested_by_digest_only(org, limits):
    for i, title in enumerate(("Xin cấp sổ đỏ", "Tranh chấp ranh giới", "Khiếu nại thuế đất")):
        make_petition(
            org.commune, title=title, full_name="Trần Văn Lặp", id_number="001090009999", phone=f"091200000{i}"
        )
    make_petition(org.commune, title="Việc khác", full_name="Người khác", id_number="001090008888", phone="0912000009")
    (hotspot,) = hotspots.hotspots_suggest()
    assert hotspot.basis == SuggestionBasis.REPEAT_PETITIONER and hotspot.petitions.count() == 3
    assert "Lặp" not in hotspot.title + hotspot.reason and "9999" not in hotspot.title + hotspot.reason


def test_the_same_person_at_two_units_is_not_grouped(org, limits):
    for i, unit in enumerate((org.commune, org.commune, org.other_commune)):
        make_petition(unit, title="Xin cấp sổ đỏ", id_number="001090009999", phone=f"091200000{i}")
    assert hotspots.hotspots_suggest() == []


def test_trigram_and_word_overlap_agree_on_the_clearance_cluster(org, limits):
    file(org.commune, [*CLEARANCE[:5], "Tiếng ồn quán karaoke ban đêm"])
    since = timezone.now() - datetime.timedelta(days=1)
    plain = hotspots._components(_similar_pairs_plain(since, 0.45))
    assert [len(group) for group in plain] == [5]
    if connection.vendor == "postgresql" and hotspots.trigram_available():
        assert hotspots._components(_similar_pairs_trigram(since, 0.45)) == plain
    a, b = (normalize_for_search(t) for t in CLEARANCE[:2])
    assert 0.45 <= word_overlap(a, b) < 1
    assert word_overlap(a, normalize_for_search("Tiếng ồn quán karaoke")) == 0


def test_confirming_sets_risk_and_owner_and_only_staff_of_the_unit_decide(org, limits):
    file(org.commune, CLEARANCE[:5])
    (hotspot,) = hotspots.hotspots_suggest()
    with pytest.raises(DialogueDenied):
        hotspots.hotspot_confirm(hotspot=hotspot, actor=org.inspector, risk_level=RiskLevel.HIGH, owner=org.handler)
    with pytest.raises(DialogueDenied):
        hotspots.hotspot_confirm(hotspot=hotspot, actor=org.outsider, risk_level=RiskLevel.HIGH, owner=org.handler)
    with pytest.raises(DialogueError):
        hotspots.hotspot_confirm(hotspot=hotspot, actor=org.reception, risk_level=RiskLevel.HIGH, owner=org.outsider)
    hotspots.hotspot_confirm(hotspot=hotspot, actor=org.reception, risk_level=RiskLevel.HIGH, owner=org.handler)
    hotspot.refresh_from_db()
    assert (hotspot.status, hotspot.risk_level, hotspot.owner) == ("confirmed", "high", org.handler)
    with pytest.raises(DialogueDenied):
        hotspots.hotspot_handle(hotspot=hotspot, actor=org.reception, note="Đã tiếp")
    hotspots.hotspot_handle(hotspot=hotspot, actor=org.head, note="Chủ tịch tiếp đột xuất ngày 5/5")
    hotspots.hotspot_close(hotspot=hotspot, actor=org.head)
    assert list(hotspot.events.values_list("action", flat=True)) == ["suggest", "confirm", "handle", "close"]
    assert Hotspot.objects.get().status == HotspotStatus.CLOSED


def test_the_daily_task_suggests_through_the_service(org, limits):
    from dialogues.tasks import suggest_hotspots

    file(org.commune, CLEARANCE[:5])
    assert suggest_hotspots() == 1 and suggest_hotspots() == 0


def test_denunciations_are_never_linked_by_the_persons_digest(org, limits):
    for i, kind in enumerate((Kind.DENUNCIATION, Kind.DENUNCIATION, Kind.COMPLAINT)):
        make_petition(org.commune, kind=kind, title=f"Việc {i}", id_number="001090009999", phone=f"091200000{i}")
    assert hotspots.hotspots_suggest() == []

from core.selectors import jurisdiction_for
from petitions import selectors
from petitions.models import Kind
from tests.factories import make_petition


def test_jurisdiction_is_the_subtree(org):
    assert jurisdiction_for(org.reception).unit_ids == {org.commune.pk}
    assert jurisdiction_for(org.inspector).unit_ids == {
        org.city.pk,
        org.commune.pk,
        org.other_commune.pk,
        org.department.pk,
    }


def test_staff_outside_the_subtree_see_nothing(org, petition):
    assert list(selectors.petitions_visible_to(org.reception)) == [petition]
    assert list(selectors.petitions_visible_to(org.inspector)) == [petition]
    assert list(selectors.petitions_visible_to(org.outsider)) == []


def test_search_ignores_diacritics_and_finds_by_id_number(org):
    petition = make_petition(org.commune, full_name="Trần Đức Thắng", id_number="079123456789")
    qs = selectors.petitions_visible_to(org.head)
    assert list(qs.filter(selectors.petition_search_q("duc thang"))) == [petition]
    assert list(qs.filter(selectors.petition_search_q("079123456789"))) == [petition]
    assert list(qs.filter(selectors.petition_search_q(petition.tracking_code.lower()))) == [petition]
    assert list(qs.filter(selectors.petition_search_q("không có"))) == []


def test_a_denouncer_cannot_be_found_by_name(org):
    make_petition(org.commune, kind=Kind.DENUNCIATION, full_name="Lý Bí Mật")
    assert not selectors.petitions_visible_to(org.head).filter(selectors.petition_search_q("ly bi mat")).exists()


def test_duplicates_are_same_person_with_a_similar_title(org):
    first = make_petition(org.commune, title="Khiếu nại thu hồi đất thửa 12")
    similar = make_petition(org.commune, title="Khiếu nại về thu hồi đất thửa 12")
    make_petition(org.commune, title="Phản ánh tiếng ồn")
    make_petition(org.commune, title="Khiếu nại thu hồi đất thửa 12", id_number="001099999999", phone="0987654321")
    assert selectors.possible_duplicates(similar, viewer=org.head) == [first]


def test_wrong_key_and_unknown_code_give_the_same_answer(org):
    from tests.factories import make_petition_with_key

    petition, key = make_petition_with_key(org.commune)
    assert selectors.petition_track(code=petition.tracking_code, key=key) == petition
    assert selectors.petition_track(code=petition.tracking_code.lower(), key=key.lower()) == petition
    assert selectors.petition_track(code=petition.tracking_code, key="WRONGKEY") is None
    assert selectors.petition_track(code="ZZZZ-ZZZZ-ZZ", key=key) is None

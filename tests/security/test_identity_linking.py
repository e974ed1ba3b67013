from petitions import selectors
from petitions.models import Kind
from tests.factories import make_petition


def test_searching_by_id_number_or_phone_never_finds_a_denunciation(org):
    complaint = make_petition(org.commune)
    make_petition(org.commune, kind=Kind.DENUNCIATION)
    for text in ("001085012345", "0912345678"):
        found = list(selectors.petitions_visible_to(org.head).filter(selectors.petition_search_q(text)))
        assert found == [complaint]


def test_duplicates_do_not_link_denunciations_to_their_author(org):
    complaint = make_petition(org.commune)
    denunciation = make_petition(org.commune, kind=Kind.DENUNCIATION)
    assert selectors.possible_duplicates(complaint) == []
    assert selectors.possible_duplicates(denunciation) == []
    assert selectors.possible_duplicates(denunciation, include_confidential=True) == [complaint]

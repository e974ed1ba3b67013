from django.urls import reverse

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
    assert selectors.possible_duplicates(complaint, viewer=org.head) == []
    assert selectors.possible_duplicates(denunciation, viewer=org.head) == []
    assert selectors.possible_duplicates(denunciation, viewer=org.head, include_confidential=True) == [complaint]


def test_duplicates_stay_inside_the_viewers_jurisdiction(client, org):
    """Finding 4: a Ba Đình officer must not see a Hoàn Kiếm petition in the duplicates panel."""
    elsewhere = make_petition(org.other_commune, title="Khiếu nại thu hồi đất thửa 12")
    here = make_petition(org.commune, title="Khiếu nại về thu hồi đất thửa 12")
    assert selectors.possible_duplicates(here, viewer=org.reception) == []
    assert selectors.possible_duplicates(here, viewer=org.city_head) == [elsewhere]
    client.force_login(org.reception)
    page = client.get(reverse("petitions:detail", args=[here.pk])).content.decode()
    assert elsewhere.tracking_code not in page
    client.force_login(org.city_head)
    assert elsewhere.tracking_code in client.get(reverse("petitions:detail", args=[here.pk])).content.decode()

"""Identity protection is fixed at filing and survives reclassification; only the head lifts it, on record."""

import pytest
from django.urls import reverse

from petitions import services
from petitions.models import IdentityReveal, Kind, Petition, PetitionHistory
from petitions.services import PetitionError

from ..factories import make_petition, make_staff
from .test_identity_leaks import ID_NUMBER, NAME, PHONE, api_client, assert_no_identity, body, file_denunciation


def _surfaces(client, org, petition):
    """Every staff surface a reception officer reaches, including a search by the denouncer's ID number."""
    client.force_login(org.reception)
    api = api_client(org.reception)

    def search(response):  # the page echoes what was typed; that is not a leak
        return body(response).replace(ID_NUMBER, "").replace(PHONE, "")

    return {
        "list": body(client.get(reverse("petitions:list"))),
        "search by ID number": search(client.get(reverse("petitions:list"), {"q": ID_NUMBER})),
        "search by phone": search(client.get(reverse("petitions:list"), {"q": PHONE})),
        "detail": body(client.get(reverse("petitions:detail", args=[petition.pk]))),
        "CSV export": body(client.get(reverse("petitions:export"))),
        "API list": body(api.get(reverse("api-staff-petitions"))),
        "API search": search(api.get(reverse("api-staff-petitions"), {"q": ID_NUMBER})),
        "API detail": body(api.get(reverse("api-staff-petition", args=[petition.pk]))),
        "API export": body(api.get(reverse("api-staff-export"), HTTP_ACCEPT="text/csv")),
    }


@pytest.mark.parametrize("new_kind", [Kind.COMPLAINT, Kind.RECOMMENDATION, Kind.REFLECTION])
def test_reclassifying_a_denunciation_never_unmasks_the_denouncer(client, org, new_kind):
    petition, _key = file_denunciation(org)
    services.petition_classify(petition=petition, actor=org.reception, kind=new_kind, is_complex=False, is_remote=False)
    petition.refresh_from_db()
    assert petition.kind == new_kind and petition.identity_protected
    surfaces = _surfaces(client, org, petition)
    for where, text in surfaces.items():
        assert_no_identity(text, where)
    # The search by ID number did not find it, so it cannot tell who denounced whom.
    assert petition.tracking_code not in surfaces["search by ID number"]
    assert petition.tracking_code not in surfaces["API search"]
    assert not IdentityReveal.objects.exists()


def test_a_petitioner_who_asks_for_confidentiality_is_protected(client, org):
    petition = make_petition(org.commune, kind=Kind.COMPLAINT)
    assert not petition.identity_protected
    response = api_client().post(
        reverse("api-petition-create"),
        {"kind": "complaint", "unit": org.commune.code, "title": "Khiếu nại", "content": "Nội dung",
         "full_name": NAME, "id_number": ID_NUMBER, "phone": PHONE, "address": "Ba Đình", "confidential": True},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    protected = Petition.objects.get(tracking_code=response.json()["tracking_code"])
    assert protected.identity_protected
    for where, text in _surfaces(client, org, protected).items():
        assert_no_identity(text, where)


def test_a_complaint_reclassified_as_a_denunciation_gains_protection_on_record(org):
    petition = make_petition(org.commune, kind=Kind.COMPLAINT, full_name=NAME)
    services.petition_classify(
        petition=petition, actor=org.reception, kind=Kind.DENUNCIATION, is_complex=False, is_remote=False
    )
    petition.refresh_from_db()
    assert petition.identity_protected and petition.petitioner.name_search == ""
    assert PetitionHistory.objects.filter(petition=petition, action="protect").count() == 1


def test_forwarding_keeps_the_protection_at_the_receiving_unit(org):
    petition, _key = file_denunciation(org)
    services.petition_classify(
        petition=petition, actor=org.reception, kind=Kind.COMPLAINT, is_complex=False, is_remote=False
    )
    services.petition_forward(
        petition=petition, actor=org.reception, reason="Không thuộc thẩm quyền", to_unit=org.other_commune
    )
    forwarded = Petition.objects.get(unit=org.other_commune)
    assert forwarded.identity_protected


def test_only_the_current_head_lifts_protection_with_a_reason_on_record(client, org):
    petition, _key = file_denunciation(org)
    for user in (org.reception, org.handler, org.inspector, org.city_head):
        with pytest.raises(PetitionError):
            services.petition_protection_lift(petition=petition, actor=user, reason="Người tố cáo đồng ý")
    with pytest.raises(PetitionError):
        services.petition_protection_lift(petition=petition, actor=org.head, reason="  ")
    client.force_login(org.reception)
    response = client.post(reverse("petitions:unprotect", args=[petition.pk]), {"reason": "x"})
    assert response.status_code == 403

    client.force_login(org.head)
    response = client.post(
        reverse("petitions:unprotect", args=[petition.pk]), {"reason": "Người tố cáo đồng ý công khai"}
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert not petition.identity_protected
    entry = PetitionHistory.objects.get(petition=petition, action="unprotect")
    assert entry.actor == org.head and entry.reason == "Người tố cáo đồng ý công khai" and not entry.is_public
    client.force_login(org.reception)
    assert NAME in body(client.get(reverse("petitions:detail", args=[petition.pk])))


def test_a_former_head_cannot_lift_protection(org):
    from core import services as core_services

    petition, _key = file_denunciation(org)
    successor = make_staff(org.city, username="chutich-moi")
    core_services.unit_head_assign(unit=org.commune, user=successor, started_on=petition.received_at.date())
    with pytest.raises(PetitionError):
        services.petition_protection_lift(petition=petition, actor=org.head, reason="Đồng ý")

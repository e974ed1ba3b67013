"""A petition registered from a visit gets a printable receipt; the key is called the access key (issue 12)."""

from django.urls import reverse

from petitions.models import Kind
from tests.reception.test_views import _login, _visit


def test_a_petition_registered_from_a_visit_offers_the_receipt(client, org, now_monday):
    visit = _visit(org)
    _login(client, org.reception)
    response = client.post(
        reverse("reception:visit_outcome", args=[visit.pk, "petition"]),
        {"petition-kind": Kind.COMPLAINT, "petition-title": "Khiếu nại thu hồi đất"},
        follow=True,
    )
    visit.refresh_from_db()
    assert "Mã bảo mật cho công dân" in response.text and "Mã tra cứu cho công dân" not in response.text
    assert reverse("petitions:receipt") in response.text
    receipt = client.get(reverse("petitions:receipt"))
    assert receipt.status_code == 200 and visit.petition.tracking_code in receipt.text
    assert "GIẤY BIÊN NHẬN ĐƠN" in receipt.text

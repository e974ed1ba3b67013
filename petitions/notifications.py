"""Who hears about what happens to a petition. Titles carry the code, never the petitioner's identity."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.models import Role
from core.notifications import notify, notify_email
from core.selectors import staff_of_unit

from .workflow import Status

# The steps a citizen is told about by e-mail when they filed without an account.
PUBLIC_STEPS = frozenset({Status.ACCEPTED, Status.FORWARDED, Status.GUIDED, Status.REJECTED, Status.RESOLVED})


def status_url(petition) -> str:
    """The status page with the code filled in; the access key never travels in an address."""
    return f"{reverse('petitions:track')}?{urlencode({'code': petition.tracking_code})}"


def petition_received(*, petition) -> None:
    notify(
        recipients=staff_of_unit([petition.unit_id], [Role.RECEPTION]),
        title=_("New petition %(code)s") % {"code": petition.tracking_code},
        body=petition.title,
        url=reverse("petitions:detail", args=[petition.pk]),
    )


def petition_assigned(*, petition) -> None:
    notify(
        recipients=[petition.handler],
        title=_("Petition %(code)s was assigned to you") % {"code": petition.tracking_code},
        body=petition.title,
        url=reverse("petitions:detail", args=[petition.pk]),
    )


def _petitioner_email(petition) -> str:
    from .models import Petitioner

    petitioner = Petitioner.objects.filter(petition_id=petition.pk).only("email").first()
    return (petitioner.email or "").strip() if petitioner else ""


def citizen_notify(*, petition, title: str, body: str = "") -> None:
    """Tell the citizen: through their account if they have one, else to the e-mail on the form.

    For other apps too (dialogues: an invitation). The text must name no one but the unit.
    """
    if petition.citizen_id:
        notify(recipients=[petition.citizen], title=title, body=body, url=reverse("petitions:mine"))
    elif address := _petitioner_email(petition):
        notify_email(address=address, title=title, body=body, url=status_url(petition))


def status_changed(*, petition) -> None:
    title = _("Your petition %(code)s is now: %(status)s") % {
        "code": petition.tracking_code,
        "status": petition.get_status_display(),
    }
    if petition.citizen_id:
        notify(recipients=[petition.citizen], title=title, url=reverse("petitions:mine"))
    elif petition.status in PUBLIC_STEPS:
        citizen_notify(
            petition=petition,
            title=title,
            body=_("See the details and what happens next with your tracking code and access key:"),
        )


def _receipt_attachment(petition, access_key: str) -> tuple[str, bytes]:
    from .receipt import receipt_pdf

    return f"bien-nhan-{petition.tracking_code}.pdf", receipt_pdf(petition, access_key)


def filing_confirmed(*, petition, access_key: str, address: str) -> None:
    """The confirmation to the e-mail given on the form, with the receipt (it holds the access key)."""
    notify_email(
        address=address,
        title=_("Your petition %(code)s has been received") % {"code": petition.tracking_code},
        body=_(
            "%(unit)s received your petition on %(date)s. The attached receipt shows your tracking code, "
            "your access key and the legal deadline of the next step. Keep it: you need both codes to see "
            "the state of your petition."
        )
        % {"unit": petition.unit.name, "date": f"{timezone.localtime(petition.received_at):%d/%m/%Y}"},
        url=status_url(petition),
        attachment=_receipt_attachment(petition, access_key),
    )


def access_key_sent(*, petition, access_key: str, address: str) -> None:
    notify_email(
        address=address,
        title=_("A new access key for your petition %(code)s") % {"code": petition.tracking_code},
        body=_(
            "You asked for a new access key. It is on the attached receipt; the old key no longer works. "
            "If you did not ask for it, the petition is still safe: only this e-mail address received the key."
        ),
        url=status_url(petition),
        attachment=_receipt_attachment(petition, access_key),
    )

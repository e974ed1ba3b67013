"""Who hears about what happens to a petition. Titles carry the code, never the petitioner's identity."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import Role
from core.notifications import notify
from core.selectors import staff_of_unit


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


def status_changed(*, petition) -> None:
    if petition.citizen_id:
        notify(
            recipients=[petition.citizen],
            title=_("Your petition %(code)s is now: %(status)s")
            % {"code": petition.tracking_code, "status": petition.get_status_display()},
            url=reverse("petitions:mine"),
        )

"""The filing receipt (giấy biên nhận): one document as a printable page and as a PDF file."""

from django.utils import timezone

from core.pdf import render_pdf

from .citizen import next_steps
from .models import Petition


def receipt_context(petition: Petition, access_key: str) -> dict:
    return {
        "petition": petition,
        "access_key": access_key,
        "steps": next_steps(petition),
        "issued_at": timezone.localtime(),
        "received_at": timezone.localtime(petition.received_at),
    }


def receipt_pdf(petition: Petition, access_key: str) -> bytes:
    return render_pdf(
        "petitions/receipt_document.html", receipt_context(petition, access_key), css=("css/receipt.css",)
    )


def receipt_decoy() -> bytes:
    """The same work as a real receipt, for a request that matched nothing: "forgot my key" then
    takes as long either way, so its response time does not tell whether a code and address match."""
    from core.models import Unit

    petition = Petition(tracking_code="0000-0000-00", kind="complaint", unit=Unit(name="—"), received_at=timezone.now())
    context = {"petition": petition, "access_key": "00000000", "steps": [], "issued_at": timezone.localtime()}
    context["received_at"] = context["issued_at"]
    return render_pdf("petitions/receipt_document.html", context, css=("css/receipt.css",))

"""Words every app shares, kept in the lowest app so deadlines, petitions, reception and the rest may all import them.

`petitions.models` re-exports `Kind` so older imports keep working.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")
    RECOMMENDATION = "recommendation", _("Recommendation")
    REFLECTION = "reflection", _("Reflection")

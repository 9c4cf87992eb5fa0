"""Names of the pick-up sub-app."""

from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

SERVICE_SLUG = "abholung"  # the catalogue's 5-minute pick-up service
REFERENCE_PREFIX = "AB"
TOKEN_NAMESPACE = "appointments-pickup"  # noqa: S105 - a namespace of link tokens, not a secret
RETENTION_DAYS = 30
SLOT_DAYS = 14  # pick-up times offered this many days ahead

# Postal delivery of identity documents: a federal rule since 1 May 2025 (PAuswV/PassV),
# 15 € on top of the document's fee; the Personalausweis/eID-Karte from 16, the Reisepass from 18.
POSTAL_FEE_EUR = Decimal("15.00")
POSTAL_SINCE = date(2025, 5, 1)


class DocumentKind(models.TextChoices):
    ID_CARD = "personalausweis", _("Identity card (Personalausweis)")
    EID = "eid", _("eID card")
    PASSPORT = "reisepass", _("Passport (Reisepass)")


POSTAL_MIN_AGE = {DocumentKind.ID_CARD: 16, DocumentKind.EID: 16, DocumentKind.PASSPORT: 18}


class PickupStatus(models.TextChoices):
    READY = "ready", _("Ready for pick-up")
    BOOKED = "booked", _("Pick-up booked")
    POSTAL = "postal", _("Postal delivery requested")
    PICKED_UP = "picked_up", _("Picked up")
    POSTED = "posted", _("Posted")


OPEN_STATUSES = (PickupStatus.READY, PickupStatus.BOOKED, PickupStatus.POSTAL)


def payment_iban() -> str:
    """The city treasury's account for the postal fee (RATHAUS_PICKUP_IBAN; the default is a
    placeholder, an assumption until the treasury names the account)."""
    from django.conf import settings

    return str(getattr(settings, "RATHAUS_PICKUP_IBAN", "DE00 0000 0000 0000 0000 00"))

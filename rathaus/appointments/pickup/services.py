"""Pick-up without a queue: staff mark documents ready (one by one or by a list), the citizen
gets an e-mail and chooses a 5-minute pick-up time (the catalogue's `abholung` service, booked
confirmed) or postal delivery for 15 €; staff record the hand-over. Retention as for
appointments: personal data goes RETENTION_DAYS after the hand-over."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.appointments.models import Appointment, Location
from rathaus.appointments.selectors import PlanInvalid, location_get
from rathaus.appointments.services.booking import BookingRefused, PersonDetails, appointment_book
from rathaus.appointments.services.cancel import appointment_cancel
from rathaus.audit.services import audit_record, personal_data_scrub
from rathaus.core.mail import mail_queue, mail_render
from rathaus.core.references import reference_draw, reference_unique
from rathaus.core.timezone import BERLIN
from rathaus.core.tokens import nonce_new, token_sign

from .constants import (
    OPEN_STATUSES,
    POSTAL_FEE_EUR,
    POSTAL_MIN_AGE,
    REFERENCE_PREFIX,
    RETENTION_DAYS,
    TOKEN_NAMESPACE,
    DocumentKind,
    PickupStatus,
    payment_iban,
)
from .models import Pickup
from .selectors import pickup_plan

logger = logging.getLogger("rathaus.appointments.jobs")


class PickupRefused(Exception):
    def __init__(self, message: object) -> None:
        self.message = message
        super().__init__(str(message))


class ImportInvalid(Exception):
    """The list has errors; nothing was imported. `errors`: German, with line numbers."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} errors")


@dataclass(frozen=True)
class ReadyDocument:
    location: Location
    document_kind: str
    document_number: str
    given_name: str
    family_name: str
    email: str
    date_of_birth: date | None = None
    language: str = "de"


# --- links -------------------------------------------------------------------------------------


def pickup_token(pickup: Pickup) -> str:
    return token_sign(
        namespace=TOKEN_NAMESPACE,
        purpose="manage",
        reference=pickup.reference,
        nonce=pickup.token_nonce,
    )


def pickup_url(pickup: Pickup) -> str:
    return str(settings.SITE_URL) + reverse(
        "pickup:detail", args=[pickup.reference, pickup_token(pickup)]
    )


def _mail(pickup: Pickup, template: str, **extra: Any) -> None:
    context = {
        "pickup": pickup,
        "pickup_url": pickup_url(pickup),
        "postal_fee": POSTAL_FEE_EUR,
        "iban": payment_iban(),
        **extra,
    }
    mail_queue(
        mail_render(
            to=pickup.email,
            template_prefix=f"appointments_pickup/email/{template}",
            context=context,
            language=pickup.language,
        )
    )


# --- staff: documents ready ----------------------------------------------------------------------


def _new_reference() -> str:
    return reference_unique(
        lambda: reference_draw(REFERENCE_PREFIX, length=6),
        lambda candidate: Pickup.objects.filter(reference=candidate).exists(),
    )


def _create(document: ReadyDocument, *, actor: Any, now: datetime) -> Pickup:
    pickup = Pickup.objects.create(
        reference=_new_reference(),
        location=document.location,
        document_kind=document.document_kind,
        document_number=document.document_number.strip(),
        given_name=document.given_name.strip(),
        family_name=document.family_name.strip(),
        date_of_birth=document.date_of_birth,
        email=document.email.strip(),
        language=document.language,
        token_nonce=nonce_new(),
        ready_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(code="pickup.ready", obj=pickup, actor=actor, reference=pickup.reference)
    _mail(pickup, "ready")
    return pickup


def _open_duplicate(location: Location, number: str) -> bool:
    return Pickup.objects.filter(
        location=location, document_number=number.strip(), erased_at__isnull=True
    ).exists()


def pickup_mark_ready(
    document: ReadyDocument, *, actor: Any = None, now: datetime | None = None
) -> Pickup:
    now = now or timezone.now()
    if _open_duplicate(document.location, document.document_number):
        raise PickupRefused(_("This document is already on the list."))
    try:
        with transaction.atomic():
            return _create(document, actor=actor, now=now)
    except IntegrityError as error:
        raise PickupRefused(_("This document is already on the list.")) from error


# The list's columns (a header line with these names, in any order; `;` or `,`).
COLUMNS = {
    "nummer": "document_number",
    "vorname": "given_name",
    "nachname": "family_name",
    "e-mail": "email",
    "standort": "location",
    "dokument": "document_kind",
    "geburtsdatum": "date_of_birth",
}
REQUIRED = ("nummer", "vorname", "nachname", "e-mail", "standort", "dokument")
KINDS = {kind.value: kind.value for kind in DocumentKind} | {
    "ausweis": DocumentKind.ID_CARD.value,
    "pass": DocumentKind.PASSPORT.value,
    "eid-karte": DocumentKind.EID.value,
}
MAX_LINES = 2000


def _parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


def pickups_parse(text: str) -> list[ReadyDocument]:
    """Read the list; every error with its line number (German: staff read it), or the
    documents. Raises ImportInvalid."""
    errors: list[str] = []
    try:
        dialect: Any = csv.Sniffer().sniff(text.splitlines()[0] if text else "", ";,")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise ImportInvalid(["Die Datei ist leer."])
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportInvalid([f"Zeile 1: Spalte fehlt: {', '.join(missing)}."])
    if len(rows) - 1 > MAX_LINES:
        raise ImportInvalid([f"Höchstens {MAX_LINES} Zeilen auf einmal."])
    documents: list[ReadyDocument] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append(f"Zeile {number}: {len(row)} Spalten statt {len(header)}.")
            continue
        values = {header[i]: row[i].strip() for i in range(len(header))}
        line_errors = []
        for name in REQUIRED:
            if not values.get(name):
                line_errors.append(f"{name} fehlt")
        location = location_get(values.get("standort", "")) if values.get("standort") else None
        if values.get("standort") and location is None:
            line_errors.append(f"unbekannter Standort „{values['standort']}“")
        kind = KINDS.get(values.get("dokument", "").lower())
        if values.get("dokument") and kind is None:
            line_errors.append(f"unbekanntes Dokument „{values['dokument']}“")
        if values.get("e-mail"):
            try:
                validate_email(values["e-mail"])
            except ValidationError:
                line_errors.append(f"ungültige E-Mail-Adresse „{values['e-mail']}“")
        born = None
        try:
            born = _parse_date(values.get("geburtsdatum", ""))
        except ValueError:
            line_errors.append("Geburtsdatum nicht lesbar (TT.MM.JJJJ)")
        key = (values.get("standort", ""), values.get("nummer", ""))
        if values.get("nummer"):
            if key in seen:
                line_errors.append(f"Nummer doppelt (wie Zeile {seen[key]})")
            else:
                seen[key] = number
            if location is not None and _open_duplicate(location, values["nummer"]):
                line_errors.append("Dokument steht schon auf der Liste")
        if len(values.get("nummer", "")) > 40:
            line_errors.append("Nummer länger als 40 Zeichen")
        if line_errors:
            errors.append(f"Zeile {number}: " + "; ".join(line_errors) + ".")
            continue
        assert location is not None and kind is not None
        documents.append(
            ReadyDocument(
                location=location,
                document_kind=kind,
                document_number=values["nummer"],
                given_name=values["vorname"][:100],
                family_name=values["nachname"][:100],
                email=values["e-mail"],
                date_of_birth=born,
            )
        )
    if errors:
        raise ImportInvalid(errors)
    if not documents:
        raise ImportInvalid(["Die Datei enthält keine Dokumente."])
    return documents


def pickups_import(text: str, *, actor: Any = None, now: datetime | None = None) -> list[Pickup]:
    """All lines or none: a list with one bad line imports nothing."""
    now = now or timezone.now()
    documents = pickups_parse(text)
    try:
        with transaction.atomic():
            return [_create(document, actor=actor, now=now) for document in documents]
    except IntegrityError as error:  # another import took a number meanwhile
        raise ImportInvalid(
            ["Ein Dokument wurde gleichzeitig erfasst; bitte erneut hochladen."]
        ) from error


# --- the citizen: a pick-up time or the post ---------------------------------------------


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def pickup_book(
    *,
    pickup: Pickup,
    start: datetime,
    date_of_birth: date | None = None,
    now: datetime | None = None,
) -> Pickup:
    now = now or timezone.now()
    born = pickup.date_of_birth or date_of_birth
    if born is None:
        raise PickupRefused(_("Please give your date of birth."))
    try:
        plan = pickup_plan(pickup)
    except PlanInvalid as error:
        raise PickupRefused(error.message) from error
    with transaction.atomic():
        pickup = Pickup.objects.select_for_update().get(pk=pickup.pk)
        if pickup.status != PickupStatus.READY:
            raise PickupRefused(_("A pick-up time or postal delivery has already been chosen."))
    try:
        appointment = appointment_book(
            plan=plan,
            start=start,
            persons=[PersonDetails(pickup.given_name, pickup.family_name, born)],
            email=pickup.email,
            language=pickup.language,
            confirmed=True,
            now=now,
        )
    except BookingRefused as error:
        raise PickupRefused(error.message) from error
    with transaction.atomic():
        pickup = Pickup.objects.select_for_update().get(pk=pickup.pk)
        if pickup.status != PickupStatus.READY:  # chosen twice at once: give the time back
            appointment_cancel(appointment=appointment, now=now, notify=False)
            raise PickupRefused(_("A pick-up time or postal delivery has already been chosen."))
        pickup.status = PickupStatus.BOOKED
        pickup.appointment = appointment
        pickup.date_of_birth = born
        pickup.save()
        audit_record(code="pickup.booked", obj=pickup, reference=pickup.reference)
    return pickup


def postal_allowed(pickup: Pickup, born: date, on: date) -> bool:
    return _age_on(born, on) >= POSTAL_MIN_AGE[DocumentKind(pickup.document_kind)]


def pickup_request_postal(
    *,
    pickup: Pickup,
    address: str,
    date_of_birth: date | None = None,
    now: datetime | None = None,
) -> Pickup:
    """Delivery by post for POSTAL_FEE_EUR (a federal rule since 1 May 2025): the
    Personalausweis and eID card from 16, the passport from 18."""
    now = now or timezone.now()
    born = pickup.date_of_birth or date_of_birth
    if born is None:
        raise PickupRefused(_("Please give your date of birth."))
    minimum = POSTAL_MIN_AGE[DocumentKind(pickup.document_kind)]
    if not postal_allowed(pickup, born, now.astimezone(BERLIN).date()):
        raise PickupRefused(
            _("Postal delivery of this document is possible from the age of %(age)d only.")
            % {"age": minimum}
        )
    address = address.strip()
    if len(address.splitlines()) < 2 or len(address) > 400:
        raise PickupRefused(_("Please give the full postal address (street, postcode and town)."))
    with transaction.atomic():
        pickup = Pickup.objects.select_for_update().get(pk=pickup.pk)
        if pickup.status != PickupStatus.READY:
            raise PickupRefused(_("A pick-up time or postal delivery has already been chosen."))
        pickup.status = PickupStatus.POSTAL
        pickup.postal_address = address
        pickup.postal_fee_eur = POSTAL_FEE_EUR
        pickup.postal_requested_at = now
        pickup.date_of_birth = born
        pickup.save()
        audit_record(code="pickup.postal", obj=pickup, reference=pickup.reference)
        _mail(pickup, "postal")
    return pickup


# --- staff: handed over ------------------------------------------------------------------


def pickup_hand_over(
    *, pickup: Pickup, posted: bool, actor: Any = None, now: datetime | None = None
) -> Pickup:
    now = now or timezone.now()
    with transaction.atomic():
        pickup = Pickup.objects.select_for_update().get(pk=pickup.pk)
        if not pickup.is_open:
            raise PickupRefused(_("This document has already been handed over."))
        if posted and pickup.status != PickupStatus.POSTAL:
            raise PickupRefused(_("Postal delivery was not requested for this document."))
        pickup.status = PickupStatus.POSTED if posted else PickupStatus.PICKED_UP
        pickup.handed_over_at = now
        pickup.save()
        audit_record(
            code="pickup.posted" if posted else "pickup.picked_up",
            obj=pickup,
            actor=actor,
            reference=pickup.reference,
        )
        appointment = pickup.appointment
        if appointment is not None and appointment.is_active and posted:
            appointment_cancel(appointment=appointment, now=now, actor=actor, notify=False)
    return pickup


# --- retention ---------------------------------------------------------------------------------


def appointments_still_needed(candidates: QuerySet[Appointment]) -> set[int]:
    """Pick-up appointments whose document is still waiting keep their data."""
    return set(
        Pickup.objects.filter(appointment__in=candidates, status__in=OPEN_STATUSES).values_list(
            "appointment_id", flat=True
        )
    )


def pickup_personal_data_erase(
    pickup: Pickup, *, now: datetime, actor: Any = None, on_request: bool = False
) -> None:
    pickup.given_name = ""
    pickup.family_name = ""
    pickup.date_of_birth = None
    pickup.email = ""
    pickup.postal_address = ""
    pickup.document_number = ""
    pickup.token_nonce = nonce_new()
    pickup.erased_at = now
    pickup.save()
    personal_data_scrub(obj=pickup)
    audit_record(
        code="pickup.erased",
        obj=pickup,
        actor=actor,
        on_request=on_request,
        reference=pickup.reference,
    )


def pickups_erase(*, now: datetime | None = None) -> int:
    """Handed over more than RETENTION_DAYS ago: erase; idempotent."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=RETENTION_DAYS)
    pks = list(
        Pickup.objects.filter(
            erased_at__isnull=True,
            status__in=[PickupStatus.PICKED_UP, PickupStatus.POSTED],
            handed_over_at__lt=cutoff,
        ).values_list("pk", flat=True)
    )
    erased = 0
    for pk in pks:
        with transaction.atomic():
            pickup = (
                Pickup.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, erased_at__isnull=True)
                .first()
            )
            if pickup is None:
                continue
            pickup_personal_data_erase(pickup, now=now)
            erased += 1
    logger.info("pick-ups erased: %s", erased)
    return erased

"""Applications: submission with uploads, the automatic decision, staff decisions, erasure."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from rathaus.core.mail import mail_send_on_commit
from rathaus.core.references import reference_draw, reference_unique
from rathaus.core.tokens import nonce_new

from .. import audit_events as audit
from .. import selectors
from ..addresses import house_number_format
from ..constants import (
    OPEN_STATUSES,
    REFERENCE_PREFIX,
    DocumentKind,
    FeeKind,
    Status,
)
from ..decision import Facts, Outcome, decide
from ..follow_up_selectors import permit_lineage
from ..links import status_url
from ..matching import remittance_for
from ..models import Application, Document, Refund, Street, Zone
from ..registers import population_register, vehicle_register
from ..uploads import CleanFile
from .permits import permit_erase, permit_issue


class ApplicationRejected(ValueError):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ApplicationInput:
    given_name: str
    family_name: str
    birth_date: date
    email: str
    phone: str
    street: Street
    house_number: str
    zone: Zone
    plate: str  # canonical
    use_basis: str
    keeper_name: str
    car_sharing_provider: str
    no_garage_confirmed: bool
    fee_kind: str
    language: str
    documents: list[tuple[str, CleanFile]] = field(default_factory=list)


def reference_new(today: date) -> str:
    """A new application reference (shared by new applications and follow-ups)."""
    return reference_unique(
        lambda: reference_draw(REFERENCE_PREFIX, length=4, year=today.year),
        lambda ref: Application.objects.filter(reference=ref).exists(),
    )


def _document_add(application: Application, kind: str, clean: CleanFile) -> Document:
    document = Document(
        application=application,
        kind=kind,
        content_type=clean.content_type,
        size=len(clean.content),
        sha256=clean.sha256,
    )
    document.file.save(f"{kind}.{clean.extension}", ContentFile(clean.content), save=False)
    document.save()
    return document


def _facts(application: Application, today: date) -> Facts:
    previous = application.previous_permit
    return Facts(
        given_name=application.given_name,
        family_name=application.family_name,
        birth_date=application.birth_date,
        street_key=application.street.key,
        house_number=house_number_format(application.house_number),
        zone_residence=application.zone.residence,
        plate=application.plate,
        use_basis=application.use_basis,
        has_proof=application.documents.filter(
            kind__in=[DocumentKind.PROOF_OF_USE, DocumentKind.REGISTRATION]
        ).exists(),
        holds_permit=selectors.application_open_or_issued_for(
            given_name=application.given_name,
            family_name=application.family_name,
            birth_date=application.birth_date,
            exclude=application.pk,
            exclude_permits=permit_lineage(previous) if previous else (),
            on=today,
        ),
    )


def application_evaluate(application: Application, *, today: date | None = None) -> Outcome:
    """Ask the registers and decide; writes nothing. A follow-up (renewal, change of plate)
    does not count the permit it renews or changes as "already holds a permit"."""
    facts = _facts(application, today or timezone.localdate())
    residents = population_register().residents(
        given_name=facts.given_name, family_name=facts.family_name, birth_date=facts.birth_date
    )
    vehicles = vehicle_register().vehicles(plate=facts.plate)
    return decide(facts, residents, vehicles)


def application_submit(*, data: ApplicationInput, now: datetime) -> Application:
    """Store the application and its documents, then decide automatically where the law
    allows (§ 46 Abs. 5 StVO) or send it to a case worker with the reasons."""
    today = timezone.localdate(now)
    fee = selectors.fee_rule_on(data.fee_kind, today)
    if fee is None or data.fee_kind not in (FeeKind.PERMIT_1Y, FeeKind.PERMIT_2Y):
        raise ApplicationRejected("fee_kind", "No fee is in force for this permit.")
    with transaction.atomic():
        reference = reference_new(today)
        application = Application.objects.create(
            reference=reference,
            nonce=nonce_new(),
            language=data.language,
            given_name=data.given_name,
            family_name=data.family_name,
            birth_date=data.birth_date,
            email=data.email,
            phone=data.phone,
            street=data.street,
            house_number=house_number_format(data.house_number),
            zone=data.zone,
            plate=data.plate,
            use_basis=data.use_basis,
            keeper_name=data.keeper_name,
            car_sharing_provider=data.car_sharing_provider,
            no_garage_confirmed=data.no_garage_confirmed,
            fee_kind=data.fee_kind,
            fee_rule=fee,
            amount=fee.amount,
            remittance=remittance_for(reference),
        )
        for kind, clean in data.documents:
            _document_add(application, kind, clean)
        audit.application_submitted(application)
        application_decide_automatically(application, now=now)
        mail_send_on_commit(
            to=application.email,
            template_prefix="parking_permits/email/application_received",
            context={"application": application, "status_url": status_url(application)},
            language=application.language,
        )
    return application


def application_decide_automatically(application: Application, *, now: datetime) -> Outcome:
    """Ask the registers and approve (§ 46 Abs. 5 StVO) or send the application to a case
    worker with the reasons; saves it (inside the caller's transaction)."""
    outcome = application_evaluate(application, today=timezone.localdate(now))
    application.checks = outcome.checks
    if outcome.approve:
        application.status = Status.APPROVED
        application.automatic = True
        application.decided_at = now
        audit.application_decided_automatically(application, outcome.checks)
    else:
        application.status = Status.REVIEW
        application.reasons = outcome.reasons
        audit.application_referred(application, outcome.reasons)
    application.save()
    return outcome


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def application_approve(*, application: Application, actor: Any, now: datetime) -> Application:
    with transaction.atomic():
        application = _locked(application)
        if application.status not in (Status.SUBMITTED, Status.REVIEW):
            raise ApplicationRejected(None, "The application is not open for a decision.")
        application.status = Status.APPROVED
        application.decided_at = now
        application.decided_by = actor
        application.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
        audit.application_approved(application, actor=actor)
        if application.paid_at is not None:
            permit_issue(application=application, now=now)
    return application


def application_refuse(
    *, application: Application, actor: Any, explanation: str, now: datetime
) -> Application:
    with transaction.atomic():
        application = _locked(application)
        if application.status not in OPEN_STATUSES:
            raise ApplicationRejected(None, "The application is not open for a decision.")
        application.status = Status.REFUSED
        application.decided_at = now
        application.decided_by = actor
        application.refusal_reason = explanation
        application.save()
        audit.application_refused(application, actor=actor)
    return application


def application_personal_data_erase(*, application: Application, actor: Any, now: datetime) -> None:
    """Blank the person and delete the uploads; the reference, zone, fee and dates stay for
    the accounts (the same function serves the retention job and a request under Art. 17)."""
    with transaction.atomic():
        application = _locked(application)
        if application.erased_at is not None:
            return
        for document in application.documents.all():
            document.file.delete(save=False)
            document.delete()
        application.given_name = application.family_name = "–"
        application.email = f"erased-{secrets.token_hex(4)}@invalid"
        application.phone = application.keeper_name = application.car_sharing_provider = ""
        application.house_number = application.plate = "–"
        permit_erase(application=application)
        Refund.objects.filter(permit__application=application).update(iban="", account_holder="–")
        application.birth_date = date(1900, 1, 1)
        application.refusal_reason = ""
        application.erased_at = now
        application.save()
        audit.application_erased(application, actor=actor)

"""E-mails to the citizen about an appointment, in their language, through the outbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from rathaus.core.mail import Attachment, mail_queue, mail_render

from ..ics import appointment_ics
from ..links import appointment_links
from ..models import Appointment
from ..qr import reference_qr_attachment, reference_qr_size
from ..readiness import checklist

# The e-mails before a visit: they carry the code the kiosk at the entrance reads.
VISIT_TEMPLATES = ("confirmed", "moved", "reminder", "reconfirm")


def appointment_mail(appointment: Appointment, template: str, **extra: Any) -> None:

    if not appointment.email:
        return
    with translation.override(appointment.language):  # the checklist is text, not a template
        context = {
            "appointment": appointment,
            "persons": list(appointment.persons.prefetch_related("requests__service")),
            "checklist": checklist(appointment),
            "site_url": settings.SITE_URL,
            **appointment_links(appointment),
            **extra,
        }
    attachments = []
    if template in VISIT_TEMPLATES:
        qr = reference_qr_attachment(appointment.reference)
        attachments.append(qr)
        context["qr_cid"] = qr.content_id
        context["qr_size"] = reference_qr_size(appointment.reference)
    if template in ("confirmed", "moved"):
        attachments.append(
            Attachment(
                f"{appointment.reference}.ics", appointment_ics(appointment), "text/calendar"
            )
        )
    mail_queue(
        mail_render(
            to=appointment.email,
            template_prefix=f"appointments/email/{template}",
            context=context,
            language=appointment.language,
            attachments=attachments,
        )
    )

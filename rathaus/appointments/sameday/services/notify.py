"""The e-mails after a draw, through the outbox: the winners each their appointment, everyone
else one message per outcome and language (rendered once, so 20,000 requests cost seconds).

Written in chunks, each with its `notified_at` in the same transaction: a run that dies
leaves the rest to the next run (`draws_run_due`), none is written twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rathaus.appointments.links import appointment_links
from rathaus.appointments.same_day import release_moment
from rathaus.core import sql
from rathaus.core.mail import Mail, render_mail
from rathaus.core.models import OutboxMessage

from ..constants import RequestStatus
from ..models import SameDayDraw, SameDayRequest

CHUNK = 1000


def _result_url(draw: SameDayDraw) -> str:
    return str(settings.SITE_URL) + reverse(
        "sameday:result", args=[draw.location.slug, draw.day.isoformat()]
    )


def _row(mail: Mail, now: datetime) -> OutboxMessage:
    return OutboxMessage(
        to=mail.to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=mail.subject[:998],
        text=mail.text,
        html=mail.html,
        attachments=[],
        next_attempt_at=now,
    )


def draw_notify(*, draw: SameDayDraw, now: datetime | None = None) -> int:
    """Mail every request of a drawn draw not told yet; returns how many were queued."""
    now = now or timezone.now()
    draw = SameDayDraw.objects.select_related("location").get(pk=draw.pk)
    base: dict[str, Any] = {
        "location": draw.location,
        "day": draw.day,
        "result_url": _result_url(draw),
        "release_at": release_moment(draw.location, draw.day),
        "site_url": settings.SITE_URL,
    }
    if draw.drawn_at is None:
        return 0
    # What the draw did not mark took part and drew nothing.
    draw.requests.filter(status=RequestStatus.ENTERED).update(status=RequestStatus.LOST)
    rendered: dict[tuple[str, str], tuple[str, str, str]] = {}
    queued = 0
    while True:
        with transaction.atomic():
            rows = list(
                SameDayRequest.objects.select_for_update(of=("self",))
                .filter(draw=draw, notified_at__isnull=True)
                .select_related("win__appointment")
                .order_by("pk")[:CHUNK]
            )
            if not rows:
                return queued
            messages = []
            for row in rows:
                win = getattr(row, "win", None) if row.status == RequestStatus.WON else None
                if win is not None:
                    context = {**base, "request": row, "appointment": win.appointment}
                    context.update(appointment_links(win.appointment))
                    subject, text, html = render_mail("sameday/email/won", context, row.language)
                else:
                    key = (row.status, row.language)
                    if key not in rendered:
                        rendered[key] = render_mail(
                            f"sameday/email/{row.status}", base, row.language
                        )
                    subject, text, html = rendered[key]
                messages.append(_row(Mail(row.email, subject, text, html), now))
            sql.insert_many(messages)
            SameDayRequest.objects.filter(pk__in=[row.pk for row in rows]).update(notified_at=now)
            queued += len(rows)

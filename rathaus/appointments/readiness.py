"""The readiness checklist: what each person must bring for each service, so that fewer
visits fail at the counter for a missing paper."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rathaus.core.timezone import BERLIN

from .models import Appointment

ADULT_AGE = 18


@dataclass(frozen=True)
class Item:
    text: str
    key: str = ""


@dataclass(frozen=True)
class PersonChecklist:
    person: str
    services: list[str]
    items: list[Item]


def _text(document: dict[str, str]) -> str:
    english = (get_language() or "de").startswith("en")
    return document.get("en" if english else "de") or document.get("de", "")


def checklist(appointment: Appointment) -> list[PersonChecklist]:
    """Per person: every document of every service once, those for minors only for minors."""
    day = appointment.start.astimezone(BERLIN).date()
    result = []
    for position, person in enumerate(appointment.persons.all(), start=1):
        age = person.age_on(day)
        minor = age is not None and age < ADULT_AGE
        seen: set[str] = set()
        items = []
        services = []
        for request in person.requests.all():
            service = request.service
            services.append(
                service.name if request.count == 1 else f"{service.name} × {request.count}"
            )
            for document in service.documents or []:
                if document.get("for") == "minor" and not minor:
                    continue
                text = _text(document)
                if text and text not in seen:
                    seen.add(text)
                    items.append(Item(text, document.get("key", "")))
        label = str(person).strip() or _("Person %(number)d") % {"number": position}
        result.append(PersonChecklist(label, services, items))
    return result

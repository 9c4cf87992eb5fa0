"""The events apps record, each with the sentence staff read.

The registry
------------
`audit` knows no domain. Each app that records events owns a module `<app>/audit_events.py`
with one function per event (`reservation_confirmed`, `lottery_drawn`, …) that calls
`rathaus.audit.services.audit_record(code=..., obj=..., actor=..., **data)`, and registers
every code it records, at import::

    from django.utils.translation import gettext_lazy as _
    from rathaus.audit.registry import event_register

    event_register("weddings.venue.updated", _("%(actor)s changed the venue's details."))

The sentence is a lazy gettext msgid (English; German in the app's catalogue) with one
`%(name)s` per stored value plus `%(actor)s`; `audit.selectors` fills it in the reader's
language. `values(data, shown)` may add or replace shown values (e.g. a label for a stored
key). The app's `AppConfig.ready()` imports its `audit_events` module, so every code is known
before the first entry is read. `rathaus/audit/tests/test_registry.py` checks that every code
passed to `audit_record` anywhere is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

ValuesHook = Callable[[dict[str, Any], dict[str, str]], dict[str, str]]


@dataclass(frozen=True)
class Event:
    code: str  # stable: "<app_label>.<thing>.<what happened>", stored in every entry
    sentence: Any  # lazy gettext with %(actor)s and the stored values
    values: ValuesHook | None = None


_events: dict[str, Event] = {}


def event_register(code: str, sentence: Any, *, values: ValuesHook | None = None) -> Event:
    """Make `code` readable. Registering the same code twice with another sentence is an error
    (two apps would claim one event); the same registration again (a re-import) is harmless."""
    event = Event(code, sentence, values)
    known = _events.get(code)
    if known is not None and str(known.sentence) != str(sentence):
        raise ImproperlyConfigured(f"audit event {code!r} is registered twice")
    _events[code] = event
    return event


def event_get(code: str) -> Event | None:
    return _events.get(code)


def events_registered() -> dict[str, Event]:
    """Every registered event by code (a copy)."""
    return dict(_events)

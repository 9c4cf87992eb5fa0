"""Requests of data subjects by e-mail address: access (Art. 15 DSGVO) and erasure (Art. 17).

The registry
------------
Every installed app that stores personal data has a module `<app>/privacy.py`, found the way
Django finds `admin.py` (nested apps such as `rathaus.weddings.lottery` included). It defines
two functions::

    from rathaus.core.privacy import Erasure, Section, model_record

    def personal_data_for_email(email: str) -> list[Section]:
        '''Everything this app stores about the address; [] when nothing.'''

    def personal_data_erase_for_email(email: str, *, actor, now: datetime) -> Erasure:
        '''Erase what may be erased; say what is kept and why.'''

Staff pages (`/verwaltung/datenschutz/`) and the commands `privacy_export EMAIL` and
`privacy_erase EMAIL --yes` call `privacy_export()` and `privacy_erase()` below, which ask
every provider in the order of INSTALLED_APPS. A module named `privacy` without both functions
is a configuration error (`ImproperlyConfigured`), so a typo cannot silently drop an app from
an access request.

Rules for a provider
--------------------
1. `email` arrives normalised (`email_normalise`: trimmed); match it with `__iexact`.
2. Export is complete: every row holding the address and every row belonging to such a row
   (status, dates, free text, reminders, agreements …), plus the row's audit history
   (`rathaus.audit.privacy.audit_history(obj)`). Build records with `model_record()` or plain
   dicts of JSON-ready values (`value_json()`); keys are labels for people (lazy gettext),
   because the export is first of all the copy the person receives. Secrets (link tokens,
   password hashes, TOTP keys) are never exported; say in `Section.note` that they exist.
3. Erase: first cancel what is still active and in the future through the domain's own
   service (the slot is freed, the person is told), then erase with the *same* function the
   retention job uses, so the two can never differ. One short transaction per object; an
   audit entry per object through the app's `audit_events` (`rathaus.audit.registry`), never
   with the address.
   Idempotent: a second call finds nothing and returns `Erasure()`.
4. Keep what the law requires (register entries, accountability of staff actions) and name
   the reason in `Erasure.retained` and `Section.note`.
5. Log counts only, never the address.
6. Test it in `<app>/tests/test_privacy.py`: export and erase one person while another
   person's data stays; `tests/integration/test_privacy_registry.py` checks the contract of
   every discovered provider.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig, apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone, translation
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from .timezone import to_local

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import OutboxMessage

logger = logging.getLogger("rathaus.privacy")

MODULE = "privacy"
EXPORT_FUNCTION = "personal_data_for_email"
ERASE_FUNCTION = "personal_data_erase_for_email"


@dataclass(frozen=True)
class Section:
    """One kind of record an app holds about the person."""

    key: str  # stable and machine-readable: "<app_label>.<thing>", e.g. "weddings.reservations"
    title: StrOrPromise  # for people
    records: list[dict[str, Any]]  # one per row; keys are labels for people, values JSON-ready
    note: StrOrPromise = ""  # what is kept after an erasure and why, or which secrets exist unshown


@dataclass(frozen=True)
class Erasure:
    """What one provider did for an erasure request."""

    erased: int = 0  # objects erased or anonymised now
    cancelled: int = 0  # still-active future bookings cancelled before erasing
    # what is kept, with the legal reason
    retained: list[StrOrPromise] = field(default_factory=list)


@dataclass(frozen=True)
class Provider:
    app_label: str
    verbose_name: str
    export: Any
    erase: Any


@dataclass(frozen=True)
class PrivacyExport:
    email: str
    created_at: datetime
    sections: list[tuple[Provider, Section]]

    @property
    def record_count(self) -> int:
        return sum(len(section.records) for _provider, section in self.sections)

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "created_at": value_json(self.created_at),
            "sections": [
                {
                    "app": provider.app_label,
                    "key": section.key,
                    "title": str(section.title),
                    "note": str(section.note),
                    "records": value_json(section.records),
                }
                for provider, section in self.sections
            ],
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class PrivacyErasure:
    results: list[tuple[Provider, Erasure]]

    @property
    def erased(self) -> int:
        return sum(erasure.erased for _provider, erasure in self.results)

    @property
    def cancelled(self) -> int:
        return sum(erasure.cancelled for _provider, erasure in self.results)

    def by_app(self) -> dict[str, Erasure]:
        return {provider.app_label: erasure for provider, erasure in self.results}

    @property
    def retained(self) -> list[str]:
        return [str(reason) for _provider, erasure in self.results for reason in erasure.retained]


# --- Values ------------------------------------------------------------------------------------


def email_normalise(email: str) -> str:
    return (email or "").strip()


def value_json(value: Any) -> Any:
    """A value as JSON can hold it: instants in Berlin time (ISO 8601), labels as text."""
    if isinstance(value, datetime):
        return to_local(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): value_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [value_json(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # model instances, lazy translations


def model_record(instance: models.Model, fields: list[str], **extra: Any) -> dict[str, Any]:
    """`fields` of `instance` keyed by their verbose names; choices as their labels."""
    record: dict[str, Any] = {}
    for name in fields:
        model_field = instance._meta.get_field(name)
        if isinstance(model_field, models.ForeignObjectRel):
            raise ValueError(f"{name} is the reverse side of a relation, not a field of its own")
        if model_field.choices:
            value = getattr(instance, f"get_{name}_display")()
        else:
            value = getattr(instance, name)
        record[str(model_field.verbose_name)] = value_json(value)
    record.update({str(key): value_json(value) for key, value in extra.items()})
    return record


# --- Discovery ---------------------------------------------------------------------------------


def _provider(app_config: AppConfig, module: ModuleType) -> Provider:
    export = getattr(module, EXPORT_FUNCTION, None)
    erase = getattr(module, ERASE_FUNCTION, None)
    if not (callable(export) and callable(erase)):
        raise ImproperlyConfigured(
            f"{module.__name__} must define {EXPORT_FUNCTION}() and {ERASE_FUNCTION}() "
            "(see rathaus/core/privacy.py)."
        )
    return Provider(app_config.label, str(app_config.verbose_name), export, erase)


@cache
def privacy_providers() -> tuple[Provider, ...]:
    """Every app's provider, in the order of INSTALLED_APPS."""
    providers = []
    for app_config in apps.get_app_configs():
        if not module_has_submodule(app_config.module, MODULE):
            continue
        module = import_module(f"{app_config.name}.{MODULE}")
        providers.append(_provider(app_config, module))
    return tuple(providers)


# --- Requests ----------------------------------------------------------------------------------


def privacy_export(*, email: str, now: datetime | None = None) -> PrivacyExport:
    """Everything stored about `email`, across all apps (Art. 15 DSGVO)."""
    email = email_normalise(email)
    if not email:
        raise ValueError("email required")
    sections = [
        (provider, section)
        for provider in privacy_providers()
        for section in provider.export(email)
        if section.records
    ]
    export = PrivacyExport(email=email, created_at=now or timezone.now(), sections=sections)
    logger.info("privacy export: %s sections, %s records", len(sections), export.record_count)
    return export


def privacy_erase(
    *, email: str, actor: AbstractBaseUser | None = None, now: datetime | None = None
) -> PrivacyErasure:
    """Cancel and erase everything that may go, across all apps (Art. 17 DSGVO). Idempotent."""
    email = email_normalise(email)
    if not email:
        raise ValueError("email required")
    now = now or timezone.now()
    # Core's outbox last: the other apps' erasures queue e-mails (the cancellation notice).
    providers = sorted(privacy_providers(), key=lambda provider: provider.app_label == "core")
    results = [(provider, provider.erase(email, actor=actor, now=now)) for provider in providers]
    erasure = PrivacyErasure(results)
    logger.info("privacy erasure: %s erased, %s cancelled", erasure.erased, erasure.cancelled)
    return erasure


def privacy_export_json(export: PrivacyExport, *, language: str | None = None) -> str:
    with translation.override(language or translation.get_language()):
        return export.as_json()


# --- Core's own data: the e-mail outbox ---------------------------------------------------------

LINK = re.compile(r"https?://\S+")  # links in e-mails carry secret tokens


def _outbox() -> type[OutboxMessage] | None:
    try:
        return apps.get_model("core", "OutboxMessage")
    except LookupError:  # the outbox is not part of this installation
        return None


def personal_data_for_email(email: str) -> list[Section]:
    outbox = _outbox()
    if outbox is None:
        return []
    messages = outbox.objects.filter(to__iexact=email).order_by("created_at")
    records = [
        {
            str(_("recipient")): message.to,
            str(_("subject")): message.subject,
            str(_("written")): value_json(message.created_at),
            str(_("sent")): value_json(message.sent_at),
            str(_("given up")): value_json(message.failed_at),
            str(_("text")): LINK.sub(str(_("[link]")), message.text),
        }
        for message in messages
    ]
    if not records:
        return []
    note = _(
        "Links in the e-mails are not shown: they contain secret keys. E-mails still waiting "
        "to be sent are delivered first and deleted with the outbox's retention period."
    )
    return [Section("core.outbox", _("E-mails sent to this address"), records, note)]


def personal_data_erase_for_email(
    email: str, *, actor: AbstractBaseUser | None, now: datetime
) -> Erasure:
    outbox = _outbox()
    if outbox is None:
        return Erasure()
    messages = outbox.objects.filter(to__iexact=email)
    done = messages.filter(models.Q(sent_at__isnull=False) | models.Q(failed_at__isnull=False))
    erased, _details = done.delete()
    waiting = messages.count()
    retained: list[StrOrPromise] = (
        [
            _("%(count)s e-mails still waiting to be sent (e.g. the cancellation notice).")
            % {"count": waiting}
        ]
        if waiting
        else []
    )
    return Erasure(erased=erased, retained=retained)

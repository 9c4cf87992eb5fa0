"""The privacy registry finds every app's provider, and every provider keeps the contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import ModuleType

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from rathaus.core import privacy
from rathaus.core.privacy import Erasure, Section, privacy_providers

PROVIDERS = {provider.app_label: provider for provider in privacy_providers()}


def test_the_apps_storing_e_mail_addresses_have_providers():
    assert {"core", "accounts", "audit", "weddings"} <= set(PROVIDERS)
    assert "housing_benefit" not in PROVIDERS  # the pre-check stores nothing personal


def test_a_privacy_module_without_the_two_functions_is_refused():
    module = ModuleType("rathaus.somewhere.privacy")
    module.personal_data_for_email = lambda email: []
    with pytest.raises(ImproperlyConfigured, match="personal_data_erase_for_email"):
        privacy._provider(apps.get_app_config("core"), module)


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(PROVIDERS))
def test_every_provider_knows_nothing_of_an_unknown_address(label):
    provider = PROVIDERS[label]
    assert provider.export("niemand@example.org") == []
    erasure = provider.erase("niemand@example.org", actor=None, now=timezone.now())
    assert erasure == Erasure()


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(PROVIDERS))
def test_every_provider_exports_json_ready_sections(label, make_reservation, office):
    make_reservation()
    for email in ("paar@example.org", office.email):
        for section in PROVIDERS[label].export(email):
            assert isinstance(section, Section)
            assert "." in section.key and section.title
            assert section.records
            json.dumps(section.records)  # JSON-ready, no dates or models left


def test_values_become_json_in_berlin_time():
    moment = datetime(2027, 7, 7, 8, 30, tzinfo=UTC)
    assert privacy.value_json({"when": moment, "list": (1, None)}) == {
        "when": "2027-07-07T10:30:00+02:00",
        "list": [1, None],
    }


def test_an_empty_address_is_refused():
    with pytest.raises(ValueError):
        privacy.privacy_export(email="  ")

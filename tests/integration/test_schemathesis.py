"""Schemathesis over every operation of /api/v1/openapi.json (reference B-1).

The document is read from the running Django application (WSGI, in this process, in the
test's database transaction), then Schemathesis generates schema-valid and schema-violating
requests for each operation and checks each answer:

- `not_a_server_error`: never a 5xx;
- `response_schema_conformance`, `content_type_conformance`, `response_headers_conformance`:
  what the API answers matches what the document promises for that status;
- `negative_data_rejection`: a request that violates the document is refused with a 4xx;
- `unsupported_method`, `missing_required_header`, `use_after_free`,
  `ensure_resource_availability`, `ignored_auth`.

- `status_code_conformance`: every status the API answers is one the document lists for that
  operation (the framework's 400 for an unreadable body and 422 for invalid input included).

One check is left out because it fails for reasons of the document, not of the server (see
docs/security.md, "Not covered yet"):

- `positive_data_acceptance`: the document is looser than the validation behind it. `from`
  and `to` are plain strings, not `format: date`; names, e-mail and venue have no minimum
  length or pattern; so "schema-valid" requests are rightly refused with 400/422.

Bot protection and rate limits are off here, so generated reservations reach the validation
(their own tests are in rathaus/protection/). The document has no OpenAPI links, so there is
no stateful run; the token operations get a real reservation and its tokens instead.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from rathaus.core.timezone import local_today
from rathaus.weddings import services
from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.models import Venue
from rathaus.weddings.selectors import SlotFilter, ceremony_slots_free

CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.response_schema_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.unsupported_method,
    checks.missing_required_header,
    checks.use_after_free,
    checks.ensure_resource_availability,
    checks.ignored_auth,
]
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Reading the document needs no database; the generated requests run inside each test.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
token_operations = schema.include(path_regex=r"\{reference\}")


@pytest.fixture
def site(db, settings):
    """Bottrop's data; requests through the WSGI handler stay in the test's transaction."""
    settings.RATHAUS_BOT_PROTECTION = False
    settings.RATHAUS_RATE_LIMITS = False
    bottrop_data_load(today=local_today())
    # As Django's own test client does: the handler must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def reservation(site):
    return imhof_reservation()


def imhof_reservation():
    """A pending reservation at Schloss Beck, 40 to 100 days ahead (Bottrop's data loaded)."""
    first = local_today() + timedelta(days=40)
    slot = ceremony_slots_free(
        first=first,
        last=first + timedelta(days=60),
        filters=SlotFilter(venues=[Venue.objects.get(slug="schloss-beck")]),
    )[0]
    return services.reservation_create(
        request=services.ReservationRequest(
            venue=slot.venue,
            start=slot.start,
            partners=(services.Partner("Ida", "Imhof"), services.Partner("Jan", "Imhof")),
            email="imhof@example.org",
            guests=10,
            language="de",
        )
    )


def test_the_document_lists_every_operation_the_server_routes():
    """So that the runs below reach every endpoint of the API."""
    from tests.integration.test_authz_matrix import url_inventory

    documented = {op.path for op in _operations(schema)}
    routed = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        for name, route in url_inventory().items()
        if name.startswith("api:")
        and name not in ("api:api-root", "api:openapi-json", "api:openapi-view")
    }
    assert routed and routed <= documented, routed - documented


def _operations(loaded):
    return [result.ok() for result in loaded.get_all_operations()]


@schema.parametrize()
@EXAMPLES
def test_every_operation_conforms_and_never_fails(case, site):
    case.call_and_validate(checks=CHECKS)


@token_operations.parametrize()
@EXAMPLES
def test_token_operations_with_a_real_reservation(case, reservation):
    """The reservation's own reference, with its management token on every other example."""
    case.path_parameters = {
        **(case.path_parameters or {}),
        "reference": reservation.reservation.reference,
    }
    run = CHECKS
    if len(repr(case.body)) % 2:
        case.headers = {
            **(case.headers or {}),
            "Authorization": f"Bearer {reservation.manage_token}",
        }
        # these two take any token they did not make up for an invalid one
        unfit = (checks.ignored_auth, checks.missing_required_header)
        run = [check for check in CHECKS if check not in unfit]
    case.call_and_validate(checks=run)

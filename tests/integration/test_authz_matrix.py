"""Authorization matrix over every URL the resolver knows (ASVS 8.2.1/8.2.2, reference B-4).

Every URL pattern must be listed in exactly one access class below; a new URL without an
entry fails `test_every_url_has_an_access_class`, so it cannot ship without a decision about
who may open it. The classes and what is proven for them:

- public: anonymous gets no 5xx and no login page, and no couple's data is on the page;
- citizen links (web and API): citizen A's token on B's reference answers 404, shows nothing
  of B and changes nothing; a staff session does not replace the token;
- staff self-service (second factor): anonymous goes to the login; this includes the staff
  shell's start page, which every staff account may open (it lists what the roles allow);
- moved addresses: permanent redirects to the same page in the staff shell, for everyone
  (the target decides who may see it);
- back office: the role matrix in `rathaus/weddings/tests/backoffice/test_access.py` (PAGES,
  ACTIONS) plus the cross-object cases here (another venue's block, another registrar's
  absence, another venue's reservation) and the roles that matrix leaves out;
- Wohngeld staff pages: the Wohngeldstelle and the citizen-office administration only;
- the Django admin: superusers only (staff roles hold no model permissions);
- the JSON API: a staff session grants nothing there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.scheduling.models import Closure
from rathaus.weddings import services
from rathaus.weddings.backoffice import services as office_services
from rathaus.weddings.constants import ReservationStatus
from rathaus.weddings.models import Registrar, Reservation, Venue
from rathaus.weddings.tests.backoffice.conftest import (  # noqa: F401 - fixtures
    _on_commit,
    beck_operator,
    free_slot,
    housing_staff,
    juenger_operator,
    office,
    registrar_user,
)
from rathaus.weddings.tests.backoffice.test_access import (  # noqa: F401 - `world` is a fixture
    ACTIONS,
    BECK,
    HOUSING,
    JUENGER,
    OFFICE,
    PAGES,
    REGISTRAR,
    _url,
    world,
)
from rathaus.weddings.tests.conftest import bottrop  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(bottrop):  # noqa: F811 - the fixture imported above
    """The back-office fixtures ask for a town; here it is Bottrop's real data, on purpose."""


CITIZEN_ADMIN, NO_ROLE = "citizen_admin", "no_role"
ALL_ROLES = (OFFICE, REGISTRAR, BECK, JUENGER, HOUSING, CITIZEN_ADMIN, NO_ROLE)
DENIED = (403, 404)


# --- The URL inventory -------------------------------------------------------------------------


def _walk(patterns, prefix="", namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            space = (pattern.namespace,) if pattern.namespace else ()
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), namespaces + space
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            # Unnamed patterns (the admin's "<object_id>/" redirect) are keyed by their route.
            yield (":".join((*namespaces, pattern.name)) if pattern.name else route), route


def url_inventory() -> dict[str, str]:
    """Every URL the project answers: {name (or route when unnamed): route}."""
    return dict(_walk(get_resolver().url_patterns))


PUBLIC = {
    # name: (method, args); args name a value of the `people` fixture or are literal ("=…")
    "core:home": ("get", []),
    "core:privacy": ("get", []),
    "core:accessibility": ("get", []),
    "core:accessibility-sent": ("get", []),
    "core:imprint": ("get", []),
    "core:healthz": ("get", []),
    "accounts:login": ("get", []),
    "accounts:logout": ("post", []),
    "weddings:search": ("get", []),
    "weddings:next-free": ("get", []),
    "weddings:venue": ("get", ["=schloss-beck"]),
    "weddings:reserve": ("get", ["=schloss-beck", "free_start"]),
    "weddings:reservation-pending": ("get", ["b_reference"]),
    "housing_benefit:precheck": ("get", []),
    "housing_benefit:precheck-pdf": ("post", []),
    "parking_permits:precheck": ("get", []),
    "parking_permits:apply": ("get", []),
    "parking_permits:verify": ("get", []),
    "parking_permits:keys": ("get", []),
    # the enforcement app's manifest: browsers fetch it without cookies; names and icons only
    "enforcement:manifest": ("get", []),
    "api:api-root": ("get", []),
    "api:openapi-json": ("get", []),
    "api:openapi-view": ("get", []),
    "api:venues_list": ("get", []),
    "api:slots_list": ("get", []),
    "api:reservation_create": ("post", []),
    "api:calculate": ("post", []),
    "api:appointment_services": ("get", []),
    "api:appointment_locations": ("get", []),
    "api:appointment_slots": ("get", []),
    "api:appointment_create": ("post", []),
    "api:zones_list": ("get", []),
    "api:precheck": ("get", []),
    "api:plates_check": ("get", []),
    "set_language": ("post", []),
    "api:altcha-challenge": ("get", []),
    "lottery:list": ("get", []),
    "lottery:detail": ("get", ["=2030-06-01"]),
    "lottery:result-json": ("get", ["=2030-06-01"]),
    "lottery:application-pending": ("get", ["=TV-2030-AAAA"]),
    "waitlist:wish-create": ("get", []),
    "waitlist:wish-pending": ("get", []),
    # The same-day draw: public pages; the request form takes no login (one per e-mail and
    # person and day), the received page shows a reference and the commitment only.
    "sameday:home": ("get", []),
    "sameday:location": ("get", ["=rathaus"]),
    "sameday:received": ("get", ["=rathaus", "=SD-AAAAAAAA"]),
    "sameday:result": ("get", ["=rathaus", "=2030-06-03"]),
    "sameday:result-json": ("get", ["=rathaus", "=2030-06-03"]),
    "appointments:start": ("get", []),
    "appointments:services": ("get", []),
    "appointments:service": ("get", ["=personalausweis"]),
    "appointments:public-status": ("get", []),
    "appointments:public-status-json": ("get", []),
    "appointments:standby": ("get", []),
    "appointments:standby-join": ("get", ["=rathaus"]),
    "appointments:standby-sent": ("get", ["=SB-AAAAAA"]),
    "appointments:book": ("get", []),
    "appointments:book-needs": ("get", ["=rathaus"]),
    "appointments:book-times": ("get", ["=rathaus"]),
    "appointments:book-hold": ("post", ["=rathaus"]),
    "appointments:book-sent": ("get", ["=BB-AAAAAA"]),
    # The kiosk at the entrance: 403 without the signed cookie of a device the citizen-office
    # administration set up (rathaus/appointments/queue/tests/test_kiosk_pages.py).
    "queue_kiosk:start": ("get", ["=rathaus"]),
    "queue_kiosk:appointment": ("post", ["=rathaus"]),
    "queue_kiosk:walk-in": ("post", ["=rathaus"]),
    "queue_kiosk:issued": ("get", ["=rathaus", "=1", "=" + "A" * 32]),
    # The waiting room's call display: numbers and counters only, never a name; the audio
    # key must belong to a call of today (rathaus/appointments/queue/tests/test_display_pages.py)
    "queue_display:page": ("get", ["=rathaus"]),
    "queue_display:state": ("get", ["=rathaus"]),
    "queue_display:audio": ("get", ["=rathaus", "=" + "0" * 64]),
}
CITIZEN_WEB = {
    "weddings:reservation-status": ("manage", ["get"]),
    "weddings:reservation-ics": ("manage", ["get"]),
    "weddings:reservation-cancel": ("manage", ["get", "post"]),
    "weddings:reservation-confirm": ("confirm", ["get", "post"]),
}
CITIZEN_API = {
    "api:reservation_detail": ("get", "{reference}"),
    "api:reservation_cancel": ("post", "{reference}/cancel"),
    "api:reservation_confirm": ("post", "{reference}/confirm"),
}
STAFF_SELF = {
    "staff:home",
    "accounts:otp-verify",
    "accounts:otp-setup",
    "accounts:account",
    "accounts:password-change",
    "accounts:logout-everywhere",
}
# POST only: the staff session warning's "stay logged in" (anonymous: login or 401, never 2xx).
STAFF_SESSION = {"accounts:session-extend"}
# Citizen links of the other public services. Their owners prove "another applicant's token
# gets 404" with real objects (named here, checked to exist); this module adds that a staff
# session does not open them and that a made-up reference or token gets nothing.
CITIZEN_ELSEWHERE = {
    "lottery:application-confirm": (
        ["=TV-2030-AAAA", "=" + "A" * 32],
        "rathaus/weddings/lottery/tests/test_pages.py::test_unknown_dates_references_and_tokens_are_404",
    ),
    "lottery:application-status": (
        ["=TV-2030-AAAA", "=" + "A" * 32],
        "rathaus/weddings/lottery/tests/test_pages.py::test_unknown_dates_references_and_tokens_are_404",
    ),
    "waitlist:wish-confirm": (
        ["=WL-NOTAREF", "=" + "A" * 32],
        "rathaus/weddings/waitlist/tests/test_views.py::test_token_pages_are_not_found_with_a_wrong_token",
    ),
    "waitlist:wish-status": (
        ["=WL-NOTAREF", "=" + "A" * 32],
        "rathaus/weddings/waitlist/tests/test_views.py::test_token_pages_are_not_found_with_a_wrong_token",
    ),
    "waitlist:wish-withdraw": (
        ["=WL-NOTAREF", "=" + "A" * 32],
        "rathaus/weddings/waitlist/tests/test_views.py::test_token_pages_are_not_found_with_a_wrong_token",
    ),
    "api:appointment_detail": (
        ["=BB-AAAAAA"],
        "rathaus/appointments/tests/test_api.py::test_a_token_never_opens_another_appointment",
    ),
    "api:appointment_cancel_by_token": (
        ["=BB-AAAAAA"],
        "rathaus/appointments/tests/test_api.py::test_a_token_never_opens_another_appointment",
    ),
    "appointments:confirm": (
        ["=BB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/tests/test_pages.py::test_token_pages_are_not_found_with_a_wrong_token",
    ),
    "appointments:status": (
        ["=BB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/tests/test_pages.py::test_token_pages_are_not_found_with_a_wrong_token",
    ),
    "appointments:cancel": (
        ["=BB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/tests/test_pages.py::test_token_pages_are_not_found_with_a_wrong_token",
    ),
    "appointments:ics": (
        ["=BB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/tests/test_pages.py::test_token_pages_are_not_found_with_a_wrong_token",
    ),
    "appointments:book-details": (
        ["=BB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/tests/test_public_booking.py::test_token_pages_of_the_flow_are_not_found_with_a_wrong_token",
    ),
    "appointments:book-release": (
        ["=BB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/tests/test_public_booking.py::test_token_pages_of_the_flow_are_not_found_with_a_wrong_token",
    ),
    "waitlist:offer-decline": (
        ["b_reference", "=" + "A" * 32],
        "rathaus/weddings/waitlist/tests/test_views.py::test_token_pages_are_not_found_with_a_wrong_token",
    ),
    "appointments:coming": (
        ["=BB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/tests/test_reminders.py::test_im_coming_page_shows_a_button_and_only_the_post_acts",
    ),
    "appointments:reconfirm": (
        ["=BB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/tests/test_reminders.py::test_a_booking_far_ahead_is_asked_to_reconfirm_and_stays_when_reconfirmed",
    ),
    "queue_ticket:page": (
        ["=1", "=" + "A" * 32],
        "rathaus/appointments/queue/tests/test_ticket_pages.py::test_the_page_opens_with_its_token_only",
    ),
    "queue_ticket:state-json": (
        ["=1", "=" + "A" * 32],
        "rathaus/appointments/queue/tests/test_ticket_pages.py::test_the_page_opens_with_its_token_only",
    ),
    "pickup:detail": (
        ["=AB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/pickup/tests/test_pickup.py::test_citizen_pages_with_token_only",
    ),
    "pickup:slot": (
        ["=AB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/pickup/tests/test_pickup.py::test_citizen_pages_with_token_only",
    ),
    "pickup:postal": (
        ["=AB-AAAAAA", "=" + "A" * 32],
        "rathaus/appointments/pickup/tests/test_pickup.py::test_citizen_pages_with_token_only",
    ),
    **{
        name: (
            ["=BP-2030-AAAA", "=" + "A" * 32],
            "rathaus/parking_permits/tests/test_views.py::test_status_links_need_their_own_token",
        )
        for name in (
            "parking_permits:status",
            "parking_permits:permit-pdf",
            "parking_permits:refusal-pdf",
        )
    },
    "parking_permits:visitor-buy": (
        ["=BP-2030-AAAA", "=" + "A" * 32],
        "rathaus/parking_permits/tests/test_visitors.py::test_visitor_links_need_their_own_token",
    ),
    **{
        name: (
            ["=BP-2030-AAAA", "=" + "A" * 32, "=BOT-AAAAAA"],
            "rathaus/parking_permits/tests/test_visitors.py::test_visitor_links_need_their_own_token",
        )
        for name in ("parking_permits:visitor-pdf", "parking_permits:visitor-cancel")
    },
    **{
        name: (
            ["=BP-2030-AAAA", "=" + "A" * 32],
            "rathaus/parking_permits/tests/test_renewal_views.py::test_the_new_pages_need_the_status_token",
        )
        for name in (
            "parking_permits:renew",
            "parking_permits:plate-change",
            "parking_permits:auto-renew",
        )
    },
    # Changes by the holder: the status link's reference and token (and a permit number)
    **{
        name: (
            ["=BP-2030-AAAA", "=" + "A" * 32, *extra],
            "rathaus/parking_permits/tests/test_change_views.py::test_change_links_need_their_own_token",
        )
        for name, extra in (
            ("parking_permits:temporary", []),
            ("parking_permits:temporary-end", ["=BOT-AAAAAA"]),
            ("parking_permits:permit-file", ["=BOT-AAAAAA"]),
            ("parking_permits:lost", []),
            ("parking_permits:cancel", []),
        )
    },
}
# Staff pages of the other services: (args, roles allowed). Their own tests prove what the
# allowed roles see; here: anonymous goes to the login, every other role is refused.
STAFF_ELSEWHERE = {
    "lottery:staff-list": ([], {OFFICE}),
    "lottery:staff-detail": (["=2030-06-01"], {OFFICE}),
    "lottery:staff-unmark": (["=2030-06-01"], {OFFICE}),
    "privacy:request": ([], {OFFICE, CITIZEN_ADMIN}),
    "privacy:export-json": ([], {OFFICE, CITIZEN_ADMIN}),
    "privacy:erase": ([], {OFFICE, CITIZEN_ADMIN}),
    # The Bürgerbüro's back office (rathaus/appointments/tests/test_staff_pages.py)
    "appointments_staff:home": ([], {CITIZEN_ADMIN}),
    "appointments_staff:day": ([], {CITIZEN_ADMIN}),
    "appointments_staff:book": ([], {CITIZEN_ADMIN}),
    "appointments_staff:appointment": (["=BB-AAAAAA"], {CITIZEN_ADMIN}),
    "appointments_staff:done": (["=BB-AAAAAA"], {CITIZEN_ADMIN}),
    "appointments_staff:no-show": (["=BB-AAAAAA"], {CITIZEN_ADMIN}),
    "appointments_staff:cancel": (["=BB-AAAAAA"], {CITIZEN_ADMIN}),
    "appointments_staff:move": (["=BB-AAAAAA"], {CITIZEN_ADMIN}),
    "appointments_staff:services": ([], {CITIZEN_ADMIN}),
    "appointments_staff:service": (["=reisepass"], {CITIZEN_ADMIN}),
    "appointments_staff:fee-create": (["=reisepass"], {CITIZEN_ADMIN}),
    "appointments_staff:fee-delete": (["=reisepass", "=1"], {CITIZEN_ADMIN}),
    "appointments_staff:locations": ([], {CITIZEN_ADMIN}),
    "appointments_staff:location": (["=rathaus"], {CITIZEN_ADMIN}),
    "appointments_staff:location-closure": (["=rathaus"], {CITIZEN_ADMIN}),
    "appointments_staff:counter-create": (["=rathaus"], {CITIZEN_ADMIN}),
    "appointments_staff:location-opening": (["=rathaus"], {CITIZEN_ADMIN}),
    "appointments_staff:counter": (["=1"], {CITIZEN_ADMIN}),
    "appointments_staff:hours-create": (["=1"], {CITIZEN_ADMIN}),
    "appointments_staff:hours-change": (["=1", "=1"], {CITIZEN_ADMIN}),
    "appointments_staff:hours-delete": (["=1", "=1"], {CITIZEN_ADMIN}),
    "appointments_staff:counter-closure": (["=1"], {CITIZEN_ADMIN}),
    "appointments_staff:closure-delete": (["=1", "=1"], {CITIZEN_ADMIN}),
    "appointments_staff:opening-delete": (["=1", "=1"], {CITIZEN_ADMIN}),
    "appointments_statistics:page": ([], {CITIZEN_ADMIN}),
    "appointments_statistics:csv": ([], {CITIZEN_ADMIN}),
    "appointments_statistics:svg": ([], {CITIZEN_ADMIN}),
    "pickup_staff:list": ([], {CITIZEN_ADMIN}),
    "pickup_staff:ready": ([], {CITIZEN_ADMIN}),
    "pickup_staff:import": ([], {CITIZEN_ADMIN}),
    "pickup_staff:handed-over": (["=AB-AAAAAA"], {CITIZEN_ADMIN}),
    # The parking-permit office (role parking_office, not in ALL_ROLES, and the citizen-office
    # administration); rathaus/parking_permits/tests/test_views.py shows what they see.
    "parking_staff:queue": ([], {CITIZEN_ADMIN}),
    "parking_staff:application": (["=BP-2030-AAAA"], {CITIZEN_ADMIN}),
    "parking_staff:decide": (["=BP-2030-AAAA"], {CITIZEN_ADMIN}),
    "parking_staff:pay": (["=BP-2030-AAAA"], {CITIZEN_ADMIN}),
    "parking_staff:revoke": (["=BP-2030-AAAA"], {CITIZEN_ADMIN}),
    "parking_staff:document": (["=BP-2030-AAAA", "=1"], {CITIZEN_ADMIN}),
    "parking_staff:zones": ([], {CITIZEN_ADMIN}),
    "parking_staff:zone-edit": (["=brauerstrasse"], {CITIZEN_ADMIN}),
    "parking_staff:segments": (["=brauerstrasse"], {CITIZEN_ADMIN}),
    "parking_staff:segment-edit": (["=brauerstrasse", "=1"], {CITIZEN_ADMIN}),
    "parking_staff:segment-delete": (["=brauerstrasse", "=1"], {CITIZEN_ADMIN}),
    "parking_staff:fees": ([], {CITIZEN_ADMIN}),
    "parking_staff:statement": ([], {CITIZEN_ADMIN}),
    "parking_staff:registers": ([], {CITIZEN_ADMIN}),
    # the zone statistics (rathaus/parking_permits/tests/test_statistics.py)
    "parking_staff:statistics": ([], {CITIZEN_ADMIN}),
    "parking_staff:statistics-csv": ([], {CITIZEN_ADMIN}),
    "parking_staff:statistics-chart": (["=auslastung"], {CITIZEN_ADMIN}),
    # charges, refunds and move-outs (rathaus/parking_permits/tests/test_change_views.py)
    "parking_staff:charges": ([], {CITIZEN_ADMIN}),
    "parking_staff:charge-pay": (["=1"], {CITIZEN_ADMIN}),
    "parking_staff:refunds": ([], {CITIZEN_ADMIN}),
    "parking_staff:refunds-csv": ([], {CITIZEN_ADMIN}),
    "parking_staff:refund-paid": (["=1"], {CITIZEN_ADMIN}),
    "parking_staff:move-outs": ([], {CITIZEN_ADMIN}),
    "parking_staff:move-out-clear": (["=BOT-AAAAAA"], {CITIZEN_ADMIN}),
    "parking_staff:move-out-end": (["=BOT-AAAAAA"], {CITIZEN_ADMIN}),
    # The enforcement app: officers of the role traffic_enforcement only (not in ALL_ROLES);
    # rathaus/parking_permits/tests/enforcement show what they see.
    "enforcement:app": ([], set()),
    "enforcement:plate": ([], set()),
    "enforcement:plate-api": ([], set()),
    "enforcement:revocations": ([], set()),
    # the data-protection officer's log (role data_protection_officer, not in ALL_ROLES)
    "enforcement:log": ([], set()),
    "enforcement:sw": ([], set()),  # the app's service worker (its script request has cookies)
    # proven for the allowed role in rathaus/appointments/sameday/tests/test_pages.py
    "sameday_staff:home": ([], {CITIZEN_ADMIN}),
    # a kiosk device's setup (rathaus/appointments/queue/tests/test_kiosk_pages.py)
    "queue_kiosk:setup": ([], {CITIZEN_ADMIN}),
    # The clerk's workplace and the information desk
    # (rathaus/appointments/queue/tests/test_workplace_pages.py)
    "queue_workplace:home": ([], {CITIZEN_ADMIN}),
    "queue_workplace:counter": (["=1"], {CITIZEN_ADMIN}),
    "queue_workplace:forward": (["=1"], {CITIZEN_ADMIN}),
    "queue_workplace:urgent": (["=1", "=1"], {CITIZEN_ADMIN}),
    "queue_workplace:act": (["=1", "=naechste"], {CITIZEN_ADMIN}),
    "queue_workplace:desk": (["=rathaus"], {CITIZEN_ADMIN}),
    "queue_workplace:desk-reference": (["=rathaus"], {CITIZEN_ADMIN}),
    "queue_workplace:desk-person": (["=rathaus"], {CITIZEN_ADMIN}),
    "queue_workplace:desk-walk-in": (["=rathaus"], {CITIZEN_ADMIN}),
    # the duration drift (rathaus/appointments/queue/tests/test_drift_pages.py)
    "queue_drift:page": ([], {CITIZEN_ADMIN}),
    "queue_drift:adopt": (["=reisepass"], {CITIZEN_ADMIN}),
    # the waiting room's statistics (rathaus/appointments/queue/tests/test_statistics.py)
    "queue_statistics:page": ([], {CITIZEN_ADMIN}),
    "queue_statistics:csv": ([], {CITIZEN_ADMIN}),
    "queue_statistics:svg": ([], {CITIZEN_ADMIN}),
}
BACKOFFICE_EXTRA = {
    # back-office URLs the role matrix of test_access does not list, proven in this module
    "backoffice:home": "test_backoffice_home_and_own_schedule_by_role",
    "backoffice:my-schedule": "test_backoffice_home_and_own_schedule_by_role",
    "backoffice:registrar-absence-delete": "test_registrar_cannot_delete_another_…_absence",
    "backoffice:feed": "test_a_feed_shows_only_its_own_venue",
}
CALCULATION = {
    "on": "2025-03-01",
    "rent_level": "3",
    "household_members": "2",
    "members_counted": "2",
    "rent": "600",
    "monthly_income": "1400",
    "subsidy_type": "rent",
}
HOUSING_STAFF_PAGES = {
    "housing_benefit_staff:home": {},
    "housing_benefit_staff:calculation": CALCULATION,
    "housing_benefit_staff:calculation-pdf": CALCULATION,
    "housing_benefit_staff:caseload-plan": {},
}
# Addresses that moved into the staff shell (unnamed, keyed by route): an old address → its
# new one, proven by `test_moved_addresses_redirect_permanently`.
MOVED = {
    r"^verwaltung/(?:plan|reservierungen|trauorte|mein-plan|standesbeamte|regeln|zusatztermine"
    r"|schliessungen|reservierungsregeln|statistik|statistik\.csv|statistik\.svg|feed)(?:/.*)?$": (
        "/verwaltung/plan/tag/?tag=2030-06-01",
        "/verwaltung/trauungen/plan/tag/?tag=2030-06-01",
    ),
    r"^trauung/verlosung/verwaltung/termine/.*$": (
        "/trauung/verlosung/verwaltung/termine/2030-06-01/?x=1",
        "/verwaltung/trauungen/verlosung/2030-06-01/?x=1",
    ),
    r"^wohngeld/(?:planung/|berechnung/|berechnung\.pdf)$": (
        "/wohngeld/berechnung/?rent=600",
        "/verwaltung/wohngeld/berechnung/?rent=600",
    ),
}


def _backoffice_matrix_names() -> set[str]:
    return {entry[0] for entry in PAGES} | {entry[0] for entry in ACTIONS}


def _classified(name: str) -> bool:
    return (
        name in PUBLIC
        or name in CITIZEN_WEB
        or name in CITIZEN_API
        or name in STAFF_SELF
        or name in STAFF_SESSION
        or name in CITIZEN_ELSEWHERE
        or name in STAFF_ELSEWHERE
        or name in HOUSING_STAFF_PAGES
        or name in BACKOFFICE_EXTRA
        or name in MOVED
        or name in _backoffice_matrix_names()
        or name.startswith(("admin:", "admin/"))
    )


def test_every_url_has_an_access_class():
    inventory = url_inventory()
    missing = sorted(name for name in inventory if not _classified(name))
    assert not missing, (
        "URLs without an authorization test – add each to an access class in "
        f"tests/integration/test_authz_matrix.py (or to PAGES/ACTIONS of the back-office "
        f"matrix): {missing}"
    )
    listed = (
        set(PUBLIC)
        | set(CITIZEN_WEB)
        | set(CITIZEN_API)
        | STAFF_SELF
        | STAFF_SESSION
        | set(CITIZEN_ELSEWHERE)
        | set(STAFF_ELSEWHERE)
        | set(HOUSING_STAFF_PAGES)
        | set(BACKOFFICE_EXTRA)
        | set(MOVED)
        | _backoffice_matrix_names()
    )
    stale = sorted(listed - set(inventory))
    assert not stale, f"access classes name URLs that no longer exist: {stale}"


# --- The people and their reservations ---------------------------------------------------------


@dataclass
class Couple:
    reservation: Reservation
    manage: str
    confirm: str
    secrets: tuple[str, ...]  # what must never appear in an answer to someone else


def _couple(venue_slug: str, given: str, family: str, *, skip: int = 0) -> Couple:
    slot = free_slot(venue_slug, skip=skip)
    email = f"{family.lower()}@example.org"
    created = services.reservation_create(
        request=services.ReservationRequest(
            venue=slot.venue,
            start=slot.start,
            partners=(services.Partner(given, family), services.Partner("Partner", family)),
            email=email,
            phone="02041 555 0199",
            guests=12,
            language="de",
            note=f"Notiz von {given}",
        )
    )
    return Couple(
        created.reservation,
        created.manage_token,
        created.confirm_token,
        (given, family, email, f"Notiz von {given}", "555 0199"),
    )


def _staff(username: str, role: str | None) -> User:
    roles_ensure()
    user, _ = staff_user_ensure(
        username=username, password="Richtig-Geheim-2027", first_name="T", last_name="P", role=role
    )
    return user


@pytest.fixture
def people(world):  # noqa: F811 - the fixture imported above
    a = _couple("rathaus-trauzimmer", "Adelheid", "Anfang")
    b = _couple("schloss-beck", "Berta", "Brandtner", skip=2)
    users = {
        **world["users"],
        CITIZEN_ADMIN: _staff("buergerbuero", roles.CITIZEN_OFFICE_ADMIN),
        NO_ROLE: _staff("ohnerolle", None),
    }
    return {
        **world,
        "users": users,
        "a": a,
        "b": b,
        "b_reference": b.reservation.reference,
        "free_start": free_slot("schloss-beck", skip=4).start_epoch,
    }


def _args(people, args):
    return [arg[1:] if arg.startswith("=") else people[arg] for arg in args]


def _leaks(response, couple: Couple) -> list[str]:
    body = response.content.decode(errors="replace")
    return [secret for secret in couple.secrets if secret in body]


def _is_login_redirect(response, login="/login/") -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"{login}?next=")


# --- Public URLs -------------------------------------------------------------------------------


def test_public_urls_answer_anonymous_without_leaking_a_couple(client, people):
    problems = []
    for name, (method, args) in PUBLIC.items():
        url = reverse(name, args=_args(people, args))
        response = getattr(client, method)(url)
        if response.status_code >= 500 or _is_login_redirect(response):
            problems.append((name, response.status_code))
        for couple in (people["a"], people["b"]):
            if leaked := _leaks(response, couple):
                problems.append((name, "leaks", leaked))
    assert not problems


# --- Citizen links: A's token never opens B's reservation --------------------------------------


def _web_url(name: str, reference: str, token: str) -> str:
    return reverse(name, args=[reference, token])


def _unchanged(couple: Couple) -> bool:
    fresh = Reservation.objects.get(pk=couple.reservation.pk)
    return fresh.status == couple.reservation.status


@pytest.mark.parametrize("name", sorted(CITIZEN_WEB))
def test_a_citizen_link_never_opens_another_couples_reservation(client, people, name):
    a, b = people["a"], people["b"]
    kind, methods = CITIZEN_WEB[name]
    own = b.manage if kind == "manage" else b.confirm
    wrong_kind = b.confirm if kind == "manage" else b.manage
    attempts = [
        a.manage,  # A's link with B's reference
        a.confirm,
        wrong_kind,  # B's other token does not open this page
        own[:-1],
        own + "A",
        own.lower() if own != own.lower() else own.upper(),
        "",
    ]
    for token in attempts:
        if not token:
            continue
        url = _web_url(name, b.reservation.reference, token)
        for method in methods:
            for user in (None, people["users"][OFFICE]):  # a staff session is no token
                client.logout()
                if user:
                    client.force_login(user)
                response = getattr(client, method)(url)
                assert response.status_code == 404, (name, method, response.status_code)
                assert not _leaks(response, b), (name, method)
    client.logout()
    assert _unchanged(b), "a refused request changed B's reservation"
    # The control: B's own token opens B's page, so the 404s above are the gate at work.
    own_url = _web_url(name, b.reservation.reference, own)
    response = client.get(own_url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # token pages: no cache, no index
    assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.parametrize("name", sorted(CITIZEN_API))
def test_a_bearer_token_never_opens_another_couples_reservation(client, people, name):
    a, b = people["a"], people["b"]
    method, suffix = CITIZEN_API[name]
    url = "/api/v1/reservations/" + suffix.format(reference=b.reservation.reference)
    for token in (a.manage, a.confirm, "", b.manage[:-1], "Bearer"):
        for user in (None, people["users"][OFFICE]):
            client.logout()
            if user:
                client.force_login(user)
            headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
            body = json.dumps({"token": token}) if name == "api:reservation_confirm" else None
            if body is not None:
                response = client.post(url, body, content_type="application/json", **headers)
            else:
                response = getattr(client, method)(url, **headers)
            assert response.status_code == 404, (name, token[:4], response.status_code)
            assert not _leaks(response, b), name
    client.logout()
    assert _unchanged(b)
    assert (
        client.get(
            f"/api/v1/reservations/{b.reservation.reference}",
            HTTP_AUTHORIZATION=f"Bearer {b.manage}",
        ).status_code
        == 200
    )


def test_the_confirm_token_does_not_manage_and_the_manage_token_does_not_confirm(client, people):
    b = people["b"]
    reference = b.reservation.reference
    confirm = client.post(
        f"/api/v1/reservations/{reference}/confirm",
        json.dumps({"token": b.manage}),
        content_type="application/json",
    )
    assert confirm.status_code == 404
    assert Reservation.objects.get(pk=b.reservation.pk).status == ReservationStatus.PENDING
    detail = client.get(
        f"/api/v1/reservations/{reference}", HTTP_AUTHORIZATION=f"Bearer {b.confirm}"
    )
    assert detail.status_code == 404


# --- Staff self-service ------------------------------------------------------------------------


def test_second_factor_pages_need_a_login(client, people):
    for name in sorted(STAFF_SELF):
        assert _is_login_redirect(client.get(reverse(name))), name
        for role in ALL_ROLES:
            client.force_login(people["users"][role])
            assert client.get(reverse(name)).status_code < 500, (name, role)
            client.logout()


def test_moved_addresses_redirect_permanently(client, people):
    for old, new in MOVED.values():
        assert _redirect(client.get(old)) == (301, new), old
        client.force_login(people["users"][OFFICE])
        assert _redirect(client.get(old)) == (301, new), old
        client.logout()


def _redirect(response) -> tuple[int, str]:
    return response.status_code, response.get("Location", "")


def test_the_session_extension_keeps_only_a_staff_session_alive(client, people):
    for name in sorted(STAFF_SESSION):
        url = reverse(name)
        assert _is_login_redirect(client.post(url)), name
        answer = client.post(url, HTTP_ACCEPT="application/json")
        assert answer.status_code == 401 and answer.json() == {"remaining": 0}, name
        assert client.get(url).status_code == 405, name
        for role in ALL_ROLES:
            client.force_login(people["users"][role])
            answer = client.post(url, HTTP_ACCEPT="application/json")
            assert answer.status_code == 200 and answer.json()["remaining"] > 0, (name, role)
            client.logout()


def test_the_owners_tests_of_other_citizen_links_exist():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for name, (_args, test) in CITIZEN_ELSEWHERE.items():
        path, function = test.split("::")
        assert f"def {function}(" in (root / path).read_text(), (name, test)


@pytest.mark.parametrize("name", sorted(CITIZEN_ELSEWHERE))
def test_other_citizen_links_open_nothing_for_a_made_up_token_or_a_staff_session(
    client, people, name
):
    url = reverse(name, args=_args(people, CITIZEN_ELSEWHERE[name][0]))
    for user in (None, people["users"][OFFICE]):
        if user:
            client.force_login(user)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), (name, method, response.status_code)
            assert not _leaks(response, people["b"]), name
    assert _unchanged(people["b"])


def test_staff_pages_of_other_services_refuse_other_roles(client, people):
    problems = []
    for name, (args, allowed) in STAFF_ELSEWHERE.items():
        url = reverse(name, args=_args(people, args))
        for method in ("get", "post"):
            if not _is_login_redirect(getattr(client, method)(url)):
                problems.append(("anonymous", method, name))
        for role in set(ALL_ROLES) - allowed:
            client.force_login(people["users"][role])
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status not in (*DENIED, 405):  # 405: the view has no such method at all
                    problems.append((role, method, name, status))
            client.logout()
    assert not problems


# --- Back office: the roles and objects test_access leaves out ---------------------------------


def test_backoffice_matrix_refuses_the_citizen_office_admin_and_a_role_less_account(client, people):
    problems = []
    for role in (CITIZEN_ADMIN, NO_ROLE):
        client.force_login(people["users"][role])
        for name, args, _allowed in PAGES:
            status = client.get(_url(people, name, args)).status_code
            if status not in DENIED:
                problems.append((role, "GET", name, status))
        for name, args, data, _allowed in ACTIONS:
            status = client.post(_url(people, name, args), data).status_code
            if status not in DENIED:
                problems.append((role, "POST", name, status))
        client.logout()
    assert not problems


def test_backoffice_home_and_own_schedule_by_role(client, people):
    for name in ("backoffice:home", "backoffice:my-schedule"):
        assert _is_login_redirect(client.get(reverse(name))), name
        for role in (HOUSING, CITIZEN_ADMIN, NO_ROLE):
            client.force_login(people["users"][role])
            assert client.get(reverse(name)).status_code == 403, (name, role)
            client.logout()
    for role in (OFFICE, BECK, JUENGER):  # only a registrar has an own schedule
        client.force_login(people["users"][role])
        assert client.get(reverse("backoffice:my-schedule")).status_code in DENIED, role
        client.logout()


def _absence(registrar: Registrar, day: int) -> Closure:
    from datetime import time

    from rathaus.core.timezone import local_datetime, local_today

    first = local_today().replace(year=local_today().year + 2, day=day)
    return Closure.objects.create(
        resource=registrar.resource,
        start=local_datetime(first, time(0)),
        end=local_datetime(first, time(23)),
        reason="Urlaub",
    )


def test_registrar_cannot_delete_another_registrars_absence(client, people):
    anna, markus = (Registrar.objects.get(pk=people[key]) for key in ("anna", "markus"))
    theirs = _absence(markus, 3)
    mine = _absence(anna, 4)
    url = "backoffice:registrar-absence-delete"
    attempts = {
        REGISTRAR: [(anna.pk, theirs.pk), (markus.pk, theirs.pk), (markus.pk, mine.pk)],
        BECK: [(anna.pk, mine.pk), (markus.pk, theirs.pk)],
        JUENGER: [(anna.pk, mine.pk)],
        HOUSING: [(anna.pk, mine.pk)],
        CITIZEN_ADMIN: [(anna.pk, mine.pk)],
    }
    assert _is_login_redirect(client.post(reverse(url, args=[anna.pk, mine.pk])))
    for role, pairs in attempts.items():
        client.force_login(people["users"][role])
        for pair in pairs:
            status = client.post(reverse(url, args=pair)).status_code
            assert status in DENIED, (role, pair, status)
        client.logout()
    assert Closure.objects.filter(pk__in=[theirs.pk, mine.pk]).count() == 2
    client.force_login(people["users"][REGISTRAR])  # the control: her own absence goes
    assert client.post(reverse(url, args=[anna.pk, mine.pk])).status_code == 303
    assert not Closure.objects.filter(pk=mine.pk).exists()


def test_venue_operator_cannot_reach_another_venues_objects_through_their_own_venue(client, people):
    juenger = Venue.objects.get(slug="hof-juenger")
    their_block = Closure.objects.create(
        resource=juenger.resource,
        start=Closure.objects.get(pk=people["beck_block"]).start,
        end=Closure.objects.get(pk=people["beck_block"]).end,
        reason="Hoffest",
    )
    their_reservation = _couple("hof-juenger", "Hedwig", "Hofmann").reservation
    client.force_login(people["users"][BECK])
    for url in (
        reverse("backoffice:venue-block-delete", args=["schloss-beck", their_block.pk]),
        reverse("backoffice:venue-block-delete", args=["hof-juenger", their_block.pk]),
        reverse("backoffice:venue-agreement", args=["schloss-beck", their_reservation.reference]),
    ):
        response = client.post(url, {"decision": "agree"})
        assert response.status_code == 404, (url, response.status_code)
    assert Closure.objects.filter(pk=their_block.pk).exists()
    page = client.get(reverse("backoffice:venue", args=["schloss-beck"])).content.decode()
    assert their_reservation.reference not in page
    assert "Hofmann" not in page


def test_a_feed_shows_only_its_own_venue(client, people):
    beck = Venue.objects.get(slug="schloss-beck")
    office_user = people["users"][OFFICE]
    token = office_services.feed_token_create(actor=office_user, venue=beck)
    services.reservation_confirm_email(
        reservation=people["b"].reservation, token=people["b"].confirm
    )
    services.reservation_confirm_email(
        reservation=people["a"].reservation, token=people["a"].confirm
    )
    response = client.get(reverse("backoffice:feed", args=[token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert people["b"].reservation.reference in body or "Brandtner" in body
    assert "Anfang" not in body and people["a"].reservation.reference not in body
    for guess in (token[:-1], token.upper(), token + "x", "0" * len(token)):
        if guess != token:
            assert client.get(reverse("backoffice:feed", args=[guess])).status_code == 404


# --- Wohngeld staff pages ----------------------------------------------------------------------


def test_housing_benefit_staff_pages_by_role(client, people):
    allowed = {HOUSING, CITIZEN_ADMIN}
    problems = []
    for name, params in HOUSING_STAFF_PAGES.items():
        url = reverse(name)
        if not _is_login_redirect(client.get(url, params)):
            problems.append(("anonymous", name))
        for role in ALL_ROLES:
            client.force_login(people["users"][role])
            status = client.get(url, params).status_code
            client.logout()
            if (role in allowed and status >= 400) or (role not in allowed and status != 403):
                problems.append((role, name, status))
    assert not problems


# --- Django admin: superusers only -------------------------------------------------------------

ADMIN_OWN_ACCOUNT = {  # pages every staff account may open about itself
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
}
ADMIN_MODEL_ROUTE = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


def _admin_url(route: str, people) -> str:
    reservation = people["b"].reservation
    found = ADMIN_MODEL_ROUTE.match(route)
    model = None
    if found:
        try:
            model = apps.get_model(found["app"], found["model"])
        except LookupError:
            model = None
    row = model.objects.order_by("pk").first() if model is not None else None
    values = {
        "content_type_id": str(ContentType.objects.get_for_model(Reservation).pk),
        "object_id": str(row.pk if row is not None else reservation.pk),
        "id": str(row.pk if row is not None else 1),
        "pk": str(row.pk if row is not None else 1),
        "app_label": "weddings",
        "url": "nothing-here/",  # the admin's catch-all
    }
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route).replace("^", "").replace("$", "")
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)


def test_the_admin_is_for_superusers_only(client, people):
    routes = {n: r for n, r in url_inventory().items() if n.startswith(("admin:", "admin/"))}
    assert len(routes) > 20
    urls = {name: _admin_url(route, people) for name, route in routes.items()}
    problems = []
    for name, url in urls.items():
        if name not in ("admin:login", "admin:logout"):
            response = client.get(url)
            if not (response.status_code == 302 and "/admin/login/" in response["Location"]):
                problems.append(("anonymous", name, response.status_code))
    # The admin decides by is_staff, is_superuser and model permissions alone. No role holds a
    # permission, so two staff accounts stand for every role (this keeps the test fast).
    assert not Permission.objects.filter(group__name__in=list(roles.ROLE_LABELS)).exists()
    assert not Permission.objects.filter(user__in=people["users"].values()).exists()
    for role in (OFFICE, NO_ROLE):
        client.force_login(people["users"][role])
        for name, url in urls.items():
            if name in ADMIN_OWN_ACCOUNT:
                continue
            response = client.get(url)
            redirect = response.get("Location", "")
            # A redirect may only lead to another admin URL, which this loop checks as well.
            if response.status_code not in (*DENIED, 302) or (
                response.status_code == 302 and not redirect.startswith(("/admin/", "../"))
            ):
                problems.append((role, name, response.status_code, redirect))
            elif _leaks(response, people["b"]):
                problems.append((role, name, "leaks"))
        index = client.get("/admin/").content.decode()
        if "/admin/weddings/" in index or "/admin/auth/user/" in index:
            problems.append((role, "admin:index lists models"))
        client.logout()
    assert not problems


# --- JSON API: a staff session grants nothing ----------------------------------------------------

API_PUBLIC_CALLS = {
    "api:venues_list": ("get", "/api/v1/venues", None),
    "api:slots_list": ("get", "/api/v1/slots?from=2030-01-01&to=2030-01-31", None),
    "api:reservation_create": ("post", "/api/v1/reservations", {}),
    "api:calculate": ("post", "/api/v1/housing-benefit/calculate", {}),
    "api:zones_list": ("get", "/api/v1/parking/zones", None),
    "api:precheck": ("get", "/api/v1/parking/precheck?street=Brauerstra%C3%9Fe&number=3", None),
    "api:plates_check": ("get", "/api/v1/parking/plates/check?plate=BOT-AB%20123", None),
    "api:altcha-challenge": ("get", "/api/v1/altcha/challenge", None),
    "api:appointment_services": ("get", "/api/v1/appointments/services", None),
    "api:appointment_locations": ("get", "/api/v1/appointments/locations", None),
    "api:appointment_slots": (
        "get",
        "/api/v1/appointments/slots?location=rathaus&from=2030-01-07&to=2030-01-08"
        "&services=reisepass:1",
        None,
    ),
    "api:appointment_create": ("post", "/api/v1/appointments", {}),
    "api:appointment_detail": ("get", "/api/v1/appointments/BB-AAAAAA", None),
    "api:appointment_cancel_by_token": ("post", "/api/v1/appointments/BB-AAAAAA/cancel", None),
}


def test_api_answers_every_role_as_it_answers_anonymous(client, people):
    b = people["b"]
    calls = {
        **API_PUBLIC_CALLS,
        **{
            name: (
                method,
                "/api/v1/reservations/" + suffix.format(reference=b.reservation.reference),
                None,
            )
            for name, (method, suffix) in CITIZEN_API.items()
        },
    }
    api_names = {n for n in url_inventory() if n.startswith("api:")}
    assert api_names - set(calls) <= {"api:api-root", "api:openapi-json", "api:openapi-view"}

    def call(method, url, body):
        if body is None:
            return getattr(client, method)(url)
        return client.post(url, json.dumps(body), content_type="application/json")

    problems = []
    expected = {}
    for name, (method, url, body) in calls.items():
        expected[name] = call(method, url, body).status_code
        if name in CITIZEN_API and expected[name] not in (400, 404, 422):  # no token, no answer
            problems.append(("anonymous", name, expected[name]))
    for role in ALL_ROLES:
        client.force_login(people["users"][role])
        for name, (method, url, body) in calls.items():
            response = call(method, url, body)
            if response.status_code != expected[name] or _leaks(response, b):
                problems.append((role, name, response.status_code))
        client.logout()
    assert not problems
    assert _unchanged(b)

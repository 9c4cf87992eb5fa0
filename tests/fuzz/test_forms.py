"""Hypothesis over every public HTML form (reference B-2): never a 5xx, never raw HTML back.

The forms are not listed by hand: each public page is fetched and its <form> elements are
read from the HTML (fields, options, method, action), so a field added to a template is
fuzzed too. Each example sends one form with every field either a value the page offers, a
hostile value (impossible and non-existent dates, RTL and combining characters, NUL,
10,000-character names, HTML and SQL payloads), a list of values (a duplicated field) or
nothing at all (a missing field). The checks per answer:

- the status is below 500;
- none of the HTML payloads comes back unescaped;
- a redirect stays on this site (no open redirect through `next`).

The round-trip tests below prove that valid input still works, that stored names come back
as entered (NFC) and that a stored HTML payload is shown escaped to the couple and to staff.
Bot protection and rate limits are switched off here: they would answer most examples with
422/429 before the form is read (their own tests are in rathaus/protection/).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.core.timezone import local_today
from rathaus.weddings import services
from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.lottery.services import lottery_mark
from rathaus.weddings.models import Reservation, Venue
from rathaus.weddings.selectors import SlotFilter, ceremony_slots_free
from tests.browser.helpers import lottery_day_after

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
INJECTIONS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
]
# 02:30 does not exist on 28.03.2027 (clocks jump 02:00 -> 03:00) and exists twice on 31.10.2027.
DST = ["2027-03-28T02:30", "2027-03-28 02:30", "2027-10-31T02:30", "28.03.2027 02:30"]
BAD_DATES = ["2027-02-29", "2028-02-30", "2027-04-31", "0001-01-01", "9999-12-31", "10000-01-01"]
HOSTILE = [
    *INJECTIONS,
    *DST,
    *BAD_DATES,
    "'; DROP TABLE weddings_reservation; --",
    "1 OR 1=1",
    "\x00",
    "A\x00B",
    "\u202eRTL\u202c",
    "ליאור",
    "لیلا",
    "e\u0301\u0301\u0301",
    "Çağla Öztürk-Nguyễn",
    "👰🏽\u200d♀️",
    "x" * 10000,
    "ä" * 10000,
    "",
    " ",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "12,5",
    "{{ 7*7 }}",
    "%(x)s",
    "../../etc/passwd",
    "https://evil.example/",
    "//evil.example/",
]
hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=20),
    st.integers(-(10**20), 10**20).map(str),
    st.dates().map(str),
)


# --- Reading the forms of a page ---------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values the page offers


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.forms.append(Form(method, attributes.get("action") or ""))
            return
        if not self.forms:
            return
        fields = self.forms[-1].fields
        name = attributes.get("name")
        if tag in ("input", "textarea", "button") and name:
            fields.setdefault(name, []).append(attributes.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select:
            fields[self._select].append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def values_for(offered: list[str]):
    offered = [value for value in offered if value] or [""]
    one = st.one_of(st.sampled_from(offered), hostile)
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))  # a list: a duplicated field


@st.composite
def submissions(draw, form: Form):
    names = [name for name in form.fields if name != "csrfmiddlewaretoken"]
    strategies = {name: values_for(form.fields[name]) for name in names}
    if draw(st.booleans()):
        data = draw(st.fixed_dictionaries(strategies))
    else:
        data = draw(st.fixed_dictionaries({}, optional=strategies))  # fields left out
    data.update(draw(st.fixed_dictionaries({}, optional={"not_a_field": hostile})))
    return data


# --- What every answer must satisfy ------------------------------------------------------------


def assert_safe(response, what):
    assert response.status_code < 500, (what, response.status_code)
    body = response.content.decode("utf-8", errors="replace")
    for payload in INJECTIONS:
        assert payload not in body, (what, "reflected unescaped", payload)
    location = response.get("Location", "")
    if location:
        parts = urlsplit(location)
        assert not location.startswith("//") and parts.netloc in ("", "testserver"), location


def send(client, form: Form, page_url: str, data: dict):
    url = form.action or page_url
    if form.method == "post":
        return client.post(url, data)
    return client.get(url, data)


# --- The site and its public pages -------------------------------------------------------------


def _free_slots(venue_slug: str):
    first = local_today() + timedelta(days=40)
    venue = Venue.objects.get(slug=venue_slug)
    return ceremony_slots_free(
        first=first, last=first + timedelta(days=60), filters=SlotFilter(venues=[venue])
    )


def _pending_reservation(slot):
    created = services.reservation_create(
        request=services.ReservationRequest(
            venue=slot.venue,
            start=slot.start,
            partners=(services.Partner("Anna", "Arendt"), services.Partner("Ben", "Arendt")),
            email="arendt@example.org",
            guests=10,
            language="de",
        )
    )
    return created


@pytest.fixture
def site(db, settings, django_capture_on_commit_callbacks):
    settings.RATHAUS_BOT_PROTECTION = False  # see the module docstring
    settings.RATHAUS_RATE_LIMITS = False
    bottrop_data_load(today=local_today())
    slots = _free_slots("schloss-beck")
    with django_capture_on_commit_callbacks(execute=True):
        created = _pending_reservation(slots[1])
    reservation = created.reservation
    lottery_day = lottery_day_after(slots[0].day + timedelta(days=21))
    lottery_mark(actor=None, day=lottery_day)  # staff-marked: applications open at once
    return {
        "lottery_day": lottery_day,
        "slots": slots,
        "reservation": reservation,
        "manage": created.manage_token,
        "confirm": created.confirm_token,
        "forms": {},
    }


def _page(site, key: str) -> str:
    reservation = site["reservation"]
    reference = reservation.reference
    pages = {
        "search": lambda: reverse("weddings:search"),
        "next-free": lambda: reverse("weddings:next-free"),
        "venue": lambda: reverse("weddings:venue", args=["schloss-beck"]),
        "reserve": lambda: reverse(
            "weddings:reserve", args=["schloss-beck", site["slots"][0].start_epoch]
        ),
        "confirm": lambda: reverse(
            "weddings:reservation-confirm", args=[reference, site["confirm"]]
        ),
        "cancel": lambda: reverse("weddings:reservation-cancel", args=[reference, site["manage"]]),
        "precheck": lambda: reverse("housing_benefit:precheck"),
        "login": lambda: reverse("accounts:login"),
        "waiting-list": lambda: reverse("waitlist:wish-create"),
        "lottery": lambda: reverse("lottery:detail", args=[f"{site['lottery_day']:%Y-%m-%d}"]),
    }
    try:
        return pages[key]()
    except NoReverseMatch:
        pytest.skip(f"{key}: this page is not mounted")


PAGES = ["search", "next-free", "venue", "reserve", "confirm", "cancel", "precheck", "login"]
PAGES += ["waiting-list", "lottery"]


@pytest.mark.parametrize("page", PAGES)
@FUZZ
@given(data=st.data())
def test_every_public_form_survives_hostile_input(client, site, page, data):
    url = _page(site, page)
    forms = site["forms"].get(page)
    if forms is None:  # read once: a confirmed or cancelled reservation shows other forms
        forms = site["forms"][page] = forms_of(client.get(url).content.decode())
    assert forms, f"{page}: no form found on {url}"
    form = data.draw(st.sampled_from(forms))
    response = send(client, form, url, data.draw(submissions(form)))
    assert_safe(response, (page, form.action))


@FUZZ
@given(month=hostile, day=hostile, venue=hostile)
def test_calendar_query_parameters_survive_hostile_input(client, site, month, day, venue):
    venue_page = reverse("weddings:venue", args=["schloss-beck"])
    assert_safe(client.get(venue_page, {"month": month, "day": day}), venue_page)
    search = client.get(
        reverse("weddings:search"),
        {"month": month, "day": day, "venue": venue},
        HTTP_HX_REQUEST="1",
    )
    assert_safe(search, "htmx search")


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


BERLIN_WINTER, BERLIN_SUMMER = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))
STARTS = [
    _epoch(datetime(2027, 3, 28, 2, 30, tzinfo=BERLIN_WINTER)),  # the hour that does not exist
    _epoch(datetime(2027, 3, 28, 2, 30, tzinfo=BERLIN_SUMMER)),
    _epoch(datetime(2027, 10, 31, 2, 30, tzinfo=BERLIN_SUMMER)),  # the hour that exists twice
    _epoch(datetime(2027, 10, 31, 2, 30, tzinfo=BERLIN_WINTER)),
    _epoch(datetime(2028, 2, 29, 10, 0, tzinfo=BERLIN_WINTER)),
    0,
    2**31,
    2**63,
    10**30,
]


@FUZZ
@given(
    start=st.sampled_from(STARTS) | st.integers(0, 10**40),
    slug=st.sampled_from(["schloss-beck", "mond", "a" * 300]),
)
def test_the_slot_in_the_reservation_address_survives_hostile_input(client, site, start, slug):
    url = f"/trauung/reservieren/{slug}/{start}/"
    assert_safe(client.get(url), url)
    assert_safe(client.post(url, {"partner1_given_name": INJECTIONS[0]}), url)


@FUZZ
@given(
    reference=st.text(min_size=1, max_size=30) | st.sampled_from(HOSTILE[:8]),
    token=st.text(min_size=1, max_size=60) | st.sampled_from(HOSTILE[:8]),
)
def test_citizen_link_segments_survive_hostile_input(client, site, reference, token):
    reference, token = quote(reference, safe=""), quote(token, safe="")
    for path in (
        f"/trauung/reservierung/{reference}/eingegangen/",
        f"/trauung/reservierung/{reference}/{token}/",
        f"/trauung/reservierung/{reference}/{token}/kalender.ics",
        f"/trauung/reservierung/{reference}/{token}/stornieren/",
        f"/trauung/reservierung/{reference}/bestaetigen/{token}/",
    ):
        for response in (client.get(path), client.post(path)):
            assert_safe(response, path)
            assert response.status_code in (200, 404, 405), (path, response.status_code)


# --- Valid round trips -------------------------------------------------------------------------

VALID_RESERVATION = {
    "partner1_given_name": "ليلى",
    "partner1_family_name": "Nguye\u0302\u0303n",  # combining marks: stored as NFC "Nguyễn"
    "partner2_given_name": "Noa",
    "partner2_family_name": "Ben-David",
    "email": "paar@bücher.example",
    "phone": "02041 70-0",
    "guests": "12",
    "language": "de",
    "note": "",
    "consent": "on",
}


def _reserve(client, site, capture, **overrides):
    url = _page(site, "reserve")
    with capture(execute=True):
        return client.post(url, {**VALID_RESERVATION, **overrides})


def test_a_valid_reservation_still_goes_through_and_keeps_the_names(
    client, site, django_capture_on_commit_callbacks
):
    response = _reserve(client, site, django_capture_on_commit_callbacks)
    assert response.status_code == 303, response.content.decode()[:500]
    reservation = Reservation.objects.exclude(pk=site["reservation"].pk).get()
    assert response["Location"].endswith(f"/{reservation.reference}/eingegangen/")
    stored = [
        reservation.partner1_given_name,
        reservation.partner1_family_name,
        reservation.partner2_given_name,
        reservation.partner2_family_name,
    ]
    expected = [
        unicodedata.normalize("NFC", VALID_RESERVATION[name])
        for name in (
            "partner1_given_name",
            "partner1_family_name",
            "partner2_given_name",
            "partner2_family_name",
        )
    ]
    assert stored == expected
    assert reservation.partner1_family_name == "Nguyễn"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("partner1_given_name", "A\x00B"),
        ("partner1_given_name", "x" * 10000),
        ("partner2_family_name", "\u202e"),
        ("email", "not-an-address"),
        ("guests", "1e309"),
        ("guests", "-1"),
        ("consent", ""),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_stored(
    client, site, django_capture_on_commit_callbacks, name, value
):
    response = _reserve(client, site, django_capture_on_commit_callbacks, **{name: value})
    assert response.status_code == 422
    assert f'id="id_{name}_error"' in response.content.decode()  # the error at its field
    assert Reservation.objects.count() == 1


def test_html_in_a_name_is_stored_as_text_and_shown_escaped_everywhere(
    client, site, django_capture_on_commit_callbacks
):
    payload = INJECTIONS[1]
    rejected = _reserve(
        client, site, django_capture_on_commit_callbacks, partner2_given_name=payload, guests="x"
    )
    assert rejected.status_code == 422
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in rejected.content.decode()
    mail.outbox.clear()
    response = _reserve(
        client, site, django_capture_on_commit_callbacks, partner2_given_name=payload
    )
    assert response.status_code == 303
    reservation = Reservation.objects.get(partner2_given_name=payload)
    status = client.get(
        reverse(
            "weddings:reservation-status", args=[reservation.reference, reservation.manage_token]
        )
    )
    roles_ensure()
    office, _ = staff_user_ensure(
        username="standesamt",
        password="Richtig-Geheim-2027",
        first_name="S",
        last_name="A",
        role=roles.REGISTRY_OFFICE,
    )
    client.force_login(office)
    staff_pages = [
        client.get(reverse("backoffice:reservation", args=[reservation.reference])),
        client.get(reverse("backoffice:reservation-list")),
    ]
    for page in (status, *staff_pages):
        assert page.status_code == 200
        assert_safe(page, page.request["PATH_INFO"])
    assert "&lt;img src=x onerror=alert(1)&gt;" in staff_pages[0].content.decode()
    for message in mail.outbox:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                assert payload not in content


def test_the_search_still_finds_slots(client, site):
    day = site["slots"][0].start.date()
    response = client.get(
        reverse("weddings:search"),
        {"venue": "schloss-beck", "month": f"{day:%Y-%m}", "day": day.isoformat()},
    )
    assert response.status_code == 200
    link = reverse("weddings:reserve", args=["schloss-beck", site["slots"][0].start_epoch])
    assert link in response.content.decode()


def test_cancel_and_confirm_still_work(client, site):
    reservation = site["reservation"]
    confirmed = client.post(_page(site, "confirm"))
    assert confirmed.status_code == 303
    cancelled = client.post(_page(site, "cancel"), {"extra": INJECTIONS[0], "again": ["1", "2"]})
    assert cancelled.status_code == 303
    reservation.refresh_from_db()
    assert reservation.status == "cancelled"
    assert client.post(_page(site, "cancel")).status_code == 303  # a second cancel is harmless


PRECHECK = {
    "household_members": "2",
    "excluded_members": "0",
    "subsidy_type": "rent",
    "rent": "650",
    "severely_disabled": "0",
    "income-TOTAL_FORMS": "4",
    "income-INITIAL_FORMS": "0",
    "income-MIN_NUM_FORMS": "0",
    "income-MAX_NUM_FORMS": "4",
    "income-0-kind": "employment",
    "income-0-amount": "1500",
    "income-0-income_tax": "on",
    "income-0-health_insurance": "on",
    "income-0-pension_insurance": "on",
}


def test_the_housing_benefit_precheck_still_answers(client, site):
    page = forms_of(client.get(reverse("housing_benefit:precheck")).content.decode())
    offered = {name for form in page for name in form.fields}
    assert set(PRECHECK) <= offered, set(PRECHECK) - offered
    response = client.post(reverse("housing_benefit:precheck"), PRECHECK)
    assert response.status_code == 200
    assert "housing_benefit/precheck_result.html" in [t.name for t in response.templates]
    pdf = client.post(reverse("housing_benefit:precheck-pdf"), PRECHECK)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = client.post(reverse("housing_benefit:precheck"), {**PRECHECK, "rent": INJECTIONS[0]})
    assert bad.status_code == 422
    assert_safe(bad, "precheck")


def test_a_forged_form_count_does_not_make_the_precheck_render_a_thousand_rows(client, site):
    for total in ("1000", "99999999999999999999999", "-5", "x"):
        response = client.post(
            reverse("housing_benefit:precheck"), {**PRECHECK, "income-TOTAL_FORMS": total}
        )
        assert response.status_code < 500
        assert response.content.decode().count('name="income-4-kind"') == 0, total


def test_staff_login_still_works_and_never_redirects_off_site(client, site):
    roles_ensure()
    staff_user_ensure(
        username="standesamt",
        password="Richtig-Geheim-2027",
        first_name="S",
        last_name="A",
        role=roles.REGISTRY_OFFICE,
    )
    login = reverse("accounts:login")
    credentials = {"username": "standesamt", "password": "Richtig-Geheim-2027"}
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(f"{login}?next={quote(target)}", {**credentials, "next": target})
        assert response.status_code == 302
        assert_safe(response, target)
        client.logout()
    response = client.post(login, {**credentials, "next": "/verwaltung/trauungen/plan/woche/"})
    assert response["Location"] == "/verwaltung/trauungen/plan/woche/"


# --- Hostile path arguments on every URL ---------------------------------------------------------

PATH_VALUES = {
    "int": ["99999999999999999999999", "0"],
    "str": ["x" * 300, "TK-2027-AAAA", "%00"],
    "slug": ["a" * 300],
    "path": ["99999999999999999999999", "..%2F..%2Fetc"],
}
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def _hostile_value(match: re.Match, index: int) -> str:
    kind = match.group(1) or ("str" if match.group(2) else "path")
    values = PATH_VALUES.get(kind, PATH_VALUES["str"])
    return values[min(index, len(values) - 1)]


def _hostile_paths(route: str) -> list[str]:
    """The route with each parameter set to each hostile value of its converter in turn."""
    if not PARAMETER.search(route):
        return []
    route = route.replace("^", "").replace("$", "")
    return sorted(
        {"/" + PARAMETER.sub(lambda m, i=index: _hostile_value(m, i), route) for index in range(3)}
    )


def test_every_url_survives_hostile_path_arguments(client, site):
    from tests.integration.test_authz_matrix import url_inventory

    superuser, _ = staff_user_ensure(
        username="admin",
        password="Richtig-Geheim-2027",
        first_name="A",
        last_name="D",
        role=None,
        superuser=True,
    )
    problems = []
    for user in (None, superuser):
        if user:
            client.force_login(user)
        for route in url_inventory().values():
            for path in _hostile_paths(route):
                for method in ("get", "post"):
                    status = getattr(client, method)(path).status_code
                    if status >= 500:
                        problems.append((user and user.username, method, path[:80], status))
    assert not problems

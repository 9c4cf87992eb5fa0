"""Every citizen page of the Bürgerbüro answers, links nowhere dead, and is valid HTML by the
W3C Nu Html Checker (as tests/test_html_valid.py does for the crawl from /): the pages
reached from /buergerbuero/ in German and English, the forms after a failed submission, the
held time's details page, and the appointment's own pages."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from rathaus.appointments.links import CONFIRM, appointment_token
from rathaus.appointments.selectors import PersonNeed, plan_make
from rathaus.appointments.services.booking import (
    PersonDetails,
    appointment_book,
    appointment_hold,
)
from rathaus.appointments.views import DETAILS
from rathaus.core.carry import carry_encode
from tests.test_html_valid import _checker
from tests.test_links import crawl

from .factories import NOW, LocationFactory, ServiceFactory, at, counter_make, office

pytestmark = pytest.mark.django_db
START = "/buergerbuero/"


def _only_ours(url: str) -> bool:
    return url.startswith((START, "/static/"))


@pytest.fixture
def town():
    o = office(counters=2, parallel=True, same_day_percent=50)
    o.id_card.documents = [
        {"de": "Digitales Passfoto", "en": "Digital photo", "for": "all", "key": "photo"}
    ]
    o.id_card.assumptions = ["minutes", "fee"]
    o.id_card.save()
    ServiceFactory(slug="kinderreisepass", information_only=True).locations.add(o.location)
    location = LocationFactory(slug="wohngeldstelle")
    service = ServiceFactory(slug="wohngeld-beratung", minutes=30, combination_group="housing")
    service.locations.add(location)
    counter_make(location, "Beratung 1", [service])
    return o


def _pages(town) -> dict[str, str]:
    pages: dict[str, str] = {}
    dead: dict[str, tuple[int, str]] = {}
    for language in ("de", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)

        def keep(url: str, html: str, language: str = language) -> None:
            pages.setdefault(f"{url} ({language})", html)

        answers, found_on = crawl(client, on_page=keep, start=(START,), follow=_only_ours,
                                  post_results=False)  # fmt: skip
        dead |= {url: (status, found_on[url]) for url, status in answers.items() if status >= 400}
    assert not dead, dead

    client = Client(HTTP_ACCEPT_LANGUAGE="de", raise_request_exception=False)
    needs = reverse("appointments:book-needs", args=["rathaus"])
    pages["needs (errors)"] = client.get(needs, {"personen": "2", "weiter": "1"}).content.decode()
    pages["needs (two persons)"] = client.get(needs, {"personen": "2"}).content.decode()
    times = reverse("appointments:book-times", args=["rathaus"])
    pages["times"] = client.get(times, {"needs": "personalausweis:1;reisepass:1"}).content.decode()
    plan = plan_make(town.location, [PersonNeed((("personalausweis", 1),)),
                                     PersonNeed((("reisepass", 1),))])  # fmt: skip
    held = appointment_hold(plan=plan, start=at(10))
    details = reverse(
        "appointments:book-details", args=[held.reference, appointment_token(held, DETAILS)]
    )
    pages["details"] = client.get(details).content.decode()
    pages["details (errors)"] = client.post(details, {"email": "kein-at"}).content.decode()
    carry = carry_encode("wohngeld-precheck", {"eligible": True, "amount": "120.00"})
    hold = client.post(
        reverse("appointments:book-hold", args=["wohngeldstelle"]),
        {"needs": "wohngeld-beratung:1", "start": str(int(at(9).timestamp())), "carry": carry},
    )
    assert hold.status_code in (302, 422, 429), hold.status_code
    if hold.status_code == 302:
        pages["details (carried)"] = client.get(hold["Location"]).content.decode()
    standby = reverse("appointments:standby-join", args=["rathaus"]) + "?needs=reisepass:1"
    pages["standby"] = client.get(standby).content.decode()
    pages["standby (errors)"] = client.post(standby, {"email": "x"}).content.decode()
    booked = appointment_book(
        plan=plan, start=at(11),
        persons=[PersonDetails("Anna", "Schmidt", date(1990, 5, 1)),
                 PersonDetails("Ben", "Schmidt", date(2019, 3, 4))],
        email="a@example.org",
    )  # fmt: skip
    token = appointment_token(booked)
    for name, args in (
        ("appointments:status", [booked.reference, token]),
        ("appointments:cancel", [booked.reference, token]),
        ("appointments:confirm", [booked.reference, appointment_token(booked, CONFIRM)]),
        ("appointments:book-sent", [booked.reference]),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    client.post(reverse("appointments:cancel", args=[booked.reference, token]))
    pages["status (cancelled)"] = client.get(
        reverse("appointments:status", args=[booked.reference, token])
    ).content.decode()
    return pages


def test_every_citizen_page_answers_and_passes_the_nu_html_checker(town, tmp_path, settings):
    settings.RATHAUS_RATE_LIMITS = False
    with time_machine.travel(NOW, tick=False):
        pages = _pages(town)
    crawled = [url for url in pages if url.startswith(START)]
    for expected in ("dienstleistungen/personalausweis/", "status/", "termin/rathaus/"):
        assert any(expected in url for url in crawled), expected
    command = _checker()
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
    problems = [
        f"{files.get(Path(m.get('url', '')).name, '?')}: {m.get('message')} "
        f"[{' '.join(m.get('extract', '').split())[:70]}]"
        for m in messages
        if m.get("type") == "error"
    ]
    assert len(files) > 20, f"only {len(files)} pages checked"
    assert not problems, "\n".join(problems[:40])

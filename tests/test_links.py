"""No link leads nowhere (issue 12).

A crawl with Django's test client, in German and in English: start at /, follow every
same-origin link (a, link, script, img) and every form with method GET (submitted with its
default values), and require an answer below 400 for each. Redirects count as answers and
their targets are crawled too. Static files are looked up with the static-file finders.

Calendar pages link to every month, day and slot; the crawl visits every distinct page and at
most SAMPLES_PER_SHAPE addresses per shape (the path with its numbers replaced, plus the names
of its query parameters), so the suite stays fast while every kind of link is followed.

On English pages, no German text of the venue data may appear (descriptions, notes).

Addresses that carry a secret token (status, confirm, cancel, withdraw pages) never appear on a
public page; the second test asks each of them with a made-up token: 404, never 500.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from rathaus.appointments.bootstrap import citizen_office_load
from rathaus.core.timezone import local_today
from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.models import Venue

ORIGIN = "http://testserver"
SAMPLES_PER_SHAPE = 3
MAX_REQUESTS = 1500
TOKEN_PARAMETERS = {"token"}
FAKE_VALUES = {"reference": "TK-2027-ZZZZ", "token": "x" * 43, "day": "2027-06-12"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "link", "script", "img", "area"):
                self.links.append(attrs[name])
        if tag == "form":
            get = (attrs.get("method") or "get").lower() == "get"
            self._form = {"action": attrs.get("action") or "", "fields": []} if get else None
        elif self._form is not None and attrs.get("name") and not attrs.get("disabled"):
            self._field(tag, attrs)

    def _field(self, tag, attrs):
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and kind in ("submit", "button", "image", "reset"):
            return
        if tag == "input" and kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        if tag == "option":
            return
        if tag in ("input", "select", "textarea"):
            self._form["fields"].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            query = urlencode([(k, v) for k, v in self._form["fields"] if v])
            self.links.append(self._form["action"] + (f"?{query}" if query else ""))
            self._form = None


def _same_origin(base: str, link: str) -> str | None:
    """The absolute path and query of an internal link, or None for other origins/schemes."""
    link = link.strip()
    if not link or link.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urljoin(ORIGIN + base, link)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _shape(url: str) -> tuple[str, tuple[str, ...]]:
    parts = urlsplit(url)
    keys = tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return re.sub(r"\d+", "#", parts.path), keys


# Result pages that only a POST reaches (nothing is stored): crawled from their links as well.
PRECHECK_ANSWERS = {
    "household_members": "1",
    "excluded_members": "0",
    "subsidy_type": "rent",
    "rent": "420",
    "severely_disabled": "0",
    "maintenance_recipient": "former_spouse",
    "income-TOTAL_FORMS": "4",
    "income-INITIAL_FORMS": "0",
    "income-MIN_NUM_FORMS": "0",
    "income-MAX_NUM_FORMS": "4",
    "income-0-kind": "pension",
    "income-0-amount": "1300",
    "income-0-health_insurance": "on",
}
POST_RESULTS = [("/wohngeld/", PRECHECK_ANSWERS, "counselling-title")]


def _post_result_links(client: Client) -> list[tuple[str, str]]:
    links = []
    for url, data, marker in POST_RESULTS:
        response = client.post(url, data)
        body = response.content.decode()
        assert response.status_code == 200 and marker in body, f"no result page at {url}"
        parser = _Links()
        parser.feed(body)
        links += [(link, f"{url} (result)") for link in parser.links]
    return links


def crawl(
    client: Client, on_page=None, start=("/",), follow=lambda url: True, post_results=True
) -> tuple[dict[str, int], dict[str, str]]:
    """Every page reachable from `start` whose address `follow` accepts: status per address
    and the page each was found on. `on_page(url, html)` sees every HTML page."""
    answers: dict[str, int] = {}
    found_on: dict[str, str] = dict.fromkeys(start, "(start)")
    shapes: dict[tuple, int] = {}
    queue = deque(start)
    for link, page in _post_result_links(client) if post_results else ():
        target = _same_origin("/", link)
        if target:
            found_on.setdefault(target, page)
            queue.append(target)
    while queue and len(answers) < MAX_REQUESTS:
        url = queue.popleft()
        if url in answers or not follow(url):
            continue
        if url.startswith("/static/"):
            path = urlsplit(url).path.removeprefix("/static/")
            answers[url] = 200 if finders.find(path) else 404
            continue
        shape = _shape(url)
        if shapes.get(shape, 0) >= SAMPLES_PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        answers[url] = response.status_code
        targets = []
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [response["Location"]]
        elif "text/html" in response.get("Content-Type", ""):
            parser = _Links()
            parser.feed(response.content.decode())
            if on_page:
                on_page(url, response.content.decode())
            targets = parser.links
        for link in targets:
            target = _same_origin(urlsplit(url).path, link)
            if target and target not in answers:
                found_on.setdefault(target, url)
                queue.append(target)
    return answers, found_on


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_internal_link_of_every_public_page_answers(language):
    bottrop_data_load(today=local_today())
    citizen_office_load(today=local_today())
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    german_data = _german_venue_texts() if language == "en" else set()
    mixed: dict[str, str] = {}

    def no_german_data(url: str, body: str) -> None:
        mixed.update({text[:40]: url for text in german_data if text in body})

    answers, found_on = crawl(client, on_page=no_german_data)
    dead = {url: (status, found_on[url]) for url, status in answers.items() if status >= 400}
    assert not dead, f"dead links (status, found on): {dead}"
    assert not mixed, f"German texts of the venue data on English pages: {mixed}"
    pages = [url for url in answers if not url.startswith("/static/")]
    # The crawl really reached the services, not only the start page.
    for expected in ("/trauung/", "/wohngeld/", "/barrierefreiheit/", "/impressum/"):
        assert any(url.split("?")[0] == expected for url in pages), expected
    for kind in ("/trauung/orte/", "/trauung/reservieren/", "/trauung/verlosung/"):
        assert any(url.startswith(kind) for url in pages), kind
    assert len(answers) < MAX_REQUESTS


def _german_venue_texts() -> set[str]:
    fields = ("description", "accessibility_note", "venue_costs_note", "status_note")
    return {text for venue in Venue.objects.values_list(*fields) for text in venue if text}


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _token_routes() -> list[str]:
    routes = []
    for route in _patterns(get_resolver()):
        names = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
        if names & TOKEN_PARAMETERS:
            routes.append(
                "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: FAKE_VALUES.get(m.group(1), "x"), route)
            )
    return routes


def test_the_token_routes_are_found():
    routes = _token_routes()
    assert "/trauung/reservierung/TK-2027-ZZZZ/" + "x" * 43 + "/stornieren/" in routes
    assert len(routes) >= 8


@pytest.mark.django_db
@pytest.mark.parametrize("route", _token_routes())
def test_a_link_with_a_wrong_token_answers_404_not_500(route):
    bottrop_data_load(today=local_today())
    citizen_office_load(today=local_today())
    client = Client(raise_request_exception=False)
    assert client.get(route).status_code == 404

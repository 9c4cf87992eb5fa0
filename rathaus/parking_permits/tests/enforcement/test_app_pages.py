"""The enforcement app's page, manifest and service worker: who gets them and what they hold
(the checks themselves run in a real browser: tests/browser/test_enforcement_app.py)."""

from __future__ import annotations

import json

import pytest
from django.templatetags.static import static
from django.test import Client

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.parking_permits.enforcement.app_views import SHELL_STATIC

from .conftest import verified

pytestmark = pytest.mark.django_db


def _client(role: str | None, *, second_factor: bool = False) -> Client:
    roles_ensure()
    user, _ = staff_user_ensure(
        username=f"user-{role}", password="Kontrolle-2027", first_name="O", last_name="S", role=role
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    if second_factor:
        verified(client, user)
    else:
        client.force_login(user)
    return client


@pytest.fixture
def officer() -> Client:
    return _client(roles.TRAFFIC_ENFORCEMENT, second_factor=True)


def test_the_app_is_for_officers_only(officer):
    for url in ("/kontrolle/", "/kontrolle/sw.js"):
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
        assert _client(roles.PARKING_OFFICE).get(url).status_code == 403
        assert officer.get(url).status_code == 200
        # an officer with the password only is sent to the authenticator step first
        password_only = _client(roles.TRAFFIC_ENFORCEMENT).get(url)
        assert (
            password_only.status_code == 302 and "/login/zwei-faktor/" in password_only["Location"]
        )


def test_the_page_works_without_javascript_and_allows_the_camera(officer):
    response = officer.get("/kontrolle/")
    html = response.content.decode()
    assert 'action="/parkausweis/pruefen/"' in html and 'name="c"' in html
    assert 'href="/kontrolle/kennzeichen/"' in html and "Kennzeichen prüfen" in html
    assert 'rel="manifest" href="/kontrolle/manifest.webmanifest"' in html
    assert "camera=(self)" in response["Permissions-Policy"]
    config = json.loads(
        html.split('id="kontrolle-config" type="application/json">')[1].split("<")[0]
    )
    assert config["urls"]["list"] == "/kontrolle/sperrliste.json"
    assert config["texts"]["notAllowed"] == "Nicht erlaubt"


def test_the_manifest_makes_it_installable_in_its_scope():
    response = Client(HTTP_ACCEPT_LANGUAGE="de").get("/kontrolle/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert (data["start_url"], data["scope"], data["display"]) == (
        "/kontrolle/",
        "/kontrolle/",
        "standalone",
    )
    assert data["short_name"] == "Kontrolle"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])


def test_the_worker_precaches_the_shell_and_is_never_cached(officer):
    response = officer.get("/kontrolle/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    body = response.content.decode()
    for name in SHELL_STATIC:
        assert f'"{static(name)}"' in body, name
    assert '"/kontrolle/sperrliste.json"' in body and '"/parkausweis/schluessel.json"' in body
    assert "__VERSION__" not in body
    # The same deployment gives the same script: browsers do not reinstall it for nothing.
    assert officer.get("/kontrolle/sw.js").content == response.content

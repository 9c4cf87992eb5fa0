"""The staff login page: German, fails politely, logs in and out."""

import pytest

from rathaus.accounts.services import roles_ensure

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_german_and_needs_no_script(client):
    response = client.get("/login/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="de"' in page
    for text in ["Anmeldung für Mitarbeitende", "Benutzername", "Passwort", "Anmelden"]:
        assert text in page
    assert 'autocomplete="current-password"' in page
    assert "<script>" not in page and "style=" not in page


def test_wrong_password_shows_an_error_without_saying_which_part(client, staff):
    response = client.post("/login/", {"username": "standesamt", "password": "falsch"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Anmeldung fehlgeschlagen" in page
    assert "Benutzername oder Passwort sind nicht korrekt" in page


def test_login_and_logout(client, staff):
    response = client.post("/login/", {"username": "standesamt", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/login/").status_code == 302  # already logged in
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_next_is_followed_but_never_off_site(client, staff):
    response = client.post(
        "/login/?next=/wohngeld/",
        {"username": "standesamt", "password": PASSWORD, "next": "/wohngeld/"},
    )
    assert response["Location"] == "/wohngeld/"
    client.post("/logout/")
    response = client.post(
        "/login/", {"username": "standesamt", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert "evil" not in response["Location"]


@pytest.mark.parametrize(
    ("role", "home"),
    [("registry_office", "/verwaltung/"), ("housing_benefit_staff", "/verwaltung/")],
)
def test_each_role_starts_on_its_own_page(client, role, home):
    from django.contrib.auth.models import Group, User

    roles_ensure()
    user = User.objects.create_user("person", password="Richtig-Geheim-2027", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    response = client.post("/login/", {"username": "person", "password": "Richtig-Geheim-2027"})
    assert response.status_code == 302
    assert response["Location"] == home

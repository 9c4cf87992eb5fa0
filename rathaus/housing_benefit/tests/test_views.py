"""The pages over HTTP: public pre-check (German and English), PDF, staff pages."""

import re
from datetime import date, datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rathaus.core.timezone import BERLIN
from rathaus.housing_benefit.models import PreCheckMonthlyCount

pytestmark = [pytest.mark.django_db, pytest.mark.urls("rathaus.housing_benefit.tests.urls")]

TODAY = date(2026, 3, 14)


@pytest.fixture(autouse=True)
def _today():
    targets = [
        "rathaus.housing_benefit.views.local_today",
        "rathaus.housing_benefit.services.local_today",
        "rathaus.housing_benefit.selectors.local_today",
    ]
    with (
        mock.patch(targets[0], return_value=TODAY),
        mock.patch(targets[1], return_value=TODAY),
        mock.patch(targets[2], return_value=TODAY),
    ):
        yield


def answers(**changes):
    data = {
        "household_members": "1",
        "excluded_members": "0",
        "subsidy_type": "rent",
        "rent": "420",
        "severely_disabled": "0",
        "maintenance_paid": "",
        "maintenance_recipient": "former_spouse",
        "income-TOTAL_FORMS": "4",
        "income-INITIAL_FORMS": "0",
        "income-MIN_NUM_FORMS": "0",
        "income-MAX_NUM_FORMS": "4",
        "income-0-kind": "pension",
        "income-0-amount": "1300",
        "income-0-health_insurance": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_form_in_german_by_default(client):
    response = client.get(reverse("housing_benefit:precheck"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wohngeld-Vorab-Check" in html
    assert "Wie viele Personen leben in Ihrem Haushalt" in html
    assert '<label for="id_household_members"' in html
    # Works without JavaScript: the only script is the deferred, self-hosted htmx enhancement.
    scripts = re.findall(r"<script[^>]*>", html)
    assert all('src="/static/' in tag and "defer" in tag for tag in scripts)
    assert ("<form" in html and 'method="post"' in html.lower()) or 'method="get"' in html.lower()


def test_form_in_english(client):
    response = client.get(reverse("housing_benefit:precheck"), HTTP_ACCEPT_LANGUAGE="en")
    assert "How many people live in your household" in response.content.decode()


def test_every_visible_field_has_a_label(client):
    html = client.get(reverse("housing_benefit:precheck")).content.decode()
    import re

    ids = re.findall(r'<(?:input|select)[^>]*type="(?!hidden)[^"]*"[^>]*id="([^"]+)"', html)
    ids += re.findall(r'<select[^>]*id="([^"]+)"', html)
    assert ids
    for field_id in set(ids):
        assert f'for="{field_id}"' in html, field_id


def test_likely_entitled_and_counted_anonymously(client):
    response = client.post(reverse("housing_benefit:precheck"), answers())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sie haben voraussichtlich Anspruch auf etwa 153 € im Monat." in html
    assert "Was Sie für den Antrag bereithalten sollten" in html
    assert "Beratungstermin" in html
    counts = list(PreCheckMonthlyCount.objects.values("month", "checks", "positive"))
    assert counts == [{"month": date(2026, 3, 1), "checks": 1, "positive": 1}]


def test_not_likely_because_income_too_high(client):
    response = client.post(
        reverse("housing_benefit:precheck"),
        answers(**{"income-0-kind": "employment", "income-0-amount": "5000"}),
    )
    html = response.content.decode()
    assert "Sie haben voraussichtlich keinen Anspruch auf Wohngeld" in html
    assert "zu hoch" in html
    count = PreCheckMonthlyCount.objects.get()
    assert (count.checks, count.positive) == (1, 0)


def test_not_likely_because_everyone_receives_buergergeld(client):
    response = client.post(
        reverse("housing_benefit:precheck"),
        answers(excluded_members="1", **{"income-0-kind": "", "income-0-amount": ""}),
    )
    assert "Bürgergeld" in response.content.decode()
    assert "keinen Anspruch" in response.content.decode()


def test_result_in_english(client):
    response = client.post(
        reverse("housing_benefit:precheck"), answers(), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "You are likely entitled to about 153 EUR a month." in response.content.decode()


def test_invalid_answers_show_german_errors_and_are_not_counted(client):
    response = client.post(
        reverse("housing_benefit:precheck"),
        answers(excluded_members="2", rent="-5", **{"income-1-amount": "100"}),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert "Das können nicht mehr sein als die Personen in Ihrem Haushalt." in html
    assert "Bitte wählen Sie die Art dieses Einkommens." in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_rent"' in html
    assert re.search(r'<div class="error-summary"[^>]*tabindex="-1" autofocus>', html)
    assert not PreCheckMonthlyCount.objects.exists()


def test_more_income_rows_than_counted_members(client):
    response = client.post(
        reverse("housing_benefit:precheck"),
        answers(**{"income-1-kind": "pension", "income-1-amount": "500"}),
    )
    assert response.status_code == 422
    assert "mehr Einkommen eingetragen" in response.content.decode()


def test_explanation_shows_every_step(client):
    html = client.post(reverse("housing_benefit:precheck"), answers()).content.decode()
    for text in (
        "Höchstbetrag",
        "Klimakomponente",
        "Heizkosten",
        "z1 = a + b · M + c · Y",
        "Werbungskosten",
        "530,40",
        "1.162,35",
        "kein Wohngeld unter 10",
    ):
        assert text in html, text


def test_pdf_of_the_result_is_not_counted(client):
    response = client.post(reverse("housing_benefit:precheck-pdf"), answers())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    assert not PreCheckMonthlyCount.objects.exists()


def test_pdf_with_invalid_answers_goes_back_to_the_form(client):
    response = client.post(reverse("housing_benefit:precheck-pdf"), answers(rent="x"))
    assert response.status_code == 302


def test_result_page_carries_the_answers_for_the_pdf(client):
    html = client.post(reverse("housing_benefit:precheck"), answers()).content.decode()
    assert 'name="income-0-amount" value="1300"' in html
    assert 'name="rent" value="420"' in html


@pytest.fixture
def staff(client):
    from rathaus.accounts import roles
    from rathaus.accounts.tests.factories import StaffUserFactory

    user = StaffUserFactory(username="sachbearbeitung", roles=[roles.HOUSING_BENEFIT_STAFF])
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["calculation", "caseload-plan"])
def test_other_staff_such_as_registrars_cannot_open_the_wohngeld_pages(client, name):
    from rathaus.accounts import roles
    from rathaus.accounts.tests.factories import StaffUserFactory

    client.force_login(StaffUserFactory(username="standesbeamtin", roles=[roles.REGISTRAR]))
    assert client.get(reverse(f"housing_benefit_staff:{name}")).status_code == 403


@pytest.mark.parametrize("name", ["calculation", "calculation-pdf", "caseload-plan"])
def test_staff_pages_need_login(client, name):
    response = client.get(reverse(f"housing_benefit_staff:{name}"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("name", ["calculation", "caseload-plan"])
def test_staff_pages_refuse_other_users(client, name):
    user = get_user_model().objects.create_user("buerger", password="x" * 12)
    client.force_login(user)
    assert client.get(reverse(f"housing_benefit_staff:{name}")).status_code == 403


BMWSB_1 = {
    "on": "2025-07-01",
    "rent_level": "1",
    "household_members": "1",
    "members_counted": "",
    "subsidy_type": "rent",
    "rent": "335",
    "monthly_income": "1162.35",
}


def test_staff_calculation_explains_bmwsb_example_1(staff):
    response = staff.get(reverse("housing_benefit_staff:calculation"), BMWSB_1)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wohngeld: 110 € im Monat" in html
    assert "109,7525903523" in html
    assert "0,0004797" in html


def test_staff_calculation_rejects_old_dates(staff):
    response = staff.get(
        reverse("housing_benefit_staff:calculation"), {**BMWSB_1, "on": "2022-01-01"}
    )
    assert response.status_code == 422
    assert "Daten vor dem 1. Januar 2023" in response.content.decode()


def test_staff_calculation_pdf(staff):
    response = staff.get(reverse("housing_benefit_staff:calculation-pdf"), BMWSB_1)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_caseload_plan_with_defaults_and_demand_signal(staff, time_machine):
    # The plan starts in the current month and the counts cover the last twelve: fix the day.
    time_machine.move_to(datetime(2026, 12, 6, 10, 0, tzinfo=BERLIN))
    PreCheckMonthlyCount.objects.create(month=date(2026, 2, 1), checks=40, positive=25)
    response = staff.get(reverse("housing_benefit_staff:caseload-plan"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and html.count("<rect") == 24
    assert "März 2026" in html and "Februar 2028" in html
    assert "40 Vorab-Checks, davon 25" in html
    assert "63 %" in html


def test_caseload_plan_with_own_inputs(staff):
    data = {
        "current_recipients": "1000",
        "annual_growth_percent": "0",
        "new_applications_per_month": "60",
        "renewals_per_month": "0",
        "changes_per_month": "0",
        "minutes_new_application": "110",
        "minutes_renewal": "0",
        "minutes_change": "0",
        "hours_per_staff_month": "110",
    }
    html = staff.get(reverse("housing_benefit_staff:caseload-plan"), data).content.decode()
    assert "<td>1,00</td>" in html  # 60 * 110 min = 110 h = one post


def test_german_decimal_comma_is_read_as_euros_and_shown_back(client):
    response = client.post(
        reverse("housing_benefit:precheck"),
        answers(rent="420,00", **{"income-0-amount": "1.300,00 €"}),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sie haben voraussichtlich Anspruch auf etwa 153 € im Monat." in html
    entries = html.split('id="entries-title"')[1].split("</section>")[0]
    assert "Ihre Angaben" in html
    assert "<dt>Miete oder Eigentum</dt><dd>Ich wohne zur Miete" in entries
    assert "<dt>Miete oder Belastung im Monat</dt><dd>420,00 €" in entries
    assert "<dt>Person 1: Rente oder Pension</dt><dd>1.300,00 €" in entries
    assert "Abzüge: Kranken- und Pflegeversicherung" in entries


def test_english_notation_gives_the_same_result(client):
    html = client.post(
        reverse("housing_benefit:precheck"),
        answers(rent="420.00", **{"income-0-amount": "1,300.00"}),
    ).content.decode()
    assert "etwa 153 € im Monat" in html


def test_ambiguous_amount_is_rejected_and_everything_else_stays_typed(client):
    response = client.post(
        reverse("housing_benefit:precheck"), answers(rent="1.300", **{"income-0-amount": "1300"})
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "„1.300“ kann 1300 € oder 1,300 € bedeuten" in html
    assert 'href="#id_rent"' in html
    assert 'name="rent" value="1.300"' in html
    assert 'name="income-0-amount" value="1300"' in html
    assert not PreCheckMonthlyCount.objects.exists()


def test_change_entries_opens_the_form_filled_in_and_counts_nothing(client):
    response = client.post(reverse("housing_benefit:precheck"), answers(rent="420,00", edit="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="rent" value="420,00"' in html
    assert "error-summary" not in html
    assert not PreCheckMonthlyCount.objects.exists()


def test_result_page_has_no_duplicate_ids(client):
    html = client.post(reverse("housing_benefit:precheck"), answers()).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert html.count('name="income-TOTAL_FORMS" value="4"') == 2  # PDF and "change entries"


def test_notes_use_the_singular_for_one_member(client):
    html = client.post(reverse("housing_benefit:precheck"), answers()).content.decode()
    assert "Werte für 1 Mitglied<" in html
    assert "Werte für 1 zu berücksichtigendes Mitglied<" in html

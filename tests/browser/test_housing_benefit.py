"""The Wohngeld pages in a real browser: German amounts, the error summary, reflow at 320 px."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure

from .conftest import PHONE

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 720}  # WCAG 1.4.10: 320 CSS px wide
STAFF_PASSWORD = "wohngeld-planung-2026"


@pytest.fixture
def wohngeld_live(transactional_db, live_server):
    return live_server


def _household(page, rent: str) -> None:
    page.fill("#id_household_members", "1")
    page.fill("#id_excluded_members", "0")
    page.locator("#id_rent").press_sequentially(rent)
    page.select_option("#id_income-0-kind", "pension")
    page.locator("#id_income-0-amount").press_sequentially("1.300,00")
    page.check("#id_income-0-health_insurance")


def _submit(page) -> None:
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()


OVERFLOWING = """() => {
    const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const beyond = (box) => box.width && box.right > innerWidth + 0.5;
    const counts = (el) => !el.parentElement.closest('.table-scroll');
    for (const el of document.querySelectorAll('body *')) {
        if (counts(el) && beyond(el.getBoundingClientRect()))
            out.push(`${el.tagName}.${el.className}`);
    }
    for (let node; (node = walker.nextNode());) {  // text can overflow a box that fits
        const range = document.createRange();
        range.selectNodeContents(node);
        if (counts(node.parentElement) && beyond(range.getBoundingClientRect()))
            out.push(`text: ${node.textContent.trim().slice(0, 40)}`);
    }
    return out;
}"""


def _no_horizontal_scroll(page, what: str) -> None:
    assert page.evaluate("innerWidth") == NARROW["width"]
    assert page.evaluate(OVERFLOWING) == [], what
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, what


def _axe_clean(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def test_typing_450_comma_00_is_read_as_450_euros_and_shown_back(wohngeld_live, new_page):
    page = new_page(PHONE)
    page.goto(f"{wohngeld_live.url}/wohngeld/")
    rent = page.locator("#id_rent")
    assert rent.get_attribute("type") == "text"
    assert rent.get_attribute("inputmode") == "decimal"
    _household(page, "450,00")
    assert rent.input_value() == "450,00"  # a number field would have dropped or changed it
    _submit(page)

    assert page.locator("h1").inner_text() == "Ergebnis des Wohngeld-Vorab-Checks"
    entries = page.locator("section.entries")
    assert "Miete oder Belastung im Monat" in entries.inner_text()
    assert entries.locator("dt:text-is('Miete oder Belastung im Monat') + dd").inner_text() == (
        "450,00 €"
    )
    assert "1.300,00 €" in entries.inner_text()

    # "Angaben ändern" brings back the form with the figures as typed.
    entries.locator("button[name=edit]").click()
    page.wait_for_selector("#id_rent")
    assert page.input_value("#id_rent") == "450,00"
    assert page.input_value("#id_income-0-amount") == "1.300,00"


def test_errors_take_the_focus_and_keep_what_was_typed(wohngeld_live, new_page):
    page = new_page(PHONE)
    page.goto(f"{wohngeld_live.url}/wohngeld/")
    _household(page, "1.234")
    page.fill("#id_household_members", "")
    _submit(page)

    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    text = summary.inner_text()
    assert "„1.234“ kann 1234 € oder 1,234 € bedeuten" in text
    assert "Monatliche Miete" in text  # the summary names the field
    assert page.input_value("#id_rent") == "1.234"
    assert page.input_value("#id_income-0-amount") == "1.300,00"
    assert page.input_value("#id_income-0-kind") == "pension"
    assert page.is_checked("#id_income-0-health_insurance")

    summary.locator("a[href='#id_rent']").click()
    assert page.evaluate("document.activeElement.id") == "id_rent"
    _axe_clean(page, "pre-check with errors")


def _login(page, base: str) -> None:
    """A Wohngeld staff session, handed to the browser as its cookie (the login form has its
    own browser tests)."""
    from django.test import Client

    user = get_user_model().objects.create_user("planung", password=STAFF_PASSWORD)
    user.is_staff = True
    user.save()
    roles_ensure()
    user.groups.add(Group.objects.get(name=roles.HOUSING_BENEFIT_STAFF))
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
    )


def test_no_horizontal_scroll_at_320_px(wohngeld_live, new_page):
    page = new_page(NARROW)
    base = wohngeld_live.url
    page.goto(f"{base}/wohngeld/")
    _no_horizontal_scroll(page, "pre-check form")

    _household(page, "450,00")
    _submit(page)
    page.locator("details summary").click()  # the step tables are laid out only when open
    assert page.locator("table.hb-steps").first.is_visible()
    _no_horizontal_scroll(page, "result page")
    for table in page.locator("table.hb-steps").all():
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
    _axe_clean(page, "result page at 320 px")

    _login(page, base)
    page.goto(f"{base}/verwaltung/wohngeld/planung/")
    assert page.locator("h1").inner_text() == "Fallzahl- und Personalplanung der Wohngeldstelle"
    _no_horizontal_scroll(page, "caseload planning")
    # The planning table keeps its grid and scrolls in a labelled region that a keyboard reaches.
    region = page.locator(".table-scroll[role=region]").first
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-labelledby") == "table-title"
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    _axe_clean(page, "caseload planning at 320 px")

    # The staff calculator shows the same step tables.
    query = "on=2025-07-01&rent_level=1&household_members=1&rent=335&monthly_income=1.162,35"
    page.goto(f"{base}/verwaltung/wohngeld/berechnung/?{query}&subsidy_type=rent")
    assert "110 €" in page.locator("#result-title").inner_text()
    _no_horizontal_scroll(page, "staff calculation")

"""The other public pages in a real browser: axe-core finds nothing, and no third party is asked."""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser
PUBLIC_PAGES = [
    "/",
    "/wohngeld/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/impressum/",
    "/login/",
    "/trauung/",
    "/trauung/naechste-termine/",
    "/trauung/orte/malakoffturm/",
]


def _assert_no_violations(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_on_the_other_public_pages_and_the_wohngeld_result(bottrop_live, new_page, viewport):
    page = new_page(viewport)
    for path in ["/", "/wohngeld/", "/datenschutz/", "/barrierefreiheit/", "/login/"]:
        page.goto(bottrop_live.url + path)
        _assert_no_violations(page, path)
    page.goto(bottrop_live.url + "/wohngeld/")
    page.fill("#id_household_members", "2")
    page.fill("#id_rent", "620")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    _assert_no_violations(page, "Wohngeld result or errors")


def test_every_public_page_contacts_only_our_own_origin(bottrop_live, new_page):
    own = urlsplit(bottrop_live.url).netloc
    hosts: set[str] = set()
    page = new_page(DESKTOP)
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    for path in PUBLIC_PAGES:
        response = page.goto(bottrop_live.url + path)
        assert response.status == 200, path
    assert hosts == {own}

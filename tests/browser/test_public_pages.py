"""The other public pages in a real browser: axe-core finds nothing, and no third party is asked."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from rathaus.core.timezone import local_today
from rathaus.weddings.lottery.services import lottery_mark

from .conftest import DESKTOP, PHONE
from .helpers import lottery_day_after

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
    "/trauung/verlosung/",
    "/trauung/warteliste/",
]


def _open_lottery_path() -> str:
    """A staff-marked lottery date: its page shows the application form."""
    day = lottery_day_after(local_today() + timedelta(days=90))  # a lottery needs a ceremony day
    lottery_mark(actor=None, day=day)
    return f"/trauung/verlosung/{day:%Y-%m-%d}/"


def _assert_no_violations(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_on_the_other_public_pages_and_the_wohngeld_result(bottrop_live, new_page, viewport):
    page = new_page(viewport)
    pages = ["/", "/wohngeld/", "/datenschutz/", "/barrierefreiheit/", "/login/"]
    pages += ["/trauung/verlosung/", "/trauung/warteliste/", _open_lottery_path()]
    for path in pages:
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
    for path in [*PUBLIC_PAGES, _open_lottery_path()]:
        response = page.goto(bottrop_live.url + path)
        assert response.status == 200, path
    assert hosts == {own}

"""The parking office's zone statistics in a real browser: axe-core finds nothing, the inline
charts are images with a name, and the page fits 320 CSS px (tables scroll in their box)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure
from rathaus.core.timezone import local_today
from rathaus.parking_permits.bootstrap import bottrop_parking_load
from rathaus.parking_permits.constants import Status
from rathaus.parking_permits.tests import stats_factories as s

from .conftest import DESKTOP

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def statistics_live(transactional_db, live_server):
    bottrop_parking_load(apps)  # emptied by the transactional tests before this one
    zone = s.zone()
    now = timezone.now()
    application = s.application(
        zone=zone,
        created_at=now - timedelta(days=40),
        decided_at=now - timedelta(days=38),
        status=Status.ISSUED,
    )
    s.permit(
        application=application,
        valid_from=local_today() - timedelta(days=37),
        valid_until=local_today() + timedelta(days=300),
        issued_at=now - timedelta(days=37),
    )
    s.tally(zone=zone, hour=now.replace(minute=0, second=0, microsecond=0), lookups=3)
    return live_server


def _login(page, base: str) -> None:
    user = get_user_model().objects.create_user("parken-statistik", password="x", is_staff=True)
    roles_ensure()
    user.groups.add(Group.objects.get(name=roles.PARKING_OFFICE))
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
    )


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_the_statistics_page_is_accessible(statistics_live, new_page, viewport):
    page = new_page(viewport)
    base = statistics_live.url
    _login(page, base)
    page.goto(f"{base}/verwaltung/parken/statistik/")
    assert page.get_by_role("heading", level=1).inner_text() == "Bewohnerparken: Zonenstatistik"
    charts = page.get_by_role("img")
    assert charts.count() >= 5
    assert page.get_by_role("img", name="Bewohnerparkausweise je Stellplatz").count() == 1
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    page.goto(f"{base}/verwaltung/parken/statistik/?first=2020-13&last=x")
    assert page.locator(".error-summary").is_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

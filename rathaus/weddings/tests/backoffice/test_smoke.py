import pytest

from .conftest import reserve

pytestmark = pytest.mark.django_db


def test_pages_render_for_the_registry_office(client, office):
    reservation = reserve()
    client.force_login(office)
    for url in [
        "/verwaltung/plan/tag/",
        "/verwaltung/plan/woche/",
        "/verwaltung/reservierungen/",
        f"/verwaltung/reservierungen/{reservation.reference}/",
        f"/verwaltung/reservierungen/{reservation.reference}/verlegen/",
        f"/verwaltung/reservierungen/{reservation.reference}/standesbeamte/",
        "/verwaltung/trauorte/",
        "/verwaltung/trauorte/schloss-beck/",
        "/verwaltung/trauorte/schloss-beck/kalender-abo/",
        "/verwaltung/trauorte/schloss-beck/kalender-import/",
        "/verwaltung/trauorte/schloss-beck/bearbeiten/",
        "/verwaltung/trauorte/schloss-beck/regeln/",
        "/verwaltung/standesbeamte/",
        "/verwaltung/schliessungen/",
        "/verwaltung/reservierungsregeln/",
        "/verwaltung/statistik/",
        "/verwaltung/statistik.csv",
        "/verwaltung/statistik.svg",
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

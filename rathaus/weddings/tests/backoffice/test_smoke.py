import pytest

from .conftest import reserve

pytestmark = pytest.mark.django_db


def test_pages_render_for_the_registry_office(client, office):
    reservation = reserve()
    client.force_login(office)
    for url in [
        "/verwaltung/trauungen/plan/tag/",
        "/verwaltung/trauungen/plan/woche/",
        "/verwaltung/trauungen/reservierungen/",
        f"/verwaltung/trauungen/reservierungen/{reservation.reference}/",
        f"/verwaltung/trauungen/reservierungen/{reservation.reference}/verlegen/",
        f"/verwaltung/trauungen/reservierungen/{reservation.reference}/standesbeamte/",
        "/verwaltung/trauungen/trauorte/",
        "/verwaltung/trauungen/trauorte/schloss-beck/",
        "/verwaltung/trauungen/trauorte/schloss-beck/kalender-abo/",
        "/verwaltung/trauungen/trauorte/schloss-beck/kalender-import/",
        "/verwaltung/trauungen/trauorte/schloss-beck/bearbeiten/",
        "/verwaltung/trauungen/trauorte/schloss-beck/regeln/",
        "/verwaltung/trauungen/standesbeamte/",
        "/verwaltung/trauungen/schliessungen/",
        "/verwaltung/trauungen/reservierungsregeln/",
        "/verwaltung/trauungen/statistik/",
        "/verwaltung/trauungen/statistik.csv",
        "/verwaltung/trauungen/statistik.svg",
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

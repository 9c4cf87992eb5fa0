"""Loading Bottrop's 14 venues, 10 registrars, rules and closures.

On Bottrop's real data on purpose (docs/decisions/0015-test-data.md): this proves the real data
loads and stays as staff left it; every other unit test builds its data with the factories.
"""

from datetime import date
from decimal import Decimal

from rathaus.scheduling.models import Closure, Resource, WeeklyRule
from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.models import Registrar, ReservationPolicy, Venue


def _snapshot():
    return (
        list(Venue.objects.order_by("slug").values()),
        list(WeeklyRule.objects.order_by("id").values()),
        list(Closure.objects.order_by("id").values()),
        Registrar.objects.count(),
        Resource.objects.count(),
        ReservationPolicy.objects.count(),
    )


def test_loads_the_fourteen_venues_with_the_sources_ids_as_slugs(db):
    created = bottrop_data_load(today=date(2026, 11, 25))
    assert created["venues"] == 14
    assert created["registrars"] == 10
    slugs = set(Venue.objects.values_list("slug", flat=True))
    assert {"rathaus-trauzimmer", "schloss-beck", "malakoffturm", "hof-juenger"} <= slugs
    malakoff = Venue.objects.get(slug="malakoffturm")
    assert malakoff.max_guests == 30  # the one capacity the sources know
    assert "max_guests" not in malakoff.assumptions
    beck = Venue.objects.get(slug="schloss-beck")
    assert "max_guests" in beck.assumptions  # unknown facts are marked as assumptions
    assert not Venue.objects.get(slug="forsthaus-specht").active  # closed since 2023
    trauzimmer = Venue.objects.get(slug="rathaus-trauzimmer")
    assert set(trauzimmer.resource.weekly_rules.values_list("weekday", flat=True)) == {
        0,
        1,
        2,
        3,
        4,
        5,
    }
    assert not beck.resource.weekly_rules.filter(weekday__lt=4).exists()  # external: Fri/Sat only


def test_second_run_changes_nothing(db):
    bottrop_data_load(today=date(2026, 11, 25))
    before = _snapshot()
    created = bottrop_data_load(today=date(2026, 11, 25))
    assert created == {"venues": 0, "registrars": 0, "closures": 0, "policy": 0}
    assert _snapshot() == before


def test_staff_edits_survive_a_reload(db):
    bottrop_data_load(today=date(2026, 11, 25))
    beck = Venue.objects.get(slug="schloss-beck")
    beck.max_guests = 99
    beck.fee_eur = Decimal("150.00")
    beck.save()
    beck.resource.weekly_rules.filter(weekday=4).delete()  # no more Fridays at Schloss Beck
    bottrop_data_load(today=date(2026, 11, 25))
    beck.refresh_from_db()
    assert beck.max_guests == 99
    assert beck.fee_eur == Decimal("150.00")
    assert not beck.resource.weekly_rules.filter(weekday=4).exists()


def test_city_closures_cover_christmas_week_and_weiberfastnacht(db):
    bottrop_data_load(today=date(2026, 11, 25))
    reasons = list(Closure.objects.filter(resource=None).values_list("reason", "start"))
    assert any("Weihnacht" in reason and start.year == 2027 for reason, start in reasons)
    carnival_2027 = [s for r, s in reasons if "Weiberfastnacht" in r and s.year == 2027]
    assert carnival_2027 and carnival_2027[0].date() == date(2027, 2, 4)

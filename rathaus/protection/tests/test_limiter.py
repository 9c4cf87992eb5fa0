"""The rate limiter: rules, windows, client addresses, stored digests and exactness under load."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.test import RequestFactory

from rathaus.protection.conf import Rule, rule_parse
from rathaus.protection.exceptions import Throttled
from rathaus.protection.limiter import bucket_hit, limit_enforce
from rathaus.protection.models import RateLimitBucket
from rathaus.protection.services import client_ip, protection_cleanup

CLIENTS = 50
NOON = datetime(2027, 7, 7, 10, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/10m", Rule(5, 600)),
        ("60/1m", Rule(60, 60)),
        ("60/m", Rule(60, 60)),
        ("3/1d", Rule(3, 86400)),
        (" 2 / 30s ", Rule(2, 30)),
        ("", None),
        ("off", None),
        ("OFF", None),
    ],
)
def test_rules_parse(text, expected):
    assert rule_parse(text) == expected


@pytest.mark.parametrize("text", ["5", "5/10", "five/1m", "5/0m", "-1/1m", "5/1w"])
def test_bad_rules_are_refused(text):
    with pytest.raises(ImproperlyConfigured):
        rule_parse(text)


def test_the_system_check_reports_a_bad_limit(settings):
    from rathaus.protection.checks import settings_check

    settings.RATHAUS_RATE_LIMIT_SUBMIT_IP = "viele"
    assert [error.id for error in settings_check(None)] == ["protection.E001"]


@pytest.mark.django_db
def test_a_window_counts_up_and_a_new_window_starts_at_one():
    rule = Rule(limit=2, seconds=60)
    hits = [
        bucket_hit(scope="s", kind="ip", identity="1.2.3.4", rule=rule, now=NOON) for _ in range(3)
    ]
    assert hits == [(1, 30), (2, 30), (3, 30)]
    later = bucket_hit(
        scope="s", kind="ip", identity="1.2.3.4", rule=rule, now=NOON + timedelta(seconds=30)
    )
    assert later == (1, 60)
    other = bucket_hit(scope="s", kind="ip", identity="1.2.3.5", rule=rule, now=NOON)
    assert other == (1, 30)


@pytest.mark.django_db
def test_limit_enforce_throttles_over_the_limit_with_the_time_left():
    rule = Rule(limit=1, seconds=600)
    limit_enforce(scope="s", kind="ip", identity="a", rule=rule, now=NOON)
    with pytest.raises(Throttled) as refusal:
        limit_enforce(scope="s", kind="ip", identity="a", rule=rule, now=NOON)
    assert refusal.value.retry_after == 570  # 10:00:30 -> the window ends at 10:10:00
    limit_enforce(scope="s", kind="ip", identity="a", rule=None, now=NOON)  # off: no count


@pytest.mark.django_db
def test_cleanup_deletes_only_windows_that_ran_out():
    rule = Rule(limit=5, seconds=60)
    bucket_hit(scope="s", kind="ip", identity="old", rule=rule, now=NOON - timedelta(hours=1))
    bucket_hit(scope="s", kind="ip", identity="new", rule=rule, now=NOON)
    assert protection_cleanup(now=NOON) == {"windows": 1, "challenges": 0}
    assert RateLimitBucket.objects.count() == 1


@pytest.mark.django_db
def test_neither_e_mail_nor_ip_address_is_stored():
    rule = Rule(limit=5, seconds=60)
    bucket_hit(scope="weddings.reservation", kind="email", identity="paar@example.org", rule=rule)
    bucket_hit(scope="weddings.reservation", kind="ip", identity="203.0.113.7", rule=rule)
    stored = " ".join(str(row) for row in RateLimitBucket.objects.values_list())
    assert "paar" not in stored and "example.org" not in stored and "203.0.113" not in stored


@pytest.mark.parametrize(
    ("meta", "header_setting", "expected"),
    [
        ({"REMOTE_ADDR": "203.0.113.7"}, "", "203.0.113.7"),
        ({"REMOTE_ADDR": "2001:db8:1:2:aaaa::1"}, "", "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "::ffff:203.0.113.7"}, "", "203.0.113.7"),
        ({"REMOTE_ADDR": "kaputt"}, "", "unknown"),
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.9"},
            "X-Forwarded-For",
            "203.0.113.9",
        ),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "", "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1"}, "X-Forwarded-For", "10.0.0.1"),
    ],
)
def test_client_ip(settings, meta, header_setting, expected):
    settings.RATHAUS_CLIENT_IP_HEADER = header_setting
    request = RequestFactory().get("/", **meta)
    request.META.update(meta)
    assert client_ip(request) == expected


# --- exactness under 50 parallel clients (reference B-8) ----------------------------------


def _race(hit) -> list:
    """Run `hit()` in CLIENTS threads released together; their results."""
    barrier, results, errors = threading.Barrier(CLIENTS), [], []

    def client():
        try:
            barrier.wait()
            results.append(hit())
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            for connection in connections.all(initialized_only=True):
                connection.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def _exactly_limit_pass(using="default"):
    rule = Rule(limit=10, seconds=3600)
    counts = _race(
        lambda: bucket_hit(
            scope="race", kind="ip", identity="203.0.113.7", rule=rule, now=NOON, using=using
        )[0]
    )
    assert sorted(counts) == list(range(1, CLIENTS + 1))  # no two clients saw the same count
    assert sum(count <= rule.limit for count in counts) == rule.limit


def _get_then_set_lets_everyone_through():
    """The control: a read-then-write limiter (as ZMS has) admits all 50 once they interleave."""
    row = RateLimitBucket.objects.create(
        bucket="control", scope="race", kind="ip", hits=0, expires_at=NOON
    )
    interleave = threading.Barrier(CLIENTS)

    def naive():
        seen = RateLimitBucket.objects.get(pk=row.pk).hits
        interleave.wait()
        RateLimitBucket.objects.filter(pk=row.pk).update(hits=seen + 1)
        return seen + 1 <= 10

    assert sum(_race(naive)) == CLIENTS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_exactly_limit_requests_pass_under_50_parallel_clients_on_postgresql():
    _get_then_set_lets_everyone_through()
    _exactly_limit_pass()


@pytest.fixture
def sqlite_file_db(tmp_path, django_db_blocker):
    """A second database on a SQLite file, as in production, with the counter table in it.
    Outside pytest-django's test databases, hence unblocked by hand."""
    alias = "protection_race"
    config = connections.configure_settings(
        {
            "default": dict(connections.settings["default"]),
            alias: {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "race.sqlite3"),
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL;",
                },
            },
        }
    )
    connections.settings[alias] = config[alias]
    with django_db_blocker.unblock():
        with connections[alias].schema_editor() as editor:
            editor.create_model(RateLimitBucket)
        yield alias
        connections[alias].close()
    del connections.settings[alias]
    delattr(connections._connections, alias)


def test_exactly_limit_requests_pass_under_50_parallel_clients_on_a_sqlite_file(sqlite_file_db):
    _exactly_limit_pass(using=sqlite_file_db)


@pytest.mark.django_db
def test_a_refund_takes_back_one_hit_of_the_window_and_never_goes_below_zero():
    from rathaus.protection.limiter import bucket_refund

    rule = Rule(2, 86400)
    key = {"scope": "s", "kind": "email", "identity": "a@example.org", "rule": rule}
    assert bucket_hit(**key, now=NOON)[0] == 1
    bucket_refund(**key, now=NOON)
    bucket_refund(**key, now=NOON)  # nothing left to take back
    assert bucket_hit(**key, now=NOON)[0] == 1
    assert bucket_hit(**key, now=NOON)[0] == 2
    bucket_refund(**key, now=NOON + timedelta(days=1))  # another window: this one keeps its hits
    assert bucket_hit(**key, now=NOON)[0] == 3

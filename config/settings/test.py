"""Test settings: the same as production where it matters, fast where it does not."""

from .base import *  # noqa: F403
from .base import DATABASES, INSTALLED_APPS, POSTGRES_OPTIONS, STATIC_ROOT, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The default suite runs on SQLite in memory unless TEST_DATABASE_URL points elsewhere.
DATABASES["default"] = env.db("TEST_DATABASE_URL", default="sqlite://:memory:")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
else:
    DATABASES["default"]["ENGINE"] = "rathaus.core.postgresql"  # as in production
    DATABASES["default"]["OPTIONS"] = dict(POSTGRES_OPTIONS)

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing directory
# Fixtures build many reservations for one demo couple; the limit's own tests switch it on.
RATHAUS_MAX_ACTIVE_RESERVATIONS = 0
# Bot protection stays on in tests (opt out: rathaus.protection.testing); challenges are cheap.
RATHAUS_BOT_PROTECTION = True
RATHAUS_RATE_LIMITS = True
RATHAUS_ALTCHA_COST = 10
RATHAUS_ALTCHA_MAX_COUNTER = 50
# Tests read their own writes at once; the slot cache has its own test.
RATHAUS_SLOTS_CACHE_SECONDS = 0
# A second, test-only domain on the scheduling core (tests/counter_domain).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.counter_domain"]
# No live server runs beside the test server: pages poll (a test that needs the stream sets it).
RATHAUS_LIVE_URL = ""

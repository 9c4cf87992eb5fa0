"""Test settings: the same as production where it matters, fast where it does not."""

from .base import *  # noqa: F403
from .base import DATABASES, STATIC_ROOT, env

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

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing directory

"""Settings shared by every mode. Everything that differs per machine comes from the environment.

See docs/configuration.md for every variable (mirrored by .env.example).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdef")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Base of the links in e-mails and ICS files; by default the local server on PORT (`make run`).
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")
# The live server (uvicorn config.live, `make run`/`make serve` start it on PORT + 1): the address
# browsers open streams at, `<RATHAUS_LIVE_URL>/<channel>`. Behind nginx the same origin, e.g.
# https://termine.bottrop.de/live (docs/runbooks/deploy.md, docs/decisions/0024-live-channel.md).
LIVE_PORT = env.int("LIVE_PORT", default=env.int("PORT", default=8000) + 1)
RATHAUS_LIVE_URL = env("RATHAUS_LIVE_URL", default=f"http://127.0.0.1:{LIVE_PORT}/live").rstrip("/")
RATHAUS_LIVE_HEARTBEAT_SECONDS = env.float("RATHAUS_LIVE_HEARTBEAT_SECONDS", default=15.0)
RATHAUS_LIVE_POLL_SECONDS = 0.25  # SQLite only (no NOTIFY): how often the live server looks
RATHAUS_LIVE_QUEUE_SIZE = 256  # events waiting for one client before it is dropped to catch up

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rathaus.core",
    "rathaus.accounts",
    "rathaus.audit",
    "rathaus.scheduling",
    "rathaus.weddings",
    "rathaus.weddings.waitlist",
    "rathaus.weddings.lottery",
    "rathaus.housing_benefit",
    "rathaus.appointments",
    "rathaus.appointments.pickup",
    "rathaus.appointments.queue",
    "rathaus.parking_permits",
    "rathaus.parking_permits.enforcement",
    "rathaus.appointments.sameday",
    "rathaus.protection",
    "rathaus.api",
    "ninja",  # its static files: Swagger UI from our own origin (/api/v1/docs)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rathaus.core.failures.DatabaseUnavailableMiddleware",  # 503 + Retry-After, no traceback
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "rathaus.core.middleware.NoNulInPathMiddleware",  # 404, not a database error (PostgreSQL)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rathaus.accounts.middleware.StaffSessionMiddleware",  # idle/absolute limits, log out all
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rathaus.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]
# Django's database sessions, the per-request read written out (rathaus/core/sessions.py).
SESSION_ENGINE = "rathaus.core.sessions"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rathaus.core.context_processors.city",
            ],
        },
    },
]

# Parameters bound by the server, and a statement run five times on one connection is prepared:
# planned once, not per request (docs/decisions/0007-hot-path-reads.md). Switch off with
# DATABASE_PREPARED_STATEMENTS=false behind PgBouncer in transaction mode.
POSTGRES_OPTIONS = (
    {"server_side_binding": True, "prepare_threshold": 5}
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
    else {}
)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'rathaus.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN, so
    # a check-then-insert inside atomic() can never interleave with another writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_TIMEOUT", default=20),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # the stock backend with a health check that asks only a connection that has news
        DATABASES["default"]["ENGINE"] = "rathaus.core.postgresql"
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(POSTGRES_OPTIONS)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The console default prints every e-mail, names and tokens included, to the log: production
# refuses to start without EMAIL_URL (system check accounts.E001).
RATHAUS_EMAIL_URL_SET = bool(env("EMAIL_URL", default=""))
RATHAUS_EMAIL_URL_REQUIRED = False
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Standesamt Bottrop <standesamt@bottrop.example>"
)
# E-mail outbox (docs/runbooks/jobs.md): send right after the commit (false: only the worker
# `manage.py outbox_send` sends), give up after N attempts, delete sent mail after N days.
RATHAUS_MAIL_SEND_ON_COMMIT = env.bool("RATHAUS_MAIL_SEND_ON_COMMIT", default=True)
RATHAUS_MAIL_MAX_ATTEMPTS = env.int("RATHAUS_MAIL_MAX_ATTEMPTS", default=30)
RATHAUS_MAIL_RETENTION_DAYS = env.int("RATHAUS_MAIL_RETENTION_DAYS", default=7)
# How long an Idempotency-Key of the API is remembered.
RATHAUS_IDEMPOTENCY_HOURS = env.int("RATHAUS_IDEMPOTENCY_HOURS", default=24)

LOGIN_URL = "/login/"

# Paths holding a secret token are logged as `[redacted]` (rathaus/core/log_redaction.py).
_REDACTED = {"filters": ["redact_tokens"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "rathaus.core.log_redaction.RedactTokenPaths"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # it announces its logger bridge at every start
        "django.security.csrf": _REDACTED,
        "django.request": _REDACTED,
        "django.server": {**_REDACTED, "handlers": ["console"], "propagate": False},
    },
}

RATHAUS_CITY_NAME = env("RATHAUS_CITY_NAME", default="Bottrop")
# Contacts on imprint, venue, error and accessibility pages (rathaus/core/contacts.py): set the
# city's confirmed values; the defaults are the published switchboard and placeholder addresses.
RATHAUS_CONTACT_PHONE = env("RATHAUS_CONTACT_PHONE", default="02041 70-0")
RATHAUS_CONTACT_EMAIL = env("RATHAUS_CONTACT_EMAIL", default="info@bottrop.example")
RATHAUS_REGISTRY_OFFICE_EMAIL = env(
    "RATHAUS_REGISTRY_OFFICE_EMAIL", default="standesamt@bottrop.example"
)
RATHAUS_ACCESSIBILITY_EMAIL = env(
    "RATHAUS_ACCESSIBILITY_EMAIL", default="barrierefreiheit@bottrop.example"
)

# Staff login: lockout after failed attempts (django-axes), TOTP second factor (django-otp).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Locks one account from one client address at AXES_FAILURE_LIMIT, an account from anywhere and
# an address for any account only at the generous ceilings below (rathaus/accounts/lockout.py);
# the holder of a locked account is told by e-mail.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "rathaus.accounts.lockout.AccountAndAddressHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # attempts while locked count for nothing
RATHAUS_LOGIN_ACCOUNT_CEILING = env.int("RATHAUS_LOGIN_ACCOUNT_CEILING", default=50)
RATHAUS_LOGIN_ADDRESS_CEILING = env.int("RATHAUS_LOGIN_ADDRESS_CEILING", default=20)
# The client address by the rate limits' trusted-proxy rule (RATHAUS_CLIENT_IP_HEADER).
AXES_CLIENT_IP_CALLABLE = "rathaus.protection.services.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False  # no user names or IP addresses in the application log
OTP_TOTP_ISSUER = "Stadt Bottrop"
# No TOTP secrets or QR codes in the admin (its config view also answered 500 for a missing pk).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
RATHAUS_STAFF_OTP_REQUIRED = env.bool("RATHAUS_STAFF_OTP_REQUIRED", default=False)
# Staff sessions end after this much inactivity, and at the latest this long after the login.
RATHAUS_STAFF_SESSION_IDLE_MINUTES = env.int("RATHAUS_STAFF_SESSION_IDLE_MINUTES", default=30)
RATHAUS_STAFF_SESSION_ABSOLUTE_HOURS = env.int("RATHAUS_STAFF_SESSION_ABSOLUTE_HOURS", default=10)
# The 503 page and /healthz ask clients to come back after this many seconds.
RATHAUS_RETRY_AFTER_SECONDS = env.int("RATHAUS_RETRY_AFTER_SECONDS", default=30)

# Against slot hoarding and hand-overs (issue 5): active reservations per e-mail address and per
# couple, and how long a cancelled slot stays hidden (a random delay between the two values).
RATHAUS_MAX_ACTIVE_RESERVATIONS = env.int("RATHAUS_MAX_ACTIVE_RESERVATIONS", default=2)
RATHAUS_CANCELLED_SLOT_DELAY_MINUTES = tuple(
    env.list("RATHAUS_CANCELLED_SLOT_DELAY_MINUTES", cast=int, default=[5, 20])
)

# Bot protection (docs/decisions/0006-bot-protection.md): ALTCHA proof of work on public forms
# and the reservation API, rate limits per IP and per e-mail. "off" only for load tests.
RATHAUS_BOT_PROTECTION = env.bool("RATHAUS_BOT_PROTECTION", default=True)
RATHAUS_RATE_LIMITS = env.bool("RATHAUS_RATE_LIMITS", default=True)
RATHAUS_ALTCHA_HMAC_KEY = env("RATHAUS_ALTCHA_HMAC_KEY", default="")  # empty: from SECRET_KEY
RATHAUS_ALTCHA_EXPIRY_MINUTES = env.int("RATHAUS_ALTCHA_EXPIRY_MINUTES", default=20)
RATHAUS_ALTCHA_COST = env.int("RATHAUS_ALTCHA_COST", default=5000)  # PBKDF2 iterations per try
RATHAUS_ALTCHA_MAX_COUNTER = env.int("RATHAUS_ALTCHA_MAX_COUNTER", default=400)
RATHAUS_CLIENT_IP_HEADER = env("RATHAUS_CLIENT_IP_HEADER", default="")  # e.g. X-Forwarded-For
RATHAUS_RATE_LIMIT_READ_IP = env("RATHAUS_RATE_LIMIT_READ_IP", default="60/1m")
RATHAUS_RATE_LIMIT_CHALLENGE_IP = env("RATHAUS_RATE_LIMIT_CHALLENGE_IP", default="30/1m")
RATHAUS_RATE_LIMIT_SUBMIT_IP = env("RATHAUS_RATE_LIMIT_SUBMIT_IP", default="5/10m")
RATHAUS_RATE_LIMIT_SUBMIT_EMAIL = env("RATHAUS_RATE_LIMIT_SUBMIT_EMAIL", default="3/1d")
RATHAUS_RATE_LIMIT_NOSCRIPT_IP = env("RATHAUS_RATE_LIMIT_NOSCRIPT_IP", default="3/1h")
RATHAUS_RATE_LIMIT_NOSCRIPT_TOTAL = env("RATHAUS_RATE_LIMIT_NOSCRIPT_TOTAL", default="30/1h")

# Answers of GET /api/v1/slots are shared for this many seconds (per process, Django's cache).
RATHAUS_SLOTS_CACHE_SECONDS = env.int("RATHAUS_SLOTS_CACHE_SECONDS", default=2)
# Rules, venues, registrars, policy and lotteries cached per process until a write changes them
# (database triggers; rathaus/core/revision.py). Off: read them on every request.
RATHAUS_CONFIG_CACHE = env.bool("RATHAUS_CONFIG_CACHE", default=True)

# Lottery for high-demand dates (docs/lottery.md) and the waiting list (docs/waitlist.md).
RATHAUS_LOTTERY_WINDOW_DAYS = env.int("RATHAUS_LOTTERY_WINDOW_DAYS", default=14)
RATHAUS_LOTTERY_ANNOUNCE_DAYS = env.int("RATHAUS_LOTTERY_ANNOUNCE_DAYS", default=60)
RATHAUS_LOTTERY_RETENTION_DAYS = env.int("RATHAUS_LOTTERY_RETENTION_DAYS", default=30)
RATHAUS_WAITLIST_OFFER_HOURS = env.int("RATHAUS_WAITLIST_OFFER_HOURS", default=48)

# Deletion of personal data (DSGVO), run by `manage.py weddings_retention`.
RATHAUS_RETENTION_MONTHS_AFTER_CEREMONY = env.int(
    "RATHAUS_RETENTION_MONTHS_AFTER_CEREMONY", default=6
)
RATHAUS_RETENTION_DAYS_AFTER_CANCELLATION = env.int(
    "RATHAUS_RETENTION_DAYS_AFTER_CANCELLATION", default=30
)
# The city treasury's account for the 15 € postal delivery of identity documents (pick-up);
# the default is a placeholder until the treasury names the account.
RATHAUS_PICKUP_IBAN = env("RATHAUS_PICKUP_IBAN", default="DE00 0000 0000 0000 0000 00")

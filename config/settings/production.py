"""Production: secure defaults; refuses to start without a real secret key."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
X_FRAME_OPTIONS = "DENY"
RATHAUS_STAFF_OTP_REQUIRED = env.bool("RATHAUS_STAFF_OTP_REQUIRED", default=True)
RATHAUS_EMAIL_URL_REQUIRED = True  # a real mail server, never the console (accounts.E001)
# Behind one reverse proxy that overwrites X-Forwarded-For: the rate limits and the login
# lockout (AXES_CLIENT_IP_CALLABLE) count per client, not per proxy (docs/configuration.md).
RATHAUS_CLIENT_IP_HEADER = env("RATHAUS_CLIENT_IP_HEADER", default="X-Forwarded-For")

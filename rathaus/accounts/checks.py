"""System check: production never prints e-mails to the log.

Without `EMAIL_URL` the mail backend is the console, which writes every message — names,
reservation tokens, the lockout notices of staff — to the application log. Production
(`RATHAUS_EMAIL_URL_REQUIRED`) therefore refuses to start: `manage.py migrate` and
`manage.py check`, which every start runs first (docs/runbooks/deploy.md), fail with the error.
"""

from django.conf import settings
from django.core import checks

LOGGING_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
)


@checks.register(checks.Tags.security)
def email_url_check(app_configs, **kwargs):
    if not getattr(settings, "RATHAUS_EMAIL_URL_REQUIRED", False):
        return []
    if getattr(settings, "RATHAUS_EMAIL_URL_SET", False) and (
        settings.EMAIL_BACKEND not in LOGGING_BACKENDS
    ):
        return []
    return [
        checks.Error(
            "EMAIL_URL is not set (or names the console): e-mails would be printed to the log, "
            "tokens included.",
            hint="Set EMAIL_URL to the mail server, e.g. smtp+tls://user:password@host:587 "
            "(docs/configuration.md).",
            id="accounts.E001",
        )
    ]

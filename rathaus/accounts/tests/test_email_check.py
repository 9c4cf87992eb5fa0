"""Production refuses to start without EMAIL_URL instead of printing e-mails to the log."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from rathaus.accounts.checks import email_url_check


def _check_production(tmp_path: Path, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("EMAIL_URL", "DJANGO_SETTINGS_MODULE", "RATHAUS_TEST_CLOCK")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="production-like-secret-key-for-the-check-0123456789abcdef",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_email_url(tmp_path):
    refused = _check_production(tmp_path)
    assert refused.returncode != 0
    assert "accounts.E001" in refused.stderr and "EMAIL_URL" in refused.stderr
    console = _check_production(tmp_path, EMAIL_URL="consolemail://")
    assert "accounts.E001" in console.stderr
    fine = _check_production(tmp_path, EMAIL_URL="smtp://mail.bottrop.example:25")
    assert fine.returncode == 0, fine.stderr


@pytest.mark.parametrize(
    ("required", "url_set", "backend", "errors"),
    [
        (False, False, "django.core.mail.backends.console.EmailBackend", 0),
        (True, False, "django.core.mail.backends.smtp.EmailBackend", 1),
        (True, True, "django.core.mail.backends.console.EmailBackend", 1),
        (True, True, "django.core.mail.backends.smtp.EmailBackend", 0),
    ],
)
def test_the_check(settings, required, url_set, backend, errors):
    settings.RATHAUS_EMAIL_URL_REQUIRED = required
    settings.RATHAUS_EMAIL_URL_SET = url_set
    settings.EMAIL_BACKEND = backend
    assert len(email_url_check(None)) == errors

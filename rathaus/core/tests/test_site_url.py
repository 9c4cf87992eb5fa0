"""The address in e-mail and ICS links follows the port the local server runs on (issue 12)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _site_url(**env_vars) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    env.update(env_vars, DJANGO_SETTINGS_MODULE="config.settings.dev")
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env may set SITE_URL")
def test_the_site_address_follows_port():
    assert _site_url(PORT="8123") == "http://127.0.0.1:8123"
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(PORT="8123", SITE_URL="https://termine.bottrop.de/") == (
        "https://termine.bottrop.de"
    )


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_run_passes_port_to_the_server():
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [shutil.which("make"), "-n", "run", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    server = [line for line in result.stdout.splitlines() if "runserver" in line]
    assert len(server) == 1
    assert server[0].endswith("PORT=8123 .venv/bin/python manage.py runserver 127.0.0.1:8123")
    assert "manage.py jobs --forever &" in server[0]  # the jobs run beside the server

"""The login lockout behind the documented reverse proxy: a real nginx on loopback.

nginx (Debian's package) runs in front of the live server with the proxy headers of
docs/runbooks/deploy.md. Clients connect from different loopback addresses (127.0.0.2,
127.0.0.3), so nginx's `$remote_addr` really differs; the application must count failed logins
per client, not per proxy. Without nginx the test is skipped, and fails in CI
(REQUIRE_POSTGRES=1, set by .ci/run, which installs nginx-light).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure

from .conftest import PASSWORD

DEPLOY_DOC = Path(settings.BASE_DIR) / "docs" / "runbooks" / "deploy.md"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.path.exists(path)), None
    )
    if found is None:
        reason = "needs nginx (apt-get install nginx-light)"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return found


def documented_proxy_headers() -> list[str]:
    """The `proxy_set_header` lines of the application's `location /` in the deploy runbook."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    block = text[text.index("    location / {") :]
    block = block[: block.index("\n    }")]
    return [
        line.strip() for line in block.splitlines() if line.strip().startswith("proxy_set_header")
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


NGINX_CONF = """
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream rathaus_app {{ server {upstream}; }}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        location / {{
            proxy_pass http://rathaus_app;
            {headers}
            proxy_next_upstream off;
        }}
    }}
}}
"""


@pytest.fixture
def nginx(live_server, tmp_path):
    """nginx on a free loopback port in front of the live server; yields its port."""
    binary = _nginx_binary()
    port = _free_port()
    upstream = urlsplit(live_server.url)
    config = tmp_path / "nginx.conf"
    config.write_text(
        NGINX_CONF.format(
            tmp=tmp_path,
            port=port,
            upstream=f"127.0.0.1:{upstream.port}",
            headers="\n            ".join(documented_proxy_headers()),
        )
    )
    process = subprocess.Popen(  # noqa: S603 - our own arguments, nginx from PATH
        [binary, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (tmp_path / "error.log").read_text()
                        if (tmp_path / "error.log").exists()
                        else ""
                    )
                    pytest.fail(f"nginx did not start: {process.stderr.read().decode()} {log}")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


class Client:
    """A browser-like client whose connections leave from one loopback address."""

    def __init__(self, port: int, source: str):
        self.port, self.source, self.cookies = port, source, {}

    def request(self, method: str, path: str, body: dict | None = None, headers=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=20, source_address=(self.source, 0)
        )
        sent = {"Host": "localhost", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return response.status, content

    def login(self, username: str, password: str, spoofed: str = "") -> int:
        _status, page = self.request("GET", "/login/")
        token = CSRF_INPUT.search(page).group(1)
        headers = {"X-Forwarded-For": spoofed} if spoofed else {}
        status, _page = self.request(
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
            headers,
        )
        return status


def test_the_deploy_runbook_overwrites_the_forwarded_address():
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in documented_proxy_headers()


@pytest.mark.django_db(transaction=True)
def test_failed_logins_count_per_client_behind_nginx(nginx, settings):
    settings.RATHAUS_CLIENT_IP_HEADER = "X-Forwarded-For"  # as in production
    settings.RATHAUS_LOGIN_ADDRESS_CEILING = 5
    roles_ensure()
    staff_user_ensure(
        username="standesamt",
        password=PASSWORD,
        first_name="Sina",
        last_name="Standesamt",
        role=roles.REGISTRY_OFFICE,
    )
    attacker, colleague = Client(nginx, "127.0.0.2"), Client(nginx, "127.0.0.3")
    # The attacker tries five names and pretends to be someone else: nginx overwrites that.
    statuses = [attacker.login(f"name{n}", "falsch", spoofed="127.0.0.9") for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert attacker.login("standesamt", PASSWORD) == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.2"}
    assert colleague.login("standesamt", PASSWORD) == 302

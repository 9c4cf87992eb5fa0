"""The documented nginx access log holds no secret of a link (docs/runbooks/deploy.md).

The `map` blocks and the `log_format` of the runbook run in a real nginx on loopback; the
management, confirmation and feed links it is asked for must appear in its log without their
token, and ordinary addresses unchanged.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request

from .test_login_behind_proxy import DEPLOY_DOC, _free_port, _nginx_binary

TOKEN = "Zx9_aB3kLmN0pQrStUvW12"
ASKED = {
    f"/trauung/reservierung/TK-2027-ABCD/{TOKEN}/stornieren/": (
        "/trauung/reservierung/TK-2027-ABCD/[redacted]/stornieren/"
    ),
    f"/trauung/reservierung/TK-2027-ABCD/bestaetigen/{TOKEN}/": (
        "/trauung/reservierung/TK-2027-ABCD/bestaetigen/[redacted]/"
    ),
    f"/verwaltung/kalender/{TOKEN}.ics": "/verwaltung/kalender/[redacted].ics",
    "/trauung/orte/rathaus-trauzimmer/": "/trauung/orte/rathaus-trauzimmer/",
    "/trauung/?month=2027-06": "/trauung/",
}


def _documented_logging() -> str:
    """From the first `map` of the runbook's nginx configuration to its `log_format`."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    start = text.index("map $remote_addr $remote_addr_short {")
    end = text.index(";", text.index("log_format rathaus", start)) + 1
    return text[start:end]


def test_the_access_log_keeps_no_token(tmp_path):
    binary = _nginx_binary()
    port = _free_port()
    log = tmp_path / "access.log"
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""
daemon off;
master_process off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 16; }}
http {{
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    {_documented_logging()}
    server {{
        listen 127.0.0.1:{port};
        access_log {log} rathaus;
        location / {{ return 200 "ok"; }}
    }}
}}
"""
    )
    process = subprocess.Popen(  # noqa: S603 - our own arguments
        [binary, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        for path in ASKED:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
    logged = log.read_text()
    assert TOKEN not in logged
    for expected in ASKED.values():
        assert f'"GET {expected}" 200' in logged, (expected, logged)

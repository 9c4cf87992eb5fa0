"""Read a venue's own event calendar (ICS) for the import: fetch it and turn its events into
blocks. Writing them as closures on the venue is `services.venue_calendar_import`.

Every event becomes a block with the event's UID (plus the occurrence's start for repeating
events) as its key, so a re-import updates the venue's blocks in place, creates new ones and
removes the ones whose event is gone; running it twice changes nothing. It never touches a
booking: an event that overlaps a reservation or wedding is not blocked but reported as a
conflict for the registry office.

Reading the file is `core.ics.blocks_parse` (untrusted input: what cannot be read is refused
as a whole with a message that names the event and the reason, `ImportFailed`, never half
imported and never a 500; repeating events are expanded within limits of count, window and
time). The download is limited in size and total time and goes to the address that was
checked (see "Fetching").
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time as clock
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from rathaus.core.ics import Block, IcsRefused

SOURCE = "ics"
MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 15  # per connection attempt and read
HORIZON_DAYS = 800


# Reading the file refuses it with the same exception as fetching it does.
ImportFailed = IcsRefused


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    conflicts: list[Block] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "%(created)s new, %(updated)s changed, %(removed)s removed, %(unchanged)s unchanged "
            "blocks; %(conflicts)s events overlap a reservation."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "conflicts": len(self.conflicts),
        }


# --- Fetching ----------------------------------------------------------------------------------

FETCH_SECONDS = 30  # the whole download, redirects included
MAX_REDIRECTS = 3
CHUNK = 64 * 1024


def _resolve(host: str, port: int) -> list[str]:
    """The host's addresses: one lookup, whose answer is both checked and connected to."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [info[4][0] for info in infos]


@dataclass(frozen=True)
class _Target:
    https: bool
    host: str
    port: int
    path: str
    address: str  # the checked IP address the connection goes to


def _target(url: str) -> _Target:
    """Check a URL and pin the address to connect to.

    The address is looked up once; when every answer is public, the connection goes to the
    first of them. Looking the name up again to connect would let a DNS server answer with a
    public address for the check and a private one for the connection (DNS rebinding).
    """
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None:
        raise ImportFailed(_("This calendar address cannot be used."))
    try:
        addresses = _resolve(parts.hostname, port)
    except (OSError, UnicodeError) as error:
        raise ImportFailed(_("The calendar could not be downloaded.")) from error
    allow_private = getattr(settings, "RATHAUS_ICS_IMPORT_ALLOW_PRIVATE_HOSTS", False)
    if not addresses or not (
        allow_private or all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses)
    ):
        raise ImportFailed(_("This calendar address cannot be used."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(parts.scheme == "https", parts.hostname, port, path, addresses[0])


def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()  # certificate and host name checked


def _connection(target: _Target, timeout: float) -> http.client.HTTPConnection:
    """A connection to the pinned address; Host header, SNI and certificate check use the
    host name of the URL."""
    if target.https:
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=_tls_context()
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    def pinned(address, *args, **kwargs):
        return socket.create_connection((target.address, address[1]), *args, **kwargs)

    connection._create_connection = pinned
    return connection


def _remaining(deadline: float) -> float:
    left = deadline - clock.monotonic()
    if left <= 0:
        raise ImportFailed(
            _("The calendar took longer than %(seconds)s seconds to download.")
            % {"seconds": FETCH_SECONDS}
        )
    return left


def _read(response, sock, deadline: float) -> bytes:
    chunks, size = [], 0
    while True:
        sock.settimeout(_remaining(deadline))
        chunk = response.read1(CHUNK)  # one receive at a time, each within the deadline
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise ImportFailed(_("The calendar is larger than 2 MB."))


def calendar_fetch(url: str) -> bytes:
    """Download a calendar over HTTP(S): public hosts only, at most 2 MB, FETCH_SECONDS in
    all (a server sending a byte now and then is cut off, too)."""
    deadline = clock.monotonic() + FETCH_SECONDS
    for _hop in range(MAX_REDIRECTS + 1):
        target = _target(url)
        connection = _connection(target, min(TIMEOUT_SECONDS, _remaining(deadline)))
        response = None
        try:
            connection.request(
                "GET",
                target.path,
                headers={"User-Agent": "Rathaus-Traukalender/1.0", "Accept": "text/calendar"},
            )
            sock = connection.sock  # the response reads from it after the connection lets go
            sock.settimeout(_remaining(deadline))
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise ImportFailed(_("The calendar could not be downloaded."))
            return _read(response, sock, deadline)
        except (OSError, http.client.HTTPException, ValueError) as error:
            if clock.monotonic() >= deadline:
                _remaining(deadline)  # says that time ran out
            raise ImportFailed(_("The calendar could not be downloaded.")) from error
        finally:
            if response is not None:  # a refused or redirected answer still holds its socket
                response.close()
            connection.close()
    raise ImportFailed(_("The calendar address redirects too often."))

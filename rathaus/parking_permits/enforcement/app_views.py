"""The installable app shell for officers (offline QR verification): the page, its web app
manifest and its service worker (docs/parking-permits.md, "Enforcement app";
docs/decisions/0029-*.md).

The page verifies a permit's signed code in the browser against the published keys and the
revocation list it keeps (localStorage and the service worker's cache), so it works on the
street without a connection. Without JavaScript it links the plate lookup and sends a pasted
code to the public check page.
"""

from __future__ import annotations

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .access import enforcement_page

# The camera for scanning, on this page only (the platform's default policy forbids it).
CAMERA_POLICY = (
    "accelerometer=(), camera=(self), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
LIST_REFRESH_SECONDS = 300  # refresh the revocation list this often while online
LIST_WARN_HOURS = 24  # an older list is shown with a warning
THEME_COLOUR = "#0b5394"
# Every static file the page needs, precached by the service worker (the page's own test
# checks that nothing the page loads is missing here).
SHELL_STATIC = (
    "css/rathaus.css",
    "img/favicon.svg",
    "img/wappen.svg",
    "vendor/htmx.min.js",
    "js/staff-session.js",
    "enforcement/app.css",
    "enforcement/verify.js",
    "enforcement/app.js",
    "enforcement/vendor/jsqr/jsQR.js",
    "enforcement/vendor/noble-ed25519/index.js",
    "enforcement/icons/icon-192.png",
    "enforcement/icons/icon-512.png",
    "enforcement/icons/icon-maskable-512.png",
    "enforcement/icons/apple-touch-icon.png",
)


def _urls() -> dict[str, str]:
    return {
        "app": reverse("enforcement:app"),
        "keys": reverse("parking_permits:keys"),
        "list": reverse("enforcement:revocations"),
        "sw": reverse("enforcement:sw"),
        "manifest": reverse("enforcement:manifest"),
        "logout": reverse("accounts:logout"),
    }


def _config() -> dict:
    urls = _urls()
    return {
        "urls": urls,
        "scope": urls["app"],
        "jsqr": static("enforcement/vendor/jsqr/jsQR.js"),
        "noble": static("enforcement/vendor/noble-ed25519/index.js"),
        "refreshSeconds": LIST_REFRESH_SECONDS,
        "warnHours": LIST_WARN_HOURS,
        "language": get_language() or "de",
        "texts": {
            "allowed": _("Allowed"),
            "notAllowed": _("Not allowed"),
            "reasonForged": _("Forged or damaged: the signature does not match."),
            "reasonFormat": _("This is not the code of a Bottrop parking permit."),
            "reasonUnknownKey": _("Unknown key: refresh the keys online or use the plate lookup."),
            "reasonUnavailable": _(
                "The signature cannot be checked in this browser: use the plate lookup."
            ),
            "reasonRevoked": _("Revoked or replaced."),
            "reasonExpired": _("Expired."),
            "reasonNotYet": _("Not valid yet."),
            "reasonEnded": _("Ended early (moved out or returned)."),
            "inGrace": _("Expired, but within the grace period of %(minutes)s minutes."),
            "plate": _("Licence plate (compare with the car)"),
            "zone": _("Zone"),
            "validUntil": _("Valid until"),
            "validFrom": _("Valid from"),
            "listFrom": _("Revocation list from %(time)s, %(ago)s"),
            "justNow": _("just now"),
            "listOld": _("The revocation list is older than %(hours)s hours: please go online."),
            "listMissing": _(
                "No revocation list yet: revoked permits are not recognised. Please go online."
            ),
            "listLogin": _("Your login has ended: log in again to refresh the list."),
            "listFailed": _("The list could not be refreshed; the stored one is used."),
            "online": _("Online"),
            "offline": _("Offline: checks use the stored keys and list."),
            "checkedIn": _("Checked on this device in %(ms)s ms."),
            "cameraStart": _("Scan with the camera"),
            "cameraStop": _("Stop the camera"),
            "cameraLooking": _("Hold the QR code of the permit in front of the camera."),
            "cameraUnavailable": _(
                "The camera is not available. Type or paste the code, or use a scanner."
            ),
            "empty": _("Please enter the code or the check address of the permit."),
        },
    }


@enforcement_page()
def app(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "enforcement/app.html",
        {
            "config": _config(),
            "theme_colour": THEME_COLOUR,
            "plate_url": reverse("enforcement:plate"),
            "verify_url": reverse("parking_permits:verify"),
            "manifest_url": reverse("enforcement:manifest"),
        },
    )
    response["Permissions-Policy"] = CAMERA_POLICY
    return response


def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest. Public on purpose: browsers fetch it without cookies, and it
    holds nothing but names, colours and icon addresses."""
    app_url = reverse("enforcement:app")
    data = {
        "id": app_url,
        "name": _("Bottrop parking enforcement"),
        "short_name": _("Enforcement"),
        "description": _("Check resident parking permits by their QR code, also offline."),
        "lang": get_language() or "de",
        "start_url": app_url,
        "scope": app_url,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static("enforcement/icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": static("enforcement/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": static("enforcement/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


def _worker_config() -> dict:
    urls = _urls()
    shell = [urls["app"], *(static(name) for name in SHELL_STATIC)]
    return {
        "app": urls["app"],
        "shell": shell,
        "data": [urls["keys"], urls["list"]],
        "manifest": urls["manifest"],
    }


@enforcement_page()
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, rendered with the hashed static addresses: a new deployment
    changes the script, so browsers install the new one and drop the old cache."""
    config = _worker_config()
    body = render_to_string("enforcement/sw.js", {"config": json.dumps(config)})
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    body = body.replace("__VERSION__", version)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response

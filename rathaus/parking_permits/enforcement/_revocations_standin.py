"""STAND-IN, to be dropped at merge: the revocation list of the server-side branch, only so
that the app's own tests run before it lands. It follows the contract
(GET /kontrolle/sperrliste.json, name "enforcement:revocations"):
{"format": 1, "generated_at", "permit_prefix", "width", "revoked", "ends", "zones"}."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils import timezone

from rathaus.accounts.access import staff_page

from ..constants import PERMIT_PREFIX
from ..models import Permit, Zone
from .selectors import access_enforcement

WIDTH = 6


@staff_page(access_enforcement)
def revocations(request):
    now = timezone.now()
    prefix = PERMIT_PREFIX + "-"
    replaced = Permit.objects.filter(replaces__isnull=False).values_list(
        "replaces__number", flat=True
    )
    numbers = set(
        Permit.objects.filter(revoked_at__isnull=False).values_list("number", flat=True)
    ) | set(replaced)
    suffixes = sorted(n[len(prefix) :] for n in numbers if n.startswith(prefix))
    ends = {
        number[len(prefix) :]: ends_on.isoformat()
        for number, ends_on in Permit.objects.filter(
            ends_on__isnull=False, revoked_at__isnull=True
        ).values_list("number", "ends_on")
    }
    zones = {
        zone.slug: {"name": zone.name, "grace_minutes": zone.grace_minutes}
        for zone in Zone.objects.all()
    }
    return JsonResponse(
        {
            "format": 1,
            "generated_at": now.isoformat(),
            "permit_prefix": prefix,
            "width": WIDTH,
            "revoked": "".join(suffixes),
            "ends": ends,
            "zones": zones,
        }
    )

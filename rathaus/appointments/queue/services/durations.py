"""Adopting a measured duration into the catalogue, through the catalogue's own audited edit."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import Service
from rathaus.appointments.services.catalogue import SERVICE_FIELDS, CatalogueRefused, service_update


def duration_adopt(service: Service, minutes: int, actor: Any) -> Service:
    """Set the service's counter minutes (booked appointments keep their length)."""
    if minutes < 1:
        raise CatalogueRefused(_("A service takes at least one minute."))
    service = Service.objects.get(pk=service.pk)
    data = {field: getattr(service, field) for field in SERVICE_FIELDS}
    data["minutes"] = minutes
    return service_update(
        actor=actor, service=service, data=data, locations=list(service.locations.all())
    )

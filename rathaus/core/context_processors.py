from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .contacts import city_contact


def city(request: HttpRequest) -> dict[str, object]:
    return {"city_name": settings.RATHAUS_CITY_NAME, "city_contact": city_contact()}

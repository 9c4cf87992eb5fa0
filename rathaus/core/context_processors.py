from django.conf import settings

from .contacts import city_contact


def city(request):
    return {"city_name": settings.RATHAUS_CITY_NAME, "city_contact": city_contact()}

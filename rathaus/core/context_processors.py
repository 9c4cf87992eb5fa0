from django.conf import settings


def city(request):
    return {"city_name": settings.RATHAUS_CITY_NAME}

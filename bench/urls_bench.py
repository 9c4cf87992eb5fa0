"""The product's URLs plus `/bench/bare`: a Django JSON view with no database access, shaped
like a 20-slot answer of `/api/v1/slots`. It passes the same middleware, so the ratio
slots API / bare view shows what the slots computation costs above the framework."""

from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns

PAYLOAD = {
    "slots": [
        {
            "venue": "rathaus-trauzimmer",
            "start": f"2027-11-26T{9 + i // 3:02d}:{(i % 3) * 20:02d}:00+01:00",
            "end": f"2027-11-26T{9 + i // 3:02d}:{(i % 3) * 20 + 15:02d}:00+01:00",
            "fee_eur": 66.0,
        }
        for i in range(20)
    ]
}


def bare_json(request):
    return JsonResponse(PAYLOAD)


urlpatterns = [path("bench/bare", bare_json), *product_urlpatterns]

from django.db import connection
from django.http import JsonResponse
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "core/home.html"


class PrivacyView(TemplateView):
    template_name = "core/privacy.html"


class AccessibilityView(TemplateView):
    template_name = "core/accessibility.html"


class ImprintView(TemplateView):
    template_name = "core/imprint.html"


def healthz(request):
    """Liveness and database reachability, without any personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception:
        response = JsonResponse({"status": "degraded", "database": "unreachable"}, status=503)
        response["Retry-After"] = "30"
        return response

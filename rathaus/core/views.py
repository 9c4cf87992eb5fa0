from django.db import OperationalError, connection
from django.http import JsonResponse
from django.views.generic import TemplateView

from .failures import retry_after_seconds

HEALTH_LOCK_WAIT_MS = 1000


class HomeView(TemplateView):
    template_name = "core/home.html"


class PrivacyView(TemplateView):
    template_name = "core/privacy.html"


class AccessibilityView(TemplateView):
    template_name = "core/accessibility.html"


class ImprintView(TemplateView):
    template_name = "core/imprint.html"


def _database_status() -> str:
    """ok, busy (SQLite's write lock not free within a second) or unreachable."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return "unreachable"
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return "ok"
    # Readers pass a held write lock, so probe the lock itself, briefly: BEGIN IMMEDIATE.
    timeout_ms = int(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5) * 1000)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {min(timeout_ms, HEALTH_LOCK_WAIT_MS)}")
            try:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("ROLLBACK")
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    except OperationalError:
        return "busy"
    return "ok"


def healthz(request):
    """Liveness and database health, without any personal data; 503 when degraded."""
    status = _database_status()
    if status == "ok":
        return JsonResponse({"status": "ok", "database": "ok"})
    response = JsonResponse({"status": "degraded", "database": status}, status=503)
    response["Retry-After"] = str(retry_after_seconds())
    response["Cache-Control"] = "no-store"
    return response

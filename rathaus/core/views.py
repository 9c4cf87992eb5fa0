from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from . import accessibility
from .contacts import accessibility_contact
from .failures import retry_after_seconds
from .forms import AccessibilityFeedbackForm
from .services import AccessibilityFeedback, accessibility_feedback_send

FEEDBACK_SCOPE = "core.accessibility_feedback"

HEALTH_LOCK_WAIT_MS = 1000


class HomeView(TemplateView):
    template_name = "core/home.html"


class PrivacyView(TemplateView):
    template_name = "core/privacy.html"


@method_decorator(never_cache, name="dispatch")
class AccessibilityView(View):
    """The accessibility statement with its feedback form (`?seite=` prefills the page)."""

    template_name = "core/accessibility.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        page = request.GET.get("seite", "")[:500]
        return self._render(request, AccessibilityFeedbackForm(initial={"page": page}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AccessibilityFeedbackForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=422)
        data = form.cleaned_data
        if not form.protect(request, scope=FEEDBACK_SCOPE, email=data["email"] or None):
            return form.protection_response(
                self._render(request, form, status=form.protection_status)
            )
        accessibility_feedback_send(
            AccessibilityFeedback(
                problem=data["problem"],
                page=data["page"],
                name=data["name"],
                email=data["email"],
                language=(get_language() or "de")[:2],
            )
        )
        return HttpResponseRedirect(reverse("core:accessibility-sent"), status=303)

    def _render(
        self, request: HttpRequest, form: AccessibilityFeedbackForm, status: int | None = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "statement": accessibility,
            "contact": accessibility_contact(),
        }
        return render(request, self.template_name, context, status=status)


class AccessibilityFeedbackSentView(TemplateView):
    template_name = "core/accessibility_sent.html"


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


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database health, without any personal data; 503 when degraded."""
    status = _database_status()
    if status == "ok":
        return JsonResponse({"status": "ok", "database": "ok"})
    response = JsonResponse({"status": "degraded", "database": status}, status=503)
    response["Retry-After"] = str(retry_after_seconds())
    response["Cache-Control"] = "no-store"
    return response

"""Staff pages for requests of data subjects (`/verwaltung/datenschutz/`).

Enter an address, see everything stored about it (printable), download it as JSON, erase it
after a confirmation step. The address travels only in POST bodies, never in a URL, so it
cannot reach access logs or browser histories. Each export and each erasure is audited on the
member of staff who made it, without the address. The providers: `rathaus/core/privacy.py`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from rathaus.accounts import audit_events as audit
from rathaus.core.privacy import privacy_erase, privacy_export

from .account_views import StaffAccountMixin
from .forms import PrivacyEraseForm, PrivacyRequestForm
from .selectors import access_privacy_tools

REQUEST_TEMPLATE = "accounts/privacy_request.html"
ERASE_TEMPLATE = "accounts/privacy_erase.html"


class PrivacyView(StaffAccountMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access_privacy_tools(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PrivacyRequestView(PrivacyView):
    """GET: the form. POST: the export of one address as a page (printable)."""

    def get(self, request):
        return render(request, REQUEST_TEMPLATE, {"form": PrivacyRequestForm()})

    def post(self, request):
        form = PrivacyRequestForm(request.POST)
        if not form.is_valid():
            return render(request, REQUEST_TEMPLATE, {"form": form}, status=422)
        export = privacy_export(email=form.cleaned_data["email"])
        audit.privacy_request_exported(actor=request.user, records=export.record_count)
        return render(request, REQUEST_TEMPLATE, {"form": form, "export": export})


class PrivacyExportJsonView(PrivacyView):
    """POST: the same export as a JSON file (the copy for the person, Art. 15 (3) GDPR)."""

    def post(self, request):
        form = PrivacyRequestForm(request.POST)
        if not form.is_valid():
            return render(request, REQUEST_TEMPLATE, {"form": form}, status=422)
        export = privacy_export(email=form.cleaned_data["email"])
        audit.privacy_request_exported(actor=request.user, records=export.record_count)
        response = HttpResponse(export.as_json(), content_type="application/json; charset=utf-8")
        filename = f"datenauskunft-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class PrivacyEraseView(PrivacyView):
    """POST without the confirmation: what would be erased. With it: erase, then back."""

    def post(self, request):
        form = PrivacyEraseForm(request.POST)
        if request.POST.get("confirm") != "yes" or not form.is_valid():
            return self._confirm_page(request, form)
        result = privacy_erase(email=form.cleaned_data["email"], actor=request.user)
        audit.privacy_request_erased(
            actor=request.user, erased=result.erased, cancelled=result.cancelled
        )
        messages.success(
            request,
            _("Erased: %(erased)s, cancelled beforehand: %(cancelled)s.")
            % {"erased": result.erased, "cancelled": result.cancelled},
        )
        for reason in result.retained:
            messages.info(request, _("Kept: %(reason)s") % {"reason": reason})
        response = redirect("privacy:request")
        response.status_code = 303
        return response

    def _confirm_page(self, request, form):
        submitted = request.POST.get("confirm") == "yes"
        if not submitted:  # the first step shows no errors yet
            form = PrivacyEraseForm(initial={"email": request.POST.get("email", "")})
        email = request.POST.get("email", "")
        counts = []
        if PrivacyRequestForm({"email": email}).is_valid():
            export = privacy_export(email=email)
            counts = [(section.title, len(section.records)) for _p, section in export.sections]
        context = {"form": form, "email": email, "counts": counts}
        return render(request, ERASE_TEMPLATE, context, status=422 if submitted else 200)

"""The public pages at /parkausweis/: pre-check, application, status by secret link, the
permit and refusal PDFs, the check of a permit code and the published keys. Thin: reads come
from `selectors`, writes go through `services`."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rathaus.core.timezone import local_today

from . import selectors
from .changes_views import status_changes
from .constants import PERMIT_YEARS, Status
from .decision import reason_texts
from .epc import creditor, epc_svg
from .forms import AddressForm, ApplicationForm
from .links import status_path, status_token_valid
from .pdf import RefusalNotice, permit_pdf, refusal_pdf
from .renewal_views import follow_up_context
from .services.applications import ApplicationInput, ApplicationRejected, application_submit
from .services.permits import permit_sheet
from .texts import precheck_conditions, precheck_documents


@require_GET
def precheck(request):
    form = AddressForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = selectors.precheck(data["street"], data["number"], on=local_today())
    context = {"form": form, "result": result}
    if result is not None and result.zone is not None:
        context.update(
            fees=[(fee, PERMIT_YEARS[fee.kind]) for fee in result.fees],
            conditions=precheck_conditions(result.zone),
            documents=precheck_documents(),
            hours=result.zone.hours_en if translation.get_language() == "en" else result.zone.hours,
        )
    return render(request, "parking_permits/precheck.html", context)


def _input(form: ApplicationForm, language: str) -> ApplicationInput:
    data = form.cleaned_data
    return ApplicationInput(
        given_name=data["given_name"],
        family_name=data["family_name"],
        birth_date=data["birth_date"],
        email=data["email"],
        phone=data["phone"],
        street=data["street_obj"],
        house_number=data["number"],
        zone=data["zone"],
        plate=data["plate"],
        use_basis=data["use_basis"],
        keeper_name=data["keeper_name"],
        car_sharing_provider=data["car_sharing_provider"],
        no_garage_confirmed=data["no_garage_confirmed"],
        fee_kind=data["fee_kind"],
        language=language,
        documents=data["documents"],
    )


def apply(request):
    fees = selectors.permit_fees_on(local_today())
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES, fees=fees)
        if not form.is_valid():
            return _form(request, form, status=422)
        if not form.protect(request, scope="parking.application", email=form.cleaned_data["email"]):
            return form.protection_response(_form(request, form, status=form.protection_status))
        try:
            application = application_submit(
                data=_input(form, translation.get_language() or "de"), now=timezone.now()
            )
        except ApplicationRejected as error:
            form.add_error(error.field, error.message)
            return _form(request, form, status=422)
        return redirect(status_path(application), permanent=False)
    initial = {k: request.GET[k] for k in ("street", "number") if k in request.GET}
    return _form(request, ApplicationForm(initial=initial, fees=fees))


def _form(request, form: ApplicationForm, status: int | None = None) -> HttpResponse:
    response = render(request, "parking_permits/application_form.html", {"form": form})
    if status:
        response.status_code = status
    return response


def _own(reference: str, token: str):
    application = selectors.application_get(reference)
    if application is None or not status_token_valid(application, token):
        raise Http404
    return application


@never_cache
def status(request, reference: str, token: str):
    application = _own(reference, token)
    permit = selectors.permit_for_application(application)
    context = {
        "application": application,
        "permit": permit,
        "reasons": reason_texts(application.reasons),
        "token": token,
        "creditor": creditor(),
        "visitors": selectors.visitor_offer(application, local_today()),
        **follow_up_context(application, permit, token),
    }
    if application.status == Status.APPROVED and application.paid_at is None:
        context["epc_svg"] = epc_svg(
            amount=application.amount,
            reference=application.remittance,
            title=_("GiroCode for the transfer of %(amount)s €") % {"amount": application.amount},
        )
    context.update(status_changes(application, permit))
    response = render(request, "parking_permits/status.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # same-origin, not no-referrer: the page's forms (renewal, new plate) need the Origin
    # header of the CSRF check; the secret link still never goes to another site.
    response["Referrer-Policy"] = "same-origin"
    return response


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def permit_download(request, reference: str, token: str):
    application = _own(reference, token)
    permit = selectors.permit_for_application(application)
    if permit is None:
        raise Http404
    return _pdf(permit_pdf(permit_sheet(permit)), f"Bewohnerparkausweis-{permit.number}.pdf")


@require_GET
def refusal_download(request, reference: str, token: str):
    application = _own(reference, token)
    if application.status != Status.REFUSED or application.decided_at is None:
        raise Http404
    with translation.override("de"):
        notice = RefusalNotice(
            reference=application.reference,
            name=f"{application.given_name} {application.family_name}",
            address=f"{application.address}, Bottrop",
            plate=application.plate,
            zone=application.zone.name,
            decided_on=timezone.localdate(application.decided_at),
            reasons=[str(text) for text in reason_texts(application.reasons)],
            explanation=application.refusal_reason,
        )
        content = refusal_pdf(notice)
    return _pdf(content, f"Bescheid-{application.reference}.pdf")


@require_GET
@never_cache
def verify(request):
    code = request.GET.get("c", "")[:400]
    check = selectors.permit_code_check(code, on=local_today()) if code else None
    zone = selectors.zone_get(check.claims.zone) if check and check.claims else None
    response = render(
        request, "parking_permits/verify.html", {"code": code, "check": check, "zone": zone}
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def public_keys(request):
    keys = [
        {
            "kid": key.key_id,
            "alg": "Ed25519",
            "public_key": key.public_key,
            "active": key.active,
            "created": key.created_at.isoformat(),
        }
        for key in selectors.signing_keys_public()
    ]
    return JsonResponse({"format": "BP1.<kid>.<payload>.<signature> (base64url)", "keys": keys})

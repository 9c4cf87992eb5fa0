"""The parking-permit office at /verwaltung/parken/: queue with reasons, decisions, counter
payments, documents, zones, fees, the bank statement and the register extracts."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rathaus.accounts.access import staff_page
from rathaus.audit.selectors import audit_lines_for
from rathaus.core.timezone import local_today

from .. import selectors
from ..camt import StatementInvalid
from ..constants import OVERSUBSCRIPTION_FACTOR, PaymentSource
from ..decision import reason_texts
from ..forms import (
    CounterPaymentForm,
    FeeForm,
    RefuseForm,
    RegisterImportForm,
    SegmentForm,
    StatementForm,
    ZoneForm,
)
from ..services.applications import (
    ApplicationRejected,
    application_approve,
    application_refuse,
)
from ..services.office import (
    SEGMENT_FIELDS,
    ImportRejected,
    SegmentRejected,
    fee_rule_create,
    register_import,
    segment_create,
    segment_delete,
    segment_update,
    zone_update,
)
from ..services.payments import PaymentRejected, payment_record, statement_import
from ..services.permits import permit_revoke

office_page = staff_page(selectors.access_parking_staff)
MAX_IMPORT_BYTES = 50 * 1024 * 1024


@office_page
def queue(request):
    context = {
        "open": selectors.applications_queue(),
        "recent": selectors.applications_recent(),
        "loads": selectors.zones_load(local_today()),
        "factor": OVERSUBSCRIPTION_FACTOR,
    }
    return render(request, "parking_permits/office/queue.html", context)


def _application(reference: str):
    application = selectors.application_for_office(reference)
    if application is None:
        raise Http404
    return application


@office_page
def application_detail(request, reference: str):
    application = _application(reference)
    context = {
        "application": application,
        "reasons": reason_texts(application.reasons),
        "permit": selectors.permit_for_application(application),
        "refuse_form": RefuseForm(),
        "payment_form": CounterPaymentForm(initial={"booked_on": local_today()}),
        "visitors": selectors.visitor_offer(application, local_today()),
    }
    return render(request, "parking_permits/office/application_detail.html", context)


@office_page
@require_POST
def application_decide(request, reference: str):
    application = _application(reference)
    try:
        if request.POST.get("decision") == "approve":
            application_approve(application=application, actor=request.user, now=timezone.now())
            messages.success(request, _("The application was approved."))
        else:
            form = RefuseForm(request.POST)
            form.is_valid()
            application_refuse(
                application=application,
                actor=request.user,
                explanation=form.cleaned_data.get("explanation", ""),
                now=timezone.now(),
            )
            messages.success(request, _("The application was refused; the notice is ready."))
    except ApplicationRejected as error:
        messages.error(request, error.message)
    return redirect("parking_staff:application", reference=reference)


@office_page
@require_POST
def application_pay(request, reference: str):
    application = _application(reference)
    form = CounterPaymentForm(request.POST)
    if form.is_valid():
        try:
            payment_record(
                application=application,
                amount=application.amount,
                source=PaymentSource.COUNTER,
                booked_on=form.cleaned_data["booked_on"],
                actor=request.user,
                now=timezone.now(),
            )
            messages.success(request, _("The payment was recorded."))
        except PaymentRejected as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Please give the day of payment."))
    return redirect("parking_staff:application", reference=reference)


@office_page
@require_POST
def permit_revoke_view(request, reference: str):
    application = _application(reference)
    permit = selectors.permit_for_application(application)
    if permit is None:
        raise Http404
    permit_revoke(permit=permit, actor=request.user, now=timezone.now())
    messages.success(request, _("The permit was revoked."))
    return redirect("parking_staff:application", reference=reference)


@office_page
def document(request, reference: str, pk: int):
    found = selectors.document_for_office(reference, pk)
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store"
    return response


@office_page
def zones(request):
    return render(request, "parking_permits/office/zones.html", {"zones": selectors.zones_all()})


@office_page
def zone_edit(request, slug: str):
    zone = selectors.zone_get(slug)
    if zone is None:
        raise Http404
    fields = ZoneForm.base_fields
    form = ZoneForm(request.POST or None, initial={name: getattr(zone, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        zone_update(zone=zone, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The zone was saved."))
        return redirect("parking_staff:zones")
    return render(request, "parking_permits/office/zone_edit.html", {"zone": zone, "form": form})


def _zone(slug: str):
    zone = selectors.zone_get(slug)
    if zone is None:
        raise Http404
    return zone


def _segment(zone, pk: int):
    segment = selectors.zone_segment_get(zone, pk)
    if segment is None:
        raise Http404
    return segment


@office_page
def segments(request, slug: str):
    """A zone's streets and house numbers, with the form to add one and the zone's history."""
    zone = _zone(slug)
    form = SegmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            segment_create(zone=zone, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The segment was added."))
            return redirect("parking_staff:segments", slug=zone.slug)
        except SegmentRejected as error:
            form.add_error(None, error.message)
    context = {
        "zone": zone,
        "segments": selectors.zone_segments(zone),
        "form": form,
        "history": audit_lines_for(zone, limit=30),
    }
    return render(request, "parking_permits/office/segments.html", context)


@office_page
def segment_edit(request, slug: str, pk: int):
    zone = _zone(slug)
    segment = _segment(zone, pk)
    initial = {name: getattr(segment, name) for name in SEGMENT_FIELDS}
    form = SegmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            segment_update(segment=segment, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The segment was saved."))
            return redirect("parking_staff:segments", slug=zone.slug)
        except SegmentRejected as error:
            form.add_error(None, error.message)
    context = {"zone": zone, "segment": segment, "form": form}
    return render(request, "parking_permits/office/segment_edit.html", context)


@office_page
@require_POST
def segment_delete_view(request, slug: str, pk: int):
    zone = _zone(slug)
    segment_delete(segment=_segment(zone, pk), actor=request.user)
    messages.success(request, _("The segment was deleted."))
    return redirect("parking_staff:segments", slug=zone.slug)


@office_page
def fees(request):
    form = FeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fee_rule_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The fee was added."))
        return redirect("parking_staff:fees")
    context = {"fees": selectors.fees_all(), "form": form}
    return render(request, "parking_permits/office/fees.html", context)


@office_page
def statement(request):
    form = StatementForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["statement"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("statement", _("The file is too large."))
        else:
            try:
                result = statement_import(
                    content=upload.read(), actor=request.user, now=timezone.now()
                )
            except StatementInvalid:
                form.add_error("statement", _("This is not a readable CAMT.053 statement."))
    context = {"form": form, "result": result, "imports": selectors.imports_recent()}
    return render(request, "parking_permits/office/statement.html", context)


@office_page
def registers(request):
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["extract"]
        try:
            content = upload.read(MAX_IMPORT_BYTES).decode("utf-8")
            run = register_import(
                register=form.cleaned_data["register"],
                content=content,
                actor=request.user,
                now=timezone.now(),
            )
            messages.success(request, _("%(rows)s rows imported.") % {"rows": run.rows})
            if getattr(run, "flagged", 0):
                messages.warning(
                    request,
                    _("%(count)s permits flagged: the holder is no longer registered in the zone.")
                    % {"count": run.flagged},
                )
            return redirect("parking_staff:registers")
        except UnicodeDecodeError:
            form.add_error("extract", _("The file must be UTF-8 encoded."))
        except ImportRejected as error:
            form.add_error("extract", str(error))
    context = {
        "form": form,
        "counts": selectors.register_counts(),
        "imports": selectors.imports_recent(),
    }
    return render(request, "parking_permits/office/registers.html", context)

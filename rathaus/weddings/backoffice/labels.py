"""Labels of the model fields the back office shows and audits, with the models' own msgids.

The forms use them as labels; audit entries store the English label and translate it when
read, so declaring the msgids here puts them into the back office's catalogue.
"""

from django.utils.translation import gettext_lazy as _

RESERVATION = {
    "status": _("status"),
    "venue": _("venue"),
    "start": _("start"),
    "end": _("end"),
    "registrar": _("registrar"),
    "fee_eur": _("registry office fee (EUR)"),
    "notice_deadline": _("marriage notice due by"),
    "notice_filed_on": _("marriage notice filed on"),
}
VENUE = {
    "name": _("name"),
    "address": _("address"),
    "description": _("description"),
    "max_guests": _("maximum guests at the ceremony"),
    "step_free": _("step-free access"),
    "accessibility_note": _("accessibility"),
    "outdoor_possible": _("outdoor ceremony possible"),
    "fee_eur": _("registry office fee (EUR)"),
    "fee_outside_hours_eur": _("registry office fee outside regular hours (EUR)"),
    "venue_costs_eur": _("venue's own costs from (EUR)"),
    "venue_costs_note": _("venue's own costs"),
    "travel_minutes": _("registrar travel (minutes each way)"),
    "requires_venue_agreement": _("venue must agree to each reservation"),
    "active": _("bookable online"),
    "status_note": _("status note (internal)"),
}
VENUE_HELP = {"fee_eur": _("Fee of the registry office for a ceremony in regular hours.")}
POLICY = {
    "min_lead_days": _("minimum lead time (days)"),
    "horizon_months": _("reservable up to (months ahead)"),
    "release_time": _("dates open at (time of day)"),
    "pending_hold_minutes": _("unconfirmed reservations expire after (minutes)"),
    "notice_window_months": _("marriage notice at the earliest (months before)"),
    "notice_grace_days": _("days to file the marriage notice"),
}
RULE = {
    "weekday": _("weekday"),
    "date": _("date"),
    "start_time": _("from"),
    "end_time": _("until"),
    "slot_mode": _("slot pattern"),
    "slot_minutes": _("slot length (minutes)"),
    "buffer_minutes": _("buffer between slots (minutes)"),
    "fixed_starts": _("fixed start times"),
    "valid_from": _("valid from"),
    "valid_until": _("valid until"),
    "open_on_holidays": _("open on public holidays"),
    "note": _("note"),
}
RULE_HELP = {
    "fixed_starts": _("For fixed start times only, e.g. 10:30, 12:00."),
    "buffer_minutes": _("For a grid only: the pause after each slot."),
}
CHOICES = [
    _("Grid of duration and buffer"),
    _("Open window (no slots, e.g. a registrar's duty time)"),
]

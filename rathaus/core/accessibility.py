"""The facts of the accessibility statement (BITV NRW template): status, known gaps, review.

Update these with every review: a gap that is fixed leaves the list, one that is found joins it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CREATED_ON = date(2026, 12, 6)
REVIEWED_ON = date(2026, 12, 6)
REVIEW_METHOD = _(
    "Self-assessment by the development team: automated checks with axe-core and Lighthouse on "
    "every public page, and a manual walk through every service with the keyboard alone, at a "
    "width of 320 CSS pixels (400 % zoom) and with increased text spacing."
)
# Ombudsstelle für barrierefreie IT NRW (§§ 10d, 10e BGG NRW, §§ 9 ff. BITV NRW). Sources:
# https://www.lbbp.nrw.de/ombudsstelle and the announcement of IT.NRW of 3 January 2020
# (https://www.it.nrw/nrw-ueberwachungsstelle-fuer-die-it-barrierefreiheit-gestartet-98284),
# which names the e-mail address. Neither names a telephone number that we could check.
OMBUDS_NAME = "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen"
OMBUDS_HOST = "bei der Beauftragten der Landesregierung für Menschen mit Behinderung"
OMBUDS_EMAIL = "ombudsstelle-barrierefreie-it@mags.nrw.de"
OMBUDS_WEBSITE = "https://www.lbbp.nrw.de/ombudsstelle"


@dataclass(frozen=True)
class Gap:
    what: Promise
    criteria: str  # WCAG 2.1 success criteria
    instead: Promise  # the way around it until it is fixed


KNOWN_GAPS = (
    Gap(
        _(
            "Staff pages end the session after 30 idle minutes without a warning beforehand; "
            "what was typed is lost."
        ),
        "2.2.1",
        _("Staff can save in between; the public services have no such time limit."),
    ),
    Gap(
        _(
            "The keyboard focus ring has too little contrast on white, on the page background and "
            "on the green free days; the selected calendar day shows no focus at all."
        ),
        "1.4.11, 2.4.7",
        _("The list of free times under the calendar can be used instead of the calendar."),
    ),
    Gap(
        _(
            "At a width of 320 CSS pixels or with increased text spacing, the language button is "
            "cut off, the “N free” labels of the calendar overlap, and some tables (staff venue "
            "calendar, reservation page, waiting-list dates, Wohngeld result) need scrolling to "
            "the side."
        ),
        "1.4.10, 1.4.12",
        _("The language can also be chosen in the browser settings; the tables can be scrolled."),
    ),
    Gap(
        _(
            "The anti-bot check of the forms (“being checked”, “checked”) is not announced to "
            "screen readers, a form sent during the check waits silently, and its error message "
            "can cover the help text."
        ),
        "4.1.3",
        _("Wait a moment before sending the form; if it does not work, call or write to us."),
    ),
    Gap(
        _(
            "The buttons “English” and “Deutsch” are not marked with their language; the day "
            "links of the calendar are read without the month; after an error in the Wohngeld "
            "pre-check or the staff login, the focus stays at the top of the page."
        ),
        "3.1.2, 2.4.6, 3.3.1",
        _("The error list at the top of the page links to each field with an error."),
    ),
    Gap(
        _(
            "The PDF of the Wohngeld pre-check is not a tagged PDF: it has no document language "
            "and no structure for screen readers."
        ),
        "1.3.1, 3.1.1",
        _("The same result is on the web page; we send it to you in another form on request."),
    ),
    Gap(
        _("There is no information in German Sign Language or in Easy Language yet."),
        "BITV NRW",
        _("The citizens' office explains the services in person and on the phone."),
    ),
)

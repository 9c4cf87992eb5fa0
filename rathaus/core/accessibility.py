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
    "Self-assessment by the development team: automated checks with axe-core on every public "
    "and staff page, the W3C Nu Html Checker on every page, browser tests of focus contrast, "
    "of a width of 320 CSS pixels (400 % zoom) with increased text spacing and of the "
    "announcements of the forms, and a walk through every service with the keyboard alone."
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
            "The PDF of the Wohngeld pre-check is a tagged PDF with document language and "
            "structure, checked by our automated tests, but it has not yet been reviewed with a "
            "PDF/UA validator or a screen reader."
        ),
        "1.3.1, 4.1.2",
        _("The same result is on the web page; we send it to you in another form on request."),
    ),
    Gap(
        _(
            "On a phone, the venue operator's calendar shows one block per entry instead of a "
            "table; some screen readers then no longer announce it as a table."
        ),
        "1.3.1",
        _("On a wider screen or turned sideways the calendar is a table again."),
    ),
    Gap(
        _(
            "The monthly staffing plan of the Wohngeld office keeps its seven columns and scrolls "
            "sideways inside its own region at a width of 320 CSS pixels."
        ),
        "1.4.10",
        _("The region can be scrolled with the keyboard; the month column stays in view."),
    ),
    Gap(
        _(
            "The technical administration pages for system administrators (/admin/) have not "
            "been reviewed and give no warning before the session ends."
        ),
        "2.2.1, 4.1.2",
        _("All daily work of the registry office and the Wohngeld office is in the back office."),
    ),
    Gap(
        _("There is no information in German Sign Language or in Easy Language yet."),
        "BITV NRW",
        _("The citizens' office explains the services in person and on the phone."),
    ),
)

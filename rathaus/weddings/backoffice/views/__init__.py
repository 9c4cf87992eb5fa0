"""The back-office pages: the registry office's plan and reservations (`office`), venues
(`venue`), registrars (`registrar`), settings (`settings`) and statistics (`statistics`), all
on `base.BackofficeView`. Views are thin: an `access_*` gate, one selector or service, render."""

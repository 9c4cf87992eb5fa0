from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rathaus.parking_permits import selectors
from rathaus.parking_permits.services.office import register_import

RESIDENTS = """family_name;given_name;birth_date;street;house_number;residence
Mustermann;Erika;1985-04-30;Osterfelder Straße;15;main
Mustermann;Max;1983-11-02;Osterfelder Straße;15;main
Yılmaz;Deniz;1991-07-19;Brauerstraße;7;secondary
"""
VEHICLES = """plate;keeper_family_name;keeper_given_name;keeper_birth_date
BOT-EM 42;Mustermann;Erika;1985-04-30
BOT-A 1;Autohaus Beispiel GmbH;;
BO-TA 1;Beispiel;Bochum;1970-01-01
"""


class Command(BaseCommand):
    help = (
        "Load demo register extracts (development machines only): Erika Mustermann, born "
        "1985-04-30, Osterfelder Straße 15, BOT-EM 42 is approved automatically; Max "
        "Mustermann with BOT-A 1 (a company car) goes to the case worker. Idempotent and "
        "safe: when the register extracts already hold rows (the demo's or a real import) "
        "nothing is changed unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Also when DEBUG is off.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace register extracts that already hold rows with the demo extracts.",
        )

    def handle(self, *args, force=False, replace=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError("Demo data are only loaded with DEBUG on (or --force).")
        counts = selectors.register_counts()
        if any(counts.values()) and not replace:
            self.stdout.write(
                "Register extracts already loaded ({residents} residents, {vehicles} vehicles); "
                "nothing changed (--replace loads the demo extracts anyway).".format(**counts)
            )
            return
        now = timezone.now()
        for register, content in (("residents", RESIDENTS), ("vehicles", VEHICLES)):
            run = register_import(register=register, content=content, actor=None, now=now)
            self.stdout.write(f"{register}: {run.rows} rows")
        self.stdout.write(
            "Try it: /parkausweis/ with Osterfelder Straße 15, Erika Mustermann, born 1985-04-30, "
            "plate BOT-EM 42 - approved automatically."
        )

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure

DEMO_PASSWORD = "Bottrop-Demo-2027"  # noqa: S105 - printed on purpose; demo machines only

DEMO_ACCOUNTS = [
    ("admin", "Ada", "Admin", None, True),
    ("standesamt", "Sina", "Standesamt", roles.REGISTRY_OFFICE, False),
    ("standesbeamtin", "Anna", "Schneider", roles.REGISTRAR, False),
    ("schlossbeck", "Viktor", "Betreiber", roles.VENUE_OPERATOR, False),
    ("buergerbuero", "Bea", "Bürgerbüro", roles.CITIZEN_OFFICE_ADMIN, False),
    ("wohngeld", "Wolf", "Wohngeldstelle", roles.HOUSING_BENEFIT_STAFF, False),
    ("parken", "Paula", "Parkausweise", roles.PARKING_OFFICE, False),
    ("kontrolle", "Kai", "Kontrolle", roles.TRAFFIC_ENFORCEMENT, False),
    ("datenschutz", "Dana", "Datenschutz", roles.DATA_PROTECTION_OFFICER, False),
]
# The enforcement pages (/kontrolle/) always ask for the TOTP second factor.
SECOND_FACTOR_ALWAYS = {roles.TRAFFIC_ENFORCEMENT, roles.DATA_PROTECTION_OFFICER}


class Command(BaseCommand):
    help = "Create one demo account per role (development machines only) and print them."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Also when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError("Demo accounts are only created with DEBUG on (or --force).")
        roles_ensure()
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, first, last, role, superuser in DEMO_ACCOUNTS:
            staff_user_ensure(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                role=role,
                superuser=superuser,
            )
            label = roles.ROLE_LABELS[role] if role else "Superuser"
            note = (
                " (sets up an authenticator app at the first login)"
                if (role in SECOND_FACTOR_ALWAYS)
                else ""
            )
            self.stdout.write(f"  {username:<16} {label}{note}")
        # Domain apps link the accounts to what they work on (a venue, a registrar). Called by
        # name, so accounts does not import a domain app (docs/architecture.md).
        if "weddings_link_demo_staff" in get_commands():
            call_command("weddings_link_demo_staff", stdout=self.stdout)

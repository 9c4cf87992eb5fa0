from django.core.management.base import BaseCommand

from rathaus.parking_permits import selectors
from rathaus.parking_permits.services.permits import signing_key_create


class Command(BaseCommand):
    help = (
        "List the Ed25519 keys of the permit codes; --rotate creates a new signing key (the "
        "old ones stay published, so permits signed with them still verify)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="Create a new signing key.")

    def handle(self, *args, rotate=False, **options):
        if rotate or selectors.signing_key_active() is None:
            key = signing_key_create()
            self.stdout.write(f"New signing key {key.key_id}")
        for key in selectors.signing_keys_public():
            state = "signs" if key.active else "verifies only"
            self.stdout.write(f"{key.key_id}  {key.public_key}  {state}")

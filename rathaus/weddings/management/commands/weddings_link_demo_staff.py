"""Link the demo accounts to their venue and registrar (called by create_demo_accounts)."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from rathaus.weddings.models import Registrar, Venue, VenueMembership

DEMO_VENUE_OPERATORS = {"schlossbeck": "schloss-beck"}
DEMO_REGISTRARS = {"standesbeamtin": "Anna Schneider"}


class Command(BaseCommand):
    help = "Link demo venue operators to their venue and demo registrars to their registrar."

    def handle(self, *args, **options):
        for username, slug in DEMO_VENUE_OPERATORS.items():
            user, venue = User.objects.filter(username=username).first(), None
            venue = Venue.objects.filter(slug=slug).first()
            if user and venue:
                VenueMembership.objects.get_or_create(user=user, venue=venue)
                self.stdout.write(f"  {username:<16} -> {venue.name}")
        for username, name in DEMO_REGISTRARS.items():
            user = User.objects.filter(username=username).first()
            registrar = Registrar.objects.filter(name=name).first()
            if user and registrar and registrar.user_id in (None, user.pk):
                Registrar.objects.filter(pk=registrar.pk).update(user=user)
                self.stdout.write(f"  {username:<16} -> {registrar.name}")

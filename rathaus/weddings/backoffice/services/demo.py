"""The demo accounts' links to their venue and registrar (`create_demo_accounts`)."""

from __future__ import annotations

from django.contrib.auth.models import User

from rathaus.weddings.models import Registrar, Venue, VenueMembership

DEMO_VENUE_OPERATORS = {"schlossbeck": "schloss-beck"}
DEMO_REGISTRARS = {"standesbeamtin": "Anna Schneider"}


def demo_staff_link() -> list[tuple[str, str]]:
    """Link demo venue operators to their venue and demo registrars to their registrar, where
    both exist; a registrar linked to someone else stays so. (user name, what) of each link."""
    linked = []
    for username, slug in DEMO_VENUE_OPERATORS.items():
        user = User.objects.filter(username=username).first()
        venue = Venue.objects.filter(slug=slug).first()
        if user and venue:
            VenueMembership.objects.get_or_create(user=user, venue=venue)
            linked.append((username, venue.name))
    for username, name in DEMO_REGISTRARS.items():
        user = User.objects.filter(username=username).first()
        registrar = Registrar.objects.filter(name=name).first()
        if user and registrar and registrar.user_id in (None, user.pk):
            Registrar.objects.filter(pk=registrar.pk).update(user=user)
            linked.append((username, registrar.name))
    return linked

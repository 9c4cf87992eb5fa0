"""factory-boy factory of staff accounts: a user with a password and the roles (groups) given.

`StaffUserFactory(roles=[roles.REGISTRY_OFFICE])`; the role groups are ensured as
`accounts.services.roles_ensure` creates them, so a test needs no setup of its own.
"""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User

from rathaus.accounts.services import roles_ensure

PASSWORD = "Richtig-Geheim-2027"

FIRST_NAMES = ("Sina", "Anna", "Viktor", "Hanna", "Wolf", "Ömer", "Jürgen", "Birgit")
LAST_NAMES = ("Standesamt", "Schneider", "Betreiber", "Hof", "Wohngeld", "Yıldız", "Groß")


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"mitarbeiter{n}")
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: LAST_NAMES[n % len(LAST_NAMES)])
    email = factory.LazyAttribute(lambda user: f"{user.username}@bottrop.example")
    password = factory.django.Password(PASSWORD)
    is_staff = True
    is_superuser = False

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        roles_ensure()
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))

"""The per-couple limit compares addresses and names in a normalised form (identity.py):
the bypasses a security review found, and properties that hold for any input."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from rathaus.core.timezone import BERLIN
from rathaus.weddings import services
from rathaus.weddings.identity import couple_key, email_key, name_key
from rathaus.weddings.models import Reservation

from .test_release_and_limits import _request, _slots

COUPLE = ("Anna", "Berg", "Ben", "Cohen")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("name@example.org", "name+2@example.org"),
        ("name@example.org", "n.ame@example.org"),
        ("name@example.org", "N.A.M.E+hochzeit@EXAMPLE.ORG"),
        ("name@gmail.com", "na.me@googlemail.com"),
        ("name@example.org", " name@example.org. "),
        ("jürgen@example.org", "jurgen@example.org"),
    ],
)
def test_aliases_of_one_mailbox_have_one_key(one, other):
    assert email_key(one) == email_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("name@example.org", "name@example.com"), ("anna@example.org", "anne@example.org")],
)
def test_different_mailboxes_keep_different_keys(one, other):
    assert email_key(one) != email_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Zoë", "Zoe"),
        ("Çağla Öztürk", "cagla ozturk"),
        ("Işıl", "Isil"),
        ("İlknur", "ilknur"),
        ("Anna-Lena", "Anna Lena"),
        ("Anna-Lena", "AnnaLena"),
        ("D'Amato", "DAmato"),
        ("Straße", "STRASSE"),
        ("Łukasz", "Lukasz"),
        ("Nguyễn", "Nguyen"),
        ("Ｂｅｒｇ", "Berg"),  # full-width letters (NFKD)
    ],
)
def test_spellings_of_one_name_have_one_key(one, other):
    assert name_key(one) == name_key(other)


def test_the_couple_key_ignores_the_order_of_the_partners():
    assert couple_key("Anna", "Berg", "Ben", "Cohen") == couple_key("bén", "cohen", "ANNA", "berg")
    assert couple_key("Anna", "Berg", "Ben", "Cohen") != couple_key("Anna", "Cohen", "Ben", "Berg")


name_text = st.text(min_size=1, max_size=30)


@given(name=name_text)
def test_a_name_key_is_stable_and_ignores_case_and_accents(name):
    key = name_key(name)
    assert name_key(key) == key  # normalising twice changes nothing
    assert name_key(name.casefold()) == key
    assert not any(char in key for char in " -'.")


@given(name=st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True), data=st.data())
def test_accents_case_and_hyphens_added_to_a_latin_name_change_nothing(name, data):
    accents = data.draw(st.lists(st.sampled_from("\u0301\u0300\u0308\u0327\u030c"), max_size=3))
    spelled = name[0].upper() + "".join(accents) + "-" + name[1:].lower()
    assert name_key(spelled) == name_key(name)


local_part = st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True)


@given(local=local_part, tag=local_part, dots=st.sets(st.integers(0, 12)))
def test_plus_tags_dots_and_case_never_make_a_new_address(local, tag, dots):
    dotted = "".join(
        f".{char}" if index in dots and index else char for index, char in enumerate(local)
    )
    assert email_key(f"{dotted.upper()}+{tag}@Example.org") == email_key(f"{local}@example.org")


# --- the limit itself ---------------------------------------------------------------------------

pytestmark_db = pytest.mark.usefixtures("town")


@pytestmark_db
@pytest.mark.parametrize(
    ("email", "names"),
    [
        ("paar+2@example.org", ("X", "Y", "Z", "W")),
        ("p.aar@example.org", ("X", "Y", "Z", "W")),
        ("other@example.org", ("Ánna", "BERG", "Ben", "Cohen")),
        ("other@example.org", ("Ben", "Co-hen", "Anna", "Berg")),
        ("other@example.org", ("Anna", "Bèrg", "Ben", "Cöhen")),
    ],
)
def test_the_known_bypasses_are_refused(settings, email, names):
    settings.RATHAUS_MAX_ACTIVE_RESERVATIONS = 1
    now = datetime.now(tz=BERLIN)
    slots = _slots(now)
    services.reservation_create(request=_request(slots[0], names=COUPLE), now=now)

    with pytest.raises(ValidationError) as refused:
        services.reservation_create(request=_request(slots[1], email=email, names=names), now=now)
    assert "email" in refused.value.message_dict


@pytestmark_db
def test_a_dotless_i_does_not_make_another_couple(settings):
    settings.RATHAUS_MAX_ACTIVE_RESERVATIONS = 1
    now = datetime.now(tz=BERLIN)
    slots = _slots(now)
    turkish = ("Işıl", "Yılmaz", "Emre", "Kılıç")
    services.reservation_create(request=_request(slots[0], names=turkish), now=now)

    with pytest.raises(ValidationError):
        services.reservation_create(
            request=_request(
                slots[1], email="b@example.org", names=("Isil", "Yilmaz", "Emre", "Kilic")
            ),
            now=now,
        )


@pytestmark_db
def test_another_couple_at_another_address_may_reserve(settings):
    settings.RATHAUS_MAX_ACTIVE_RESERVATIONS = 1
    now = datetime.now(tz=BERLIN)
    slots = _slots(now)
    services.reservation_create(request=_request(slots[0], names=COUPLE), now=now)

    created = services.reservation_create(
        request=_request(
            slots[1], email="paar2@example.org", names=("Anna", "Berg", "Ben", "Cohn")
        ),
        now=now,
    )
    assert created.reservation.pk


@pytestmark_db
def test_the_keys_follow_an_edit_and_an_erasure():
    now = datetime.now(tz=BERLIN)
    slots = _slots(now)
    reservation = services.reservation_create(request=_request(slots[0]), now=now).reservation
    stored = Reservation.objects.get(pk=reservation.pk)
    assert stored.email_key == "paar@example.org"
    assert stored.couple_key == couple_key(*COUPLE)

    stored.partner2_family_name = "Kohn"
    stored.save(update_fields=["partner2_family_name"])
    assert Reservation.objects.get(pk=reservation.pk).couple_key == couple_key(
        "Anna", "Berg", "Ben", "Kohn"
    )

    stored.email = stored.partner1_given_name = stored.partner1_family_name = ""
    stored.partner2_given_name = stored.partner2_family_name = ""
    stored.save()  # as the erasure does
    erased = Reservation.objects.get(pk=reservation.pk)
    assert (erased.email_key, erased.couple_key) == ("", "")

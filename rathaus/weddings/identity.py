"""Which spellings count as the same person for the per-couple limit (docs/privacy.md).

The limit of active reservations compares e-mail addresses and names in a normalised form, so
that `Name+2@`, `n.ame@`, `ANNA`, `Ánna`, `Anna-Lena`/`Anna Lena` and the dotless `ı` do not
count as someone else. The keys are computed in Python when a reservation is written
(`Reservation.save`, `reservation_create`) and stored in indexed columns; the count compares
them with plain equality (`services.active_reservations_count`).

Changing these rules changes the stored keys: a data migration must recompute them.
"""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {
        "ı": "i",  # Turkish dotless i (İ becomes i + combining dot, removed as a mark)
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
# What separates parts of a name: blanks, hyphens and dashes, apostrophes, dots.
_NAME_SEPARATORS = frozenset(" \t.-‐‑‒–—'’ʼ`´")
_GMAIL_DOMAINS = {"googlemail.com": "gmail.com"}


def _fold_once(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).casefold()
    text = unicodedata.normalize("NFKD", text).translate(_LETTERS)
    return unicodedata.normalize(
        "NFKC", "".join(char for char in text if not unicodedata.combining(char))
    )


def _folded(value: str) -> str:
    """Case-folded, compatibility-decomposed, without combining marks: repeated until nothing
    changes, as decomposing can reveal capitals ('𝔍' is 'J') and folding can reveal marks."""
    text = value or ""
    for _round in range(4):
        folded = _fold_once(text)
        if folded == text:
            break
        text = folded
    return text


def name_key(name: str) -> str:
    """'Çağla Öztürk-Nguyễn' -> 'caglaozturknguyen'; 'Iİıi' -> 'iiii'."""
    return "".join(
        char
        for char in _folded(name)
        if char not in _NAME_SEPARATORS and not unicodedata.category(char).startswith("Z")
    )


def email_key(email: str) -> str:
    """'N.ame+2@Example.ORG' -> 'name@example.org'.

    The local part loses its plus-tag and its dots (Gmail ignores both; at other providers
    two such addresses are rarely two different couples, and a false match only means that
    they share the limit). An empty address (an erased reservation) gives ''.
    """
    text = _folded(email).strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    local = local.split("+", 1)[0].replace(".", "")
    domain = domain.rstrip(".")
    return f"{local}@{_GMAIL_DOMAINS.get(domain, domain)}"


def couple_key(given1: str, family1: str, given2: str, family2: str) -> str:
    """The two partners' names in a fixed order: the same couple whichever partner is first.
    '' when every name is empty (an erased reservation)."""
    names = [(name_key(given1), name_key(family1)), (name_key(given2), name_key(family2))]
    if not any(part for pair in names for part in pair):
        return ""
    return "\x1e".join(sorted(f"{given}\x1f{family}" for given, family in names))


def booking_identity_keys(email_normalised: str, couple_normalised: str) -> list[str]:
    """The keys the booking door stores and counts (`scheduling.IdentityLimit`): the address
    and the couple, prefixed so that the two can never match each other. Empty keys (an erased
    reservation) are left out."""
    return [
        f"{kind}:{key}"
        for kind, key in (
            ("wedding-email", email_normalised),
            ("wedding-couple", couple_normalised),
        )
        if key
    ]

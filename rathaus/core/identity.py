"""Which spellings count as the same person for the per-person limits (docs/privacy.md).

Limits of active bookings compare e-mail addresses and names in a normalised form, so that
`Name+2@`, `n.ame@`, `ANNA`, `Ánna`, `Anna-Lena`/`Anna Lena` and the dotless `ı` do not count as
someone else. Domains compute their keys with these functions when they write a booking and
store them (weddings: the couple; appointments: each person with the date of birth).

Changing these rules changes the stored keys: a data migration must recompute them.
"""

from __future__ import annotations

import unicodedata
from datetime import date

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


def person_key(given_name: str, family_name: str, date_of_birth: date | None) -> str:
    """One person: normalised given and family name with the date of birth, e.g.
    'anna\x1fmuller\x1f1990-05-01'. '' when the names are empty (erased data)."""
    given, family = name_key(given_name), name_key(family_name)
    if not (given or family):
        return ""
    born = date_of_birth.isoformat() if date_of_birth else ""
    return f"{given}\x1f{family}\x1f{born}"

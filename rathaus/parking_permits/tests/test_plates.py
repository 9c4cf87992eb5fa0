"""German plates exactly (reference §3): examples from the rules and properties (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rathaus.parking_permits.plates import (
    OFFICIAL_CODES,
    Plate,
    Special,
    district_codes,
    plate_check,
    plate_from_parts,
    plate_parse,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("BOT-A 1234", "BOT-A 1234"),  # 8 characters
        ("BOT-AB 123", "BOT-AB 123"),
        ("BOT-AB 12E", "BOT-AB 12E"),  # 7 plus suffix
        ("BOT-A 123H", "BOT-A 123H"),
        ("bot ab 123", "BOT-AB 123"),
        ("BOT-AB123", "BOT-AB 123"),
        ("BOT AB 12 H", "BOT-AB 12H"),
        ("MÜ-AB 1", "MÜ-AB 1"),  # umlauts in the district code
        ("KÖN-X 99", "KÖN-X 99"),
        ("BOTAB123", "BOT-AB 123"),  # no other reading: BO-TAB is three letters
    ],
)
def test_valid_plates_have_one_canonical_reading(text, canonical):
    check = plate_check(text)
    assert check.valid and check.plate is not None
    assert check.plate.canonical == canonical


@pytest.mark.parametrize(
    "text",
    [
        "BOT-AB 1234",  # 9 characters
        "BOT-AB 123H",  # 8 plus suffix
        "BOT-AB 0123",  # leading zero
        "BOT-AB 0",
        "BOT-ÄB 1",  # no umlauts in the letters
        "BOT-ABC 1",  # three letters
        "QQQ-A 1",  # no such district
        "BOT-AB 12X",  # X is no suffix
        "",
        "BOT-AB 1<script>",
        "B" * 30,
    ],
)
def test_invalid_plates(text):
    check = plate_check(text)
    assert not check.valid and check.readings == ()


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("BOTA1", ["BO-TA 1", "BOT-A 1"]),
        ("KAB123", ["K-AB 123", "KA-B 123"]),
        ("BOTA 1", ["BO-TA 1", "BOT-A 1"]),  # the separator after the letters does not decide
    ],
)
def test_ambiguous_inputs_list_every_reading_and_are_never_guessed(text, readings):
    check = plate_check(text)
    assert [r.canonical for r in check.readings] == readings
    assert check.ambiguous and not check.valid and check.plate is None


def test_a_separator_decides_an_ambiguous_string():
    assert plate_check("BOT-A1").plate == Plate("BOT", "A", "1")
    assert plate_check("BO-TA1").plate == Plate("BO", "TA", "1")


@pytest.mark.parametrize(
    ("text", "special"),
    [
        ("04 123", Special.SHORT_TERM),
        ("03 4711", Special.SHORT_TERM),
        ("06 1234", Special.RED),
        ("07 123", Special.RED),
        ("05 12", Special.RED),
        ("THW 12345", Special.OFFICIAL),
        ("NRW 4-1234", Special.OFFICIAL),
        ("Y 123456", Special.OFFICIAL),
        ("0 123", Special.DIPLOMATIC),
        ("BOT 123A", Special.EXPORT),
    ],
)
def test_special_plates_are_recognised(text, special):
    check = plate_check(text)
    assert not check.valid
    assert check.special == special


def test_official_codes_are_not_resident_districts():
    assert "BOT" in district_codes() and "GLA" in district_codes()
    assert not OFFICIAL_CODES & district_codes()
    assert len(district_codes()) == 722 - len(OFFICIAL_CODES)


def test_separate_fields():
    assert plate_from_parts("bot", "ab", "123").canonical == "BOT-AB 123"
    assert plate_from_parts("BOT", "AB", "12", "h").canonical == "BOT-AB 12H"
    assert plate_from_parts("BOT", "AB", "1234") is None
    assert plate_from_parts("BOT", "AB", "012") is None


def test_parse_accepts_only_the_canonical_form():
    assert plate_parse("BOT-AB 123") == Plate("BOT", "AB", "123")
    assert plate_parse("BOT AB 123") is None


# --- Properties ---------------------------------------------------------------------------------

DISTRICTS = sorted(district_codes())
LETTER = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@st.composite
def plates(draw):
    district = draw(st.sampled_from(DISTRICTS))
    letters = "".join(draw(st.lists(LETTER, min_size=1, max_size=2)))
    suffix = draw(st.sampled_from(["", "", "H", "E"]))
    room = (7 if suffix else 8) - len(district) - len(letters)
    digits = str(draw(st.integers(1, 10 ** max(1, min(4, room)) - 1)))
    return Plate(district, letters, digits, suffix)


def _fits(plate: Plate) -> bool:
    n = len(plate.district) + len(plate.letters) + len(plate.digits)
    return n <= (7 if plate.suffix else 8)


@given(plates())
def test_a_canonical_plate_reads_back_as_itself(plate):
    check = plate_check(plate.canonical)
    if _fits(plate):
        assert check.readings == (plate,)
    else:
        assert check.readings == ()


@given(plates(), st.sampled_from(["", " ", "-", "  "]), st.booleans())
def test_every_spelling_keeps_the_plate_among_its_readings(plate, separator, lower):
    text = f"{plate.district}{separator}{plate.letters}{separator}{plate.digits}{plate.suffix}"
    text = text.lower() if lower else text
    readings = plate_check(text).readings
    assert (plate in readings) == _fits(plate)
    for reading in readings:  # every reading is a valid plate of the same characters
        assert plate_check(reading.canonical).readings == (reading,)
        compact = reading.district + reading.letters + reading.digits + reading.suffix
        assert compact == (plate.district + plate.letters + plate.digits + plate.suffix)


@given(st.text(max_size=24))
def test_any_input_is_answered_without_error(text):
    check = plate_check(text)
    assert len(check.readings) <= 6
    for reading in check.readings:
        assert _fits(reading) and reading.digits[0] != "0"
        assert not set(reading.letters) & set("ÄÖÜ")

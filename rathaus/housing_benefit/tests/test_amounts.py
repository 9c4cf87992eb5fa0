"""Amounts typed in German or English notation: examples and Hypothesis properties."""

import contextlib
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from rathaus.housing_benefit.amounts import AmountError, amount_parse
from rathaus.housing_benefit.forms import PreCheckForm


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("450,00", "450.00"),
        ("450.00", "450.00"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1234", "1234"),
        ("1234,5", "1234.5"),
        (" 450,00 € ", "450.00"),
        ("€450.00", "450.00"),
        ("EUR 450", "450"),
        ("450 Euro", "450"),
        ("1 234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("1.234.567,00", "1234567.00"),
        ("1,234,567", "1234567"),
        ("450,-", "450"),
        ("0,5", "0.5"),
        (",50", "0.50"),
        ("0,500", "0.500"),  # a leading 0 is never a thousands group; the form rejects 3 places
        ("1234.567", "1234.567"),
        ("-5", "-5"),
    ],
)
def test_accepted_notations(text, amount):
    assert amount_parse(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["1.234", "1,234", "100.000", "999,000 €", "-1.234"])
def test_one_separator_before_three_digits_is_ambiguous(text):
    with pytest.raises(AmountError) as raised:
        amount_parse(text)
    assert raised.value.ambiguous


@pytest.mark.parametrize(
    "text",
    ["", " ", "€", "abc", "45O", "450,", "1.2.3", "12 34", "1,23.45", "1..234", "1.234 567",
     "1,234,56.7", "4,5,6", "1.234,56,78", "１２", "½", "1e3", "NaN", "--5", "450 € 12"],
)  # fmt: skip
def test_malformed_input_is_rejected_not_guessed(text):
    with pytest.raises(AmountError) as raised:
        amount_parse(text)
    assert not raised.value.ambiguous


cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)


def german(value: Decimal, grouped: bool) -> str:
    text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def english(value: Decimal, grouped: bool) -> str:
    return f"{value:,.2f}" if grouped else f"{value:.2f}"


@given(cents, st.booleans(), st.sampled_from([german, english]), st.sampled_from(["", "€", " €"]))
def test_every_two_place_notation_reads_back_exactly(value, grouped, notation, currency):
    assert amount_parse(notation(value, grouped) + currency) == value


@given(st.integers(min_value=0, max_value=10**12), st.booleans())
def test_whole_euros_read_back_exactly(value, grouped):
    text = f"{value:,}".replace(",", ".") if grouped else str(value)
    if grouped and 1000 <= value < 1_000_000:
        # "1.234" alone cannot be told from an English 1.234: rejected, never guessed.
        with pytest.raises(AmountError):
            amount_parse(text)
    else:
        assert amount_parse(text) == value


@given(st.text(alphabet="0123456789.,' €-", max_size=14))
def test_any_text_is_an_exact_amount_or_a_clear_rejection(text):
    try:
        value = amount_parse(text)
    except AmountError:
        return
    assert value.is_finite()
    digits = "".join(c for c in text if c.isdigit())
    # Nothing is invented: the digits of the amount are the digits typed, in order.
    assert digits.lstrip("0") == "".join(str(d) for d in value.as_tuple().digits).lstrip("0")


@given(st.text(max_size=20))
def test_arbitrary_text_never_raises_anything_else(text):
    with contextlib.suppress(AmountError):
        amount_parse(text)


@given(cents)
def test_the_german_and_the_english_reading_agree(value):
    assume(value >= 1000)
    assert amount_parse(german(value, True)) == amount_parse(english(value, True))


def _rent_form(rent):
    return PreCheckForm(
        {
            "household_members": "1",
            "excluded_members": "0",
            "subsidy_type": "rent",
            "rent": rent,
            "severely_disabled": "0",
        }
    )


@pytest.mark.parametrize("rent", ["450,00", "450.00", "450", "450,00 €"])
def test_form_reads_450_in_every_notation(rent):
    form = _rent_form(rent)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rent"] == Decimal("450")


def test_form_explains_an_ambiguous_amount_in_german():
    with translation.override("de"):
        form = _rent_form("1.234")
        assert not form.is_valid()
        assert form.errors["rent"] == [
            "„1.234“ kann 1234 € oder 1,234 € bedeuten. Bitte schreiben Sie den Betrag "
            "ohne Tausenderpunkt, zum Beispiel 1234,00."
        ]


def test_form_explains_a_malformed_amount_in_german():
    with translation.override("de"):
        form = _rent_form("45O")
        assert not form.is_valid()
        assert form.errors["rent"] == [
            "„45O“ ist kein Betrag in Euro. Bitte schreiben Sie ihn wie 450 oder 450,00 "
            "(Tausender dürfen mit Punkt abgetrennt sein: 1.234,56)."
        ]


@pytest.mark.parametrize(
    ("rent", "code"), [("1234,567", "max_decimal_places"), ("-5", "min_value")]
)
def test_form_keeps_its_limits(rent, code):
    form = _rent_form(rent)
    assert not form.is_valid()
    assert form.errors.as_data()["rent"][0].code == code


def test_money_fields_are_decimal_text_fields():
    html = str(_rent_form("")["rent"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert "step=" not in html


def test_a_long_paste_is_quoted_back_short():
    with translation.override("de"):
        form = _rent_form("450,00 " + "x" * 5000)
        assert not form.is_valid()
        message = form.errors["rent"][0]
        assert len(message) < 200 and "…" in message

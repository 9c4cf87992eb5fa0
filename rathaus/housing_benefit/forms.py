"""Forms of the pre-check, the staff calculator and the caseload planning. No business logic."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.core.fields import WholeNumberField
from rathaus.core.timezone import local_today

from .amounts import AmountError, amount_parse
from .calculation import SubsidyType
from .constants import PRECHECK_INCOME_ROWS, PRECHECK_MAX_MEMBERS
from .income import Income, IncomeKind, MaintenancePaid, MaintenanceRecipient, Member
from .tables import FIRST_DATE, RENT_LEVELS, ROMAN_RENT_LEVELS

MAX_EUR = Decimal("100000")

SUBSIDY_CHOICES = [
    (SubsidyType.RENT.value, _("I rent my home (rent subsidy)")),
    (SubsidyType.BURDEN.value, _("I own my home and live in it (burden subsidy)")),
]
INCOME_CHOICES = [
    ("", _("– no income –")),
    (IncomeKind.EMPLOYMENT.value, _("Wages or salary")),
    (IncomeKind.PENSION.value, _("Pension")),
    (IncomeKind.UNEMPLOYMENT_BENEFIT.value, _("Unemployment benefit (ALG I) or sickness pay")),
    (IncomeKind.SELF_EMPLOYMENT.value, _("Self-employment (profit)")),
    (IncomeKind.MINIJOB.value, _("Minijob (flat-rate taxed)")),
    (IncomeKind.MAINTENANCE_RECEIVED.value, _("Maintenance received")),
    (IncomeKind.MAINTENANCE_ADVANCE.value, _("Maintenance advance (Unterhaltsvorschuss)")),
    (IncomeKind.OTHER.value, _("Other income")),
]
MAINTENANCE_CHOICES = [
    (MaintenanceRecipient.FORMER_SPOUSE.value, _("a former or separated spouse or partner")),
    (MaintenanceRecipient.CHILD_ALTERNATING.value, _("a child living with the other parent")),
    (MaintenanceRecipient.MEMBER_IN_EDUCATION_AWAY.value, _("a child in training living away")),
    (MaintenanceRecipient.OTHER_PERSON.value, _("another person")),
]


class EuroField(forms.DecimalField):
    """An amount typed as text in German or English notation (see amounts.py).

    A text field with a decimal keyboard, not type=number: some browsers read a German "450,00"
    in a number field as 45000 and send that without a word.
    """

    default_error_messages = {
        "invalid": _(
            "“%(value)s” is not an amount in euros. Please write it like 450 or 450.00 "
            "(thousands may be grouped with commas: 1,234.56)."
        ),
        "ambiguous": _(
            "“%(value)s” can be read as %(grouped)s or as %(decimal)s. Please write the amount "
            "without a thousands separator, for example %(example)s."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        try:
            return amount_parse(text)
        except AmountError as error:
            if error.ambiguous:
                raise self._ambiguous(text) from error
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": _echo(text)}
            ) from error

    def _ambiguous(self, text: str) -> ValidationError:
        digits = Decimal("".join(c for c in text if c.isdigit()))
        return ValidationError(
            self.error_messages["ambiguous"],
            code="ambiguous",
            params={
                "value": _echo(text),
                "grouped": _plain_eur(digits, 0),
                "decimal": _plain_eur(digits / 1000, 3),
                "example": _plain(digits, 2),
            },
        )


def _echo(text: str) -> str:
    """What was typed, quoted back in the message; a pasted essay is cut short."""
    text = text.strip()
    return text if len(text) <= 24 else text[:24] + "…"


def _plain(value: Decimal, places: int) -> str:
    """Without thousands separators, which are what made the input ambiguous."""
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=False)


def _plain_eur(value: Decimal, places: int) -> str:
    return gettext("%(amount)s EUR") % {"amount": _plain(value, places)}


def _euro(label, required=True, help_text=""):
    return EuroField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_EUR,
        decimal_places=2,
        help_text=help_text,
    )


class PreCheckForm(forms.Form):
    household_members = WholeNumberField(
        label=_("How many people live in your household, including you?"),
        min_value=1,
        max_value=PRECHECK_MAX_MEMBERS,
    )
    excluded_members = WholeNumberField(
        label=_("How many of them receive Bürgergeld, basic income support or social assistance?"),
        help_text=_("These benefits already cover housing costs. Enter 0 if nobody does."),
        min_value=0,
        max_value=PRECHECK_MAX_MEMBERS,
        initial=0,
    )
    subsidy_type = forms.ChoiceField(
        label=_("Do you rent or own your home?"),
        choices=SUBSIDY_CHOICES,
        widget=forms.RadioSelect,
        initial=SubsidyType.RENT.value,
    )
    rent = _euro(
        _("Monthly rent without heating, or monthly burden as owner, in EUR"),
        help_text=_("Rent including service charges (Nebenkosten), but without heating costs."),
    )
    single_parent = forms.BooleanField(
        label=_("I live alone with my child or children, at least one under 18."),
        required=False,
    )
    severely_disabled = WholeNumberField(
        label=_("How many members have a degree of disability of 100, or need care at home?"),
        min_value=0,
        max_value=PRECHECK_MAX_MEMBERS,
        initial=0,
    )
    maintenance_paid = _euro(
        _("Maintenance you pay to someone outside the household, per month, in EUR"),
        required=False,
    )
    maintenance_recipient = forms.ChoiceField(
        label=_("The maintenance is paid to"), choices=MAINTENANCE_CHOICES, required=False
    )

    def clean(self):
        data = super().clean()
        members, excluded = data.get("household_members"), data.get("excluded_members")
        if members is not None and excluded is not None and excluded > members:
            self.add_error(
                "excluded_members", _("This cannot be more than the people in your household.")
            )
        disabled = data.get("severely_disabled")
        if members is not None and disabled is not None and disabled > members:
            self.add_error(
                "severely_disabled", _("This cannot be more than the people in your household.")
            )
        return data


class IncomeRowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of income"), choices=INCOME_CHOICES, required=False)
    amount = _euro(_("Gross amount per month in EUR"), required=False)
    income_tax = forms.BooleanField(label=_("pays income tax"), required=False)
    health_insurance = forms.BooleanField(label=_("pays health and care insurance"), required=False)
    pension_insurance = forms.BooleanField(label=_("pays pension insurance"), required=False)

    def clean(self):
        data = super().clean()
        kind, amount = data.get("kind"), data.get("amount")
        if kind and amount is None:
            self.add_error("amount", _("Please enter the amount of this income."))
        if amount and not kind:
            self.add_error("kind", _("Please choose the kind of this income."))
        return data

    def member(self) -> Member | None:
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        return Member(
            incomes=(Income(IncomeKind(data["kind"]), data["amount"]),),
            pays_income_tax=data["income_tax"],
            pays_health_insurance=data["health_insurance"],
            pays_pension_insurance=data["pension_insurance"],
        )


# absolute_max: a forged TOTAL_FORMS of 1000 made one anonymous request render 1,003 rows.
IncomeRowFormSet = forms.formset_factory(
    IncomeRowForm,
    extra=PRECHECK_INCOME_ROWS,
    max_num=PRECHECK_INCOME_ROWS,
    absolute_max=PRECHECK_INCOME_ROWS,
    validate_max=True,
)


def precheck_rows_fit(form: PreCheckForm, rows) -> bool:
    """Every filled income row is one counted member; there cannot be more rows than those."""
    filled = sum(1 for row in rows if row.cleaned_data.get("kind"))
    data = form.cleaned_data
    counted = data["household_members"] - data["excluded_members"]
    if counted >= 1 and filled > counted:
        form.add_error(
            None,
            _("You entered more incomes than people whose income counts (%(count)s).")
            % {"count": counted},
        )
        return False
    return True


def precheck_members(form: PreCheckForm, rows) -> list[Member]:
    """One member per filled income row; the household allowances go to the first member."""
    members = [m for m in (row.member() for row in rows) if m is not None]
    data = form.cleaned_data
    counted = data["household_members"] - data["excluded_members"]
    members += [Member() for _ in range(max(0, counted - len(members)))]
    if not members:
        return []
    first = members[0]
    maintenance = ()
    if data.get("maintenance_paid"):
        recipient = data.get("maintenance_recipient") or MaintenanceRecipient.OTHER_PERSON
        maintenance = (MaintenancePaid(MaintenanceRecipient(recipient), data["maintenance_paid"]),)
    members[0] = Member(
        incomes=first.incomes,
        pays_income_tax=first.pays_income_tax,
        pays_health_insurance=first.pays_health_insurance,
        pays_pension_insurance=first.pays_pension_insurance,
        single_parent=data["single_parent"],
        maintenance_paid=maintenance,
    )
    for index in range(min(data["severely_disabled"], len(members))):
        member = members[index]
        members[index] = Member(**{**member.__dict__, "severely_disabled": True})
    return members


class CalculationForm(forms.Form):
    """Staff calculator, direct path (Y known)."""

    on = forms.DateField(
        label=_("Legal date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        initial=local_today,
    )
    rent_level = forms.TypedChoiceField(
        label=_("Rent level"),
        coerce=int,
        choices=[(level, ROMAN_RENT_LEVELS[level]) for level in RENT_LEVELS],
        initial=3,
    )
    household_members = WholeNumberField(label=_("Household members"), min_value=1, max_value=99)
    members_counted = WholeNumberField(
        label=_("Members counted"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("Leave empty if nobody is excluded."),
    )
    subsidy_type = forms.ChoiceField(
        label=_("Type"), choices=SUBSIDY_CHOICES, initial=SubsidyType.RENT.value
    )
    rent = _euro(_("Rent or burden of the whole household per month, in EUR"))
    monthly_income = EuroField(
        label=_("Monthly total income Y in EUR"),
        min_value=0,
        max_value=Decimal("10000000"),
        decimal_places=10,
    )

    def clean(self):
        data = super().clean()
        on, members, counted = data.get("on"), data.get("household_members"), None
        counted = data.get("members_counted")
        if on and on < FIRST_DATE:
            self.add_error("on", _("Dates before 1 January 2023 are not supported."))
        if members and counted and counted > members:
            self.add_error("members_counted", _("This cannot be more than the household members."))
        return data


class CaseloadForm(forms.Form):
    current_recipients = WholeNumberField(
        label=_("Current recipient households"), min_value=0, max_value=1_000_000, initial=2700
    )
    annual_growth_percent = forms.DecimalField(
        label=_("Expected growth per year in percent"),
        min_value=-50,
        max_value=200,
        decimal_places=1,
        initial=Decimal("5"),
    )
    new_applications_per_month = forms.DecimalField(
        label=_("New applications per month"), min_value=0, max_value=100000, initial=150
    )
    renewals_per_month = forms.DecimalField(
        label=_("Renewals per month"), min_value=0, max_value=100000, initial=225
    )
    changes_per_month = forms.DecimalField(
        label=_("Change notices per month"), min_value=0, max_value=100000, initial=200
    )
    minutes_new_application = forms.DecimalField(
        label=_("Minutes per new application"), min_value=0, max_value=6000, initial=120
    )
    minutes_renewal = forms.DecimalField(
        label=_("Minutes per renewal"), min_value=0, max_value=6000, initial=75
    )
    minutes_change = forms.DecimalField(
        label=_("Minutes per change notice"), min_value=0, max_value=6000, initial=30
    )
    hours_per_staff_month = forms.DecimalField(
        label=_("Productive hours of one full-time post per month"),
        min_value=1,
        max_value=300,
        initial=110,
    )

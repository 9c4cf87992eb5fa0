"""The writes of the lottery: lotteries and applications (`applications`), and the real draw
run that books the winners (`draw_run`; the draw itself is the pure `pure_draw`), and
the erasure after the draw (`retention`)."""

from .applications import (
    ApplicationRequest,
    LotteryError,
    application_confirm_email,
    application_mail,
    application_submit,
    application_withdraw,
    lottery_get_or_create,
    lottery_mark,
    lottery_schedule,
    lottery_unmark,
)
from .draw_run import lotteries_draw_due, lottery_draw
from .retention import (
    application_personal_data_erase,
    application_withdraw_and_erase,
    applications_erase_due,
)

__all__ = [
    "ApplicationRequest",
    "LotteryError",
    "application_confirm_email",
    "application_mail",
    "application_personal_data_erase",
    "application_submit",
    "application_withdraw",
    "application_withdraw_and_erase",
    "applications_erase_due",
    "lotteries_draw_due",
    "lottery_draw",
    "lottery_get_or_create",
    "lottery_mark",
    "lottery_schedule",
    "lottery_unmark",
]

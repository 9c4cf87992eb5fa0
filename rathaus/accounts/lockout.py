"""Login lockout: per account *and* client address, with generous ceilings (django-axes handler).

django-axes compares one count with one limit. Three counts matter here, each in the cool-off
window (`AXES_COOLOFF_TIME`):

- one account from one client address: `AXES_FAILURE_LIMIT` (5) locks that pair only, so a
  stranger who knows a staff member's user name locks out nobody but himself;
- one account from all addresses: `RATHAUS_LOGIN_ACCOUNT_CEILING` (50), against guessing
  spread over many addresses;
- one address over all accounts: `RATHAUS_LOGIN_ADDRESS_CEILING` (20), against trying one
  password on many accounts — high enough that colleagues behind the town hall's one address
  do not lock each other out.

Failures while locked are not counted (`AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT=False`),
so one address adds at most five to an account's ceiling. The client address is the rate
limits' (`rathaus.protection.services.client_address`). When an account is locked, its holder
is told by e-mail (once per cool-off window).
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum

from .services import login_failures_reset, login_lockout_notify


def _ceiling(parameter, limit: int) -> int:
    keys = {parameter} if isinstance(parameter, str) else set(parameter)
    if keys == {"username"}:
        return max(settings.RATHAUS_LOGIN_ACCOUNT_CEILING, 1)
    if keys == {"ip_address"}:
        return max(settings.RATHAUS_LOGIN_ADDRESS_CEILING, 1)
    return limit


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The fullest count, scaled to `AXES_FAILURE_LIMIT`: it reaches the limit exactly
        when one of the counts reaches its own ceiling."""
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        fullest = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            fullest = max(fullest, count * limit // _ceiling(parameter, limit))
        return fullest

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a successful login only this account's failures from this address go."""
        return login_failures_reset(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        already_locked = getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not already_locked and request.axes_locked_out:
            username = get_client_username(request, credentials)
            if username:
                login_lockout_notify(username=username)

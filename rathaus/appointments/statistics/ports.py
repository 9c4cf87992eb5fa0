"""The port through which the same-day draw tells the statistics its demand.

The statistics count what they can see themselves: appointments of the channel `same_day`
(served demand). How many citizens *asked* in the request window is known only to the draw
(`rathaus.appointments.sameday`, built separately). It registers a provider once, in its
`AppConfig.ready()`::

    from rathaus.appointments.statistics.ports import same_day_demand_register

    def requests_per_day(location_ids, first, last):
        # {(location_id, day): number of requests in that day's window}
        ...

    same_day_demand_register(requests_per_day)

Without a provider the page says that the demand is not counted, and shows served against
supply only. The statistics never import the draw, so either can ship without the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

# (location ids, first day, last day) -> {(location id, day): requests}
DemandProvider = Callable[[Sequence[int], date, date], Mapping[tuple[int, date], int]]

_providers: list[DemandProvider] = []


def same_day_demand_register(provider: DemandProvider) -> None:
    """Register (once; again is harmless) a count of same-day requests per location and day."""
    if provider not in _providers:
        _providers.append(provider)


def same_day_demand_unregister(provider: DemandProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def same_day_demand(
    location_ids: Sequence[int], first: date, last: date
) -> dict[tuple[int, date], int] | None:
    """Requests per (location, day) summed over every provider, or None without one."""
    if not _providers:
        return None
    total: dict[tuple[int, date], int] = {}
    for provider in _providers:
        for key, count in provider(location_ids, first, last).items():
            total[key] = total.get(key, 0) + int(count)
    return total

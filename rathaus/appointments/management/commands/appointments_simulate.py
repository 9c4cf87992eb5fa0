"""Write a simulated year of appointments for the statistics (see
rathaus/appointments/statistics/services.py for how they are made and why they never overlap)."""

from time import perf_counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rathaus.appointments.statistics.selectors import statistics_locations
from rathaus.appointments.statistics.services import appointments_simulate


class Command(BaseCommand):
    help = "Write a simulated year of Bürgerbüro appointments (bulk, non-overlapping)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--count", type=int, default=45000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--replace", action="store_true", help="delete this year's simulated ones first"
        )

    def handle(self, *args, year, count, seed, replace, **options):
        if not statistics_locations():
            raise CommandError("No citizen-office locations: run `manage.py appointments_load`.")
        began = perf_counter()
        try:
            result = appointments_simulate(
                year=year, count=count, seed=seed, now=timezone.now(), replace=replace
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{year}: {result.appointments} appointments ({result.cancelled} cancelled, "
            f"{result.no_shows} no-shows), {result.persons} persons, {result.requests} "
            f"services, in {perf_counter() - began:.1f} s "
            f"(counters open {result.free_minutes // 60} hours)."
        )
        if result.appointments < count:
            self.stdout.write(f"Only {result.appointments} fitted the counters' free time.")

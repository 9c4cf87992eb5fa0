"""Run the suite (without browser and PostgreSQL tests) again with the clock moved.

    python scripts/test_clocks.py [CLOCK ...] [-- pytest arguments]

Each CLOCK is a value of RATHAUS_TEST_CLOCK (an ISO instant, a date, or "+200d"); without any,
the calendar's worst days are taken (docs/decisions/0008-tests-and-time.md). Two passes run
at a time; each prints its clock and pytest's summary, a failing one its whole report.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

WORST_DAYS = [
    "2027-03-28T01:30+01:00",  # half an hour before the spring DST switch
    "2027-10-31T02:30+02:00",  # in the repeated hour of the autumn switch
    "2026-12-23T12:00+01:00",  # the Christmas closure
    "2028-02-29T09:00+01:00",  # a leap day
    "2026-12-31T23:30+01:00",  # New Year's Eve, half an hour before midnight
    "+200d",  # months ahead of today
]


def run(clock: str, arguments: list[str]) -> tuple[str, int, str, str]:
    env = {
        **os.environ,
        "RATHAUS_TEST_CLOCK": clock,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    env.pop("TEST_DATABASE_URL", None)
    command = [sys.executable, "-m", "pytest", "-m", "not postgres and not browser", "-q"]
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [*command, "-p", "no:randomly", *arguments], env=env, capture_output=True, text=True
    )
    # pytest's summary is the last line of its standard output; what servers that tests start
    # print to standard error (a killed subprocess's traceback) follows it only in the report
    return clock, done.returncode, done.stdout + done.stderr, done.stdout


def main() -> int:
    arguments = sys.argv[1:]
    extra: list[str] = []
    if "--" in arguments:
        cut = arguments.index("--")
        arguments, extra = arguments[:cut], arguments[cut + 1 :]
    clocks = arguments or WORST_DAYS
    failed = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for clock, code, output, summary in pool.map(lambda c: run(c, extra), clocks):
            lines = summary.rstrip().splitlines()
            print(f"[clock {clock}] {lines[-1] if lines else '(no output)'}", flush=True)
            if code != 0:
                failed += 1
                print(output, flush=True)
    print(f"clocks: {len(clocks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

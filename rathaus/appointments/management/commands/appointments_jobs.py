"""The former name of `manage.py jobs`, kept for cron lines written before the platform had
one job loop: it runs every registered job, the citizen office's among them."""

from __future__ import annotations

from rathaus.core.management.commands.jobs import Command as JobsCommand


class Command(JobsCommand):
    help = "Same as `manage.py jobs` (every scheduled job of the platform)."

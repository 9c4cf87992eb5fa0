"""Bench-only settings: the production settings plus one bare JSON view (`bench/urls_bench.py`)
that the rush benchmark compares the slots API against. Used by bench/*.py only."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench"

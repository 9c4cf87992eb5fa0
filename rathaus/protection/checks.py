"""System checks: limits parse, PoW parameters are sane, and production does not run unprotected."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .conf import RULE_NAMES, rule


@checks.register()
def settings_check(app_configs, **kwargs):
    errors = []
    for name in RULE_NAMES:
        try:
            rule(name)
        except ImproperlyConfigured as error:
            errors.append(checks.Error(f"RATHAUS_RATE_LIMIT_{name}: {error}", id="protection.E001"))
    if settings.RATHAUS_ALTCHA_COST < 1 or settings.RATHAUS_ALTCHA_MAX_COUNTER < 2:
        errors.append(
            checks.Error(
                "RATHAUS_ALTCHA_COST must be at least 1 and RATHAUS_ALTCHA_MAX_COUNTER at least 2.",
                id="protection.E002",
            )
        )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def deploy_check(app_configs, **kwargs):
    warnings = []
    for name in ("RATHAUS_BOT_PROTECTION", "RATHAUS_RATE_LIMITS"):
        if not getattr(settings, name):
            warnings.append(
                checks.Warning(f"{name} is off: only meant for load tests.", id="protection.W001")
            )
    return warnings

from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rathaus.accounts"
    label = "accounts"

    def ready(self):
        # system checks; sessions end on deactivation; the privacy requests' audit sentences
        from . import audit_events, checks, signals  # noqa: F401
        from .staff_domains import staff_domain_add_privacy

        staff_domain_add_privacy()

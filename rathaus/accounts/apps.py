from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rathaus.accounts"
    label = "accounts"

    def ready(self):
        from . import checks, signals  # noqa: F401 - system checks; sessions end on deactivation

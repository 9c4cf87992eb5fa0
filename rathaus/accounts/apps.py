from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rathaus.accounts"
    label = "accounts"

    def ready(self):
        from . import signals  # noqa: F401 - sessions end when an account is deactivated

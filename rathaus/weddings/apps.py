from django.apps import AppConfig


class WeddingsConfig(AppConfig):
    name = "rathaus.weddings"
    label = "weddings"

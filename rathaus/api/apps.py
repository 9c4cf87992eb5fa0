from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rathaus.api"
    label = "api"

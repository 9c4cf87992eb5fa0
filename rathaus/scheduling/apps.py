from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "rathaus.scheduling"
    label = "scheduling"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rathaus.audit"
    label = "audit"

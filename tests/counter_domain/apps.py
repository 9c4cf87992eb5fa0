from django.apps import AppConfig


class CounterDomainConfig(AppConfig):
    name = "tests.counter_domain"
    label = "counter_domain"

    def ready(self) -> None:
        from rathaus.scheduling.kinds import resource_kind_register

        from .services import KIND_COUNTER

        resource_kind_register(KIND_COUNTER, "Counter")

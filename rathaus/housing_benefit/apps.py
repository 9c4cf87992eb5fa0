from django.apps import AppConfig


class HousingBenefitConfig(AppConfig):
    name = "rathaus.housing_benefit"
    label = "housing_benefit"

    def ready(self):
        from .staff_domain import staff_domain_add

        staff_domain_add()

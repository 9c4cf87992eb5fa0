from django.apps import AppConfig


class HousingBenefitConfig(AppConfig):
    name = "rathaus.housing_benefit"
    label = "housing_benefit"

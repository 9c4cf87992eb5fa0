"""Staff roles are Django groups; their names are the contract with access gates."""

from django.utils.translation import gettext_lazy as _

REGISTRY_OFFICE = "registry_office"
REGISTRAR = "registrar"
VENUE_OPERATOR = "venue_operator"
CITIZEN_OFFICE_ADMIN = "citizen_office_admin"
HOUSING_BENEFIT_STAFF = "housing_benefit_staff"
PARKING_OFFICE = "parking_office"
TRAFFIC_ENFORCEMENT = "traffic_enforcement"
DATA_PROTECTION_OFFICER = "data_protection_officer"

ROLE_LABELS = {
    REGISTRY_OFFICE: _("Registry office staff"),
    REGISTRAR: _("Registrar"),
    VENUE_OPERATOR: _("Venue operator"),
    CITIZEN_OFFICE_ADMIN: _("Citizen-office administrator"),
    HOUSING_BENEFIT_STAFF: _("Housing-benefit office staff"),
    PARKING_OFFICE: _("Parking-permit office staff"),
    TRAFFIC_ENFORCEMENT: _("Traffic enforcement officer"),
    DATA_PROTECTION_OFFICER: _("Data-protection officer"),
}

import pytest

from rathaus.parking_permits import privacy
from rathaus.parking_permits.models import Application

from . import factories as f

pytestmark = pytest.mark.django_db


def test_export_and_erase_one_person_while_another_stays():
    f.submit()
    f.submit(given="Max", family="Other", email="max@example.org", plate="BOT-MO 1")
    sections = privacy.personal_data_for_email("ERIKA@example.org")
    assert len(sections) == 1 and len(sections[0].records) == 1
    erasure = privacy.personal_data_erase_for_email("erika@example.org", actor=None, now=f.NOW)
    assert erasure.erased == 1 and erasure.retained
    assert privacy.personal_data_for_email("erika@example.org") == []
    again = privacy.personal_data_erase_for_email("erika@example.org", actor=None, now=f.NOW)
    assert again.erased == 0
    assert Application.objects.get(email="max@example.org").family_name == "Other"

from datetime import timedelta

import pytest

from rathaus.parking_permits.constants import DocumentKind, Status
from rathaus.parking_permits.services.applications import application_refuse
from rathaus.parking_permits.services.retention import retention_run
from rathaus.parking_permits.uploads import upload_clean

from . import factories as f

pytestmark = pytest.mark.django_db


def test_uploads_of_decided_cases_and_old_refusals_are_deleted():
    proof = upload_clean(b"%PDF-1.4\n%%EOF\n")
    application = f.submit(documents=[(DocumentKind.REGISTRATION, proof)])
    application_refuse(application=application, actor=None, explanation="", now=f.NOW)
    assert retention_run(now=f.NOW + timedelta(days=1))["documents"] == 0
    done = retention_run(now=f.NOW + timedelta(days=31))
    assert done["documents"] == 1
    application.refresh_from_db()
    assert application.status == Status.REFUSED and application.documents.count() == 0

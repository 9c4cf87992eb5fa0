from io import StringIO

import pytest
from django.core.management import call_command

from rathaus.parking_permits import selectors
from rathaus.parking_permits.constants import Status

from . import factories as f

pytestmark = pytest.mark.django_db


def test_demo_registers_lead_to_an_automatic_approval():
    call_command("parking_demo", "--force", stdout=StringIO())
    application = f.submit(given="Erika", family="Mustermann", plate="BOT-EM 42")
    assert application.status == Status.APPROVED and application.automatic


def test_keys_are_created_and_rotated_and_old_ones_stay_published():
    out = StringIO()
    call_command("parking_keys", stdout=out)
    call_command("parking_keys", "--rotate", stdout=out)
    keys = selectors.signing_keys_public()
    assert len(keys) == 2 and [k.active for k in keys] == [False, True]
    call_command("parking_retention", stdout=out)


def test_a_statement_file_is_imported_from_the_command_line(tmp_path):
    from .camt_sample import entry, statement

    f.resident()
    f.vehicle()
    application = f.submit()
    path = tmp_path / "auszug.xml"
    path.write_bytes(statement([entry(application.amount, application.remittance, ref="C1")]))
    out = StringIO()
    call_command("parking_import_statement", str(path), stdout=out)
    assert "1 of 1 entries matched" in out.getvalue()
    application.refresh_from_db()
    assert application.status == Status.ISSUED

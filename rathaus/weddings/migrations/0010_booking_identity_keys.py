"""The per-couple limit is counted by the scheduling core now: copy every reservation's
normalised address and couple into its booking's identity keys (weddings.identity)."""

from django.db import migrations

COPY = """
INSERT INTO scheduling_bookingidentity (booking_id, key)
SELECT DISTINCT booking_id, key FROM (
    SELECT booking_id, 'wedding-email:' || email_key AS key FROM weddings_reservation
    WHERE booking_id IS NOT NULL AND email_key <> ''
    UNION
    SELECT booking_id, 'wedding-couple:' || couple_key AS key FROM weddings_reservation
    WHERE booking_id IS NOT NULL AND couple_key <> ''
) AS keys
"""

FORGET = """
DELETE FROM scheduling_bookingidentity
WHERE key LIKE 'wedding-email:%' OR key LIKE 'wedding-couple:%'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("weddings", "0009_venue_agreement_reason"),
        ("scheduling", "0005_general_core"),
    ]

    operations = [migrations.RunSQL(COPY, FORGET)]

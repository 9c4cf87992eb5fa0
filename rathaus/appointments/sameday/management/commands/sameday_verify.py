from typing import Any

from rathaus.appointments.sameday.pure_draw import document_verify
from rathaus.core.management.draw_verify import DrawVerifyCommand


class Command(DrawVerifyCommand):
    help = (
        "Verify a downloaded same-day result (ergebnis.json) from the document alone: the seed "
        "against the commitment (and the one you received before the window opened), the "
        "order, the urgent quota, where refusals happened, and every allocated time. Exit "
        "code 1 on any problem."
    )
    commitment_help = "the commitment (SHA-256 of the seed) from the page, received before the draw"

    def verify(self, document: dict[str, Any], commitment: str | None) -> list[str]:
        return document_verify(document, commitment=commitment)

    def summary(self, document: dict[str, Any]) -> str:
        won = sum(1 for placement in document["allocation"].values() if placement)
        return (
            f"{document['location']} {document['day']}, {len(document['order'])} requests, "
            f"{won} appointments, {len(document['refused'])} refused by the limits"
        )

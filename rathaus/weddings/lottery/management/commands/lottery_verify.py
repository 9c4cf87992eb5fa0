from typing import Any

from rathaus.core.management.draw_verify import DrawVerifyCommand
from rathaus.weddings.lottery.pure_draw import document_verify


class Command(DrawVerifyCommand):
    help = (
        "Verify a downloaded lottery result (ergebnis.json) from the document alone: the seed "
        "against the commitment (and the one you received before the draw), the order, every "
        "refusal against the registrars on duty, and the allocation. Exit code 1 on any problem."
    )
    commitment_help = (
        "the commitment (SHA-256 of the seed) from the lottery page or your e-mail, "
        "received before the draw"
    )

    def verify(self, document: dict[str, Any], commitment: str | None) -> list[str]:
        return document_verify(document, commitment=commitment)

    def summary(self, document: dict[str, Any]) -> str:
        won = sum(1 for slot in document["allocation"].values() if slot)
        return (
            f"{document['day']}, {len(document['order'])} applications, {won} drawn, "
            f"{len(document['refused'])} refusals explained by the registrars on duty"
        )

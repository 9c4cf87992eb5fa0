"""Reading a bank's CAMT.053 account statement (ISO 20022, versions .001.02 to .001.08).

Only what the matching needs is read: credit entries with amount, booking date, the bank's
reference, the payer's name and the unstructured remittance lines. Namespaces differ between
versions and banks, so elements are found by their local names. The parser resolves no
entities and loads nothing from the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

MAX_BYTES = 50 * 1024 * 1024


class StatementInvalid(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    amount: Decimal
    currency: str
    booked_on: date
    bank_reference: str
    debtor: str
    remittance: str
    credit: bool


class _Reader:
    """Paths in the statement's own namespace (versions and banks differ), found by lxml in C."""

    def __init__(self, namespace: str) -> None:
        self.prefix = f"{{{namespace}}}" if namespace else ""

    def path(self, *names: str) -> str:
        return "/".join(self.prefix + name for name in names)

    def text(self, element: etree._Element, *names: str) -> str:
        return str(element.findtext(self.path(*names)) or "").strip()

    def all_text(self, element: etree._Element, name: str) -> list[str]:
        return [str(e.text or "").strip() for e in element.iterfind(".//" + self.path(name))]

    def entry(self, ntry: etree._Element) -> Entry:
        amount_element = ntry.find(self.path("Amt"))
        try:
            amount = Decimal(self.text(ntry, "Amt"))
        except InvalidOperation as error:
            raise StatementInvalid("an entry has no readable amount") from error
        booked = self.text(ntry, "BookgDt", "Dt") or self.text(ntry, "BookgDt", "DtTm")[:10]
        try:
            booked_on = date.fromisoformat(booked)
        except ValueError as error:
            raise StatementInvalid("an entry has no readable booking date") from error
        lines = self.all_text(ntry, "Ustrd")
        lines += [
            str(e.text or "").strip() for e in ntry.iterfind(".//" + self.path("CdtrRefInf", "Ref"))
        ]
        debtor = ""
        for party in ntry.iterfind(".//" + self.path("Dbtr")):
            debtor = self.text(party, "Nm") or self.text(party, "Pty", "Nm")
            break
        reference = self.text(ntry, "AcctSvcrRef") or next(
            iter(self.all_text(ntry, "AcctSvcrRef")), ""
        )
        return Entry(
            amount=amount,
            currency=amount_element.get("Ccy", "EUR") if amount_element is not None else "EUR",
            booked_on=booked_on,
            bank_reference=reference,
            debtor=debtor[:140],
            remittance=" ".join(line for line in lines if line)[:300],
            credit=self.text(ntry, "CdtDbtInd") == "CRDT" and self.text(ntry, "RvslInd") != "true",
        )


def statement_parse(content: bytes) -> list[Entry]:
    """Every entry of the statement(s) in the file, or StatementInvalid."""
    if len(content) > MAX_BYTES:
        raise StatementInvalid("the file is too large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise StatementInvalid("the file is not XML") from error
    tag = root.tag if isinstance(root.tag, str) else ""
    namespace = tag[1:].split("}")[0] if tag.startswith("{") else ""
    reader = _Reader(namespace)
    if root.find(reader.path("BkToCstmrStmt")) is None:
        raise StatementInvalid("the file is not a CAMT.053 statement")
    return [reader.entry(ntry) for ntry in root.iterfind(".//" + reader.path("Ntry"))]

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


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _child(element: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c) == name), None)
    return element


def _text(element: etree._Element | None, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _descendants(element: etree._Element, name: str) -> list[etree._Element]:
    return [e for e in element.iter() if isinstance(e.tag, str) and _local(e) == name]


def _entry(ntry: etree._Element) -> Entry:
    amount_element = _child(ntry, "Amt")
    try:
        amount = Decimal(_text(ntry, "Amt"))
    except InvalidOperation as error:
        raise StatementInvalid("an entry has no readable amount") from error
    booked = _text(ntry, "BookgDt", "Dt") or _text(ntry, "BookgDt", "DtTm")[:10]
    try:
        booked_on = date.fromisoformat(booked)
    except ValueError as error:
        raise StatementInvalid("an entry has no readable booking date") from error
    lines = [(e.text or "").strip() for e in _descendants(ntry, "Ustrd")]
    lines += [
        (e.text or "").strip()
        for e in _descendants(ntry, "Ref")
        if _local(e.getparent()) == "CdtrRefInf"
    ]
    debtors = _descendants(ntry, "Dbtr")
    debtor = ""
    if debtors:
        debtor = _text(debtors[0], "Nm") or _text(debtors[0], "Pty", "Nm")
    reference = _text(ntry, "AcctSvcrRef") or next(
        ((e.text or "").strip() for e in _descendants(ntry, "AcctSvcrRef")), ""
    )
    return Entry(
        amount=amount,
        currency=amount_element.get("Ccy", "EUR") if amount_element is not None else "EUR",
        booked_on=booked_on,
        bank_reference=reference,
        debtor=debtor[:140],
        remittance=" ".join(line for line in lines if line)[:300],
        credit=_text(ntry, "CdtDbtInd") == "CRDT" and _text(ntry, "RvslInd") != "true",
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
    if not _descendants(root, "BkToCstmrStmt"):
        raise StatementInvalid("the file is not a CAMT.053 statement")
    return [_entry(ntry) for ntry in _descendants(root, "Ntry")]

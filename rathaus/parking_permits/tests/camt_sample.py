"""A CAMT.053 statement built for tests and the benchmark."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2027-03-11T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
"""
TAIL = "</Stmt></BkToCstmrStmt></Document>\n"


def entry(
    amount: Decimal, remittance: str, *, ref: str, credit: bool = True, debtor: str = "Erika Muster"
) -> str:
    side = "CRDT" if credit else "DBIT"
    return f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd>
<Sts>BOOK</Sts><BookgDt><Dt>2027-03-11</Dt></BookgDt><ValDt><Dt>2027-03-11</Dt></ValDt>
<AcctSvcrRef>{ref}</AcctSvcrRef><BkTxCd/><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>{escape(debtor)}</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>{escape(remittance)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
"""


def statement(entries: list[str]) -> bytes:
    return (HEAD + "".join(entries) + TAIL).encode()

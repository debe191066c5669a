"""Builds small camt.053.001.02 statements for import tests."""

from __future__ import annotations

from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><GrpHdr><MsgId>{msg}</MsgId><CreDtTm>2026-11-20T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{msg}</Id><CreDtTm>2026-11-20T10:00:00</CreDtTm>
<Acct><Id><IBAN>{account}</IBAN></Id></Acct>
"""
ENTRY = """<Ntry><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><AcctSvcrRef>{bank_ref}</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
<RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr><DbtrAcct><Id><IBAN>{payer_iban}</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
"""
TAIL = "</Stmt></BkToCstmrStmt></Document>\n"


OWN_IBAN = "DE89370400440532013000"  # settings.BANK_IBAN, the default own account


def camt(entries: list[dict[str, str]], msg: str = "STMT-1", account: str = OWN_IBAN) -> bytes:
    body = "".join(
        ENTRY.format(
            amount=e["amount"],
            currency=e.get("currency", "EUR"),
            direction=e.get("direction", "CRDT"),
            day=e.get("day", "2026-11-20"),
            bank_ref=escape(e.get("bank_ref", e["amount"] + e.get("text", "")[:10])),
            payer=escape(e.get("payer", "Ivan Donorov")),
            payer_iban=e.get("payer_iban", "LT121000011101001000"),
            text=escape(e.get("text", "")),
        )
        for e in entries
    )
    return (HEAD.format(msg=msg, account=account) + body + TAIL).encode()

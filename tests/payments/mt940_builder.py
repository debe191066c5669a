"""Builds small German-style MT940 statements for import tests (the same movements a
camt_builder statement holds, written the MT940 way)."""

from __future__ import annotations

from tests.payments.camt_builder import OWN_IBAN


def mt940(entries: list[dict[str, str]], account: str = OWN_IBAN, ref: str = "MT940-1") -> bytes:
    """One statement; each entry: amount ("40.00"), day (ISO), text, payer, payer_iban, bank_ref."""
    lines = [f":20:{ref}", f":25:{account}", ":28C:1/1", ":60F:C261101EUR0,00"]
    total = 0
    for e in entries:
        day = e.get("day", "2026-11-20")
        yymmdd = day[2:4] + day[5:7] + day[8:10]
        amount = e["amount"].replace(".", ",")
        total += int(e["amount"].replace(".", ""))
        lines.append(f":61:{yymmdd}{yymmdd[2:]}C{amount}NTRFNONREF//{e.get('bank_ref', 'NONREF')}")
        text = e.get("text", "")
        pieces = [text[i : i + 27] for i in range(0, len(text), 27)] or [""]
        detail = "166?00GUTSCHRIFT" + "".join(f"?2{i}{p}" for i, p in enumerate(pieces))
        detail += f"?31{e.get('payer_iban', 'LT121000011101001000')}?32{e.get('payer', 'Ivan Donorov')}"
        lines.append(f":86:{detail}")
    last = entries[-1].get("day", "2026-11-20") if entries else "2026-11-20"
    lines.append(f":62F:C{last[2:4]}{last[5:7]}{last[8:10]}EUR{total // 100},{total % 100:02d}")
    return ("\r\n".join(lines) + "\r\n-\r\n").encode("latin-1")

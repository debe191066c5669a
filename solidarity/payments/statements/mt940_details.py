"""The information-to-account-owner field of MT940 (`:86:`, or `:NS:`), read per dialect.

The field is free-form; banks fill it in four ways, told apart by its first line:

* German GVC: "166?00GUTSCHRIFT?20...": `?NN` subfields (Triodos uses `>NN`). `?20`-`?29`
  and `?60`-`?63` are the remittance, cut into 27-character pieces without regard to
  words, so a full piece runs on into the next. SEPA keywords inside them (`EREF+`,
  `SVWZ+`...) label the parts; identifiers end where a piece is short, free text runs on.
  `?32`/`?33` name, `?31` account, `?38` IBAN.
* Keyword ("/EREF/.../REMI/USTD//...", Dutch ING and Rabobank): values between known
  `/KEY/` markers; line breaks are transport only and are removed.
* `:NS:` lines "NNtext" (non-SWIFT, Sberbank): every value joined.
* Anything else is plain text.

Line wraps: banks break the field every 65 characters, mid-word, and some strip trailing
spaces on the way. A line of 65 or more characters therefore runs straight on, one of 64
most likely lost a space, and a shorter one ended where the writer wanted: a space,
except in subfield formats, where line breaks never carry meaning.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .text import clean_account, clean_reference, clean_text, join_texts, looks_like_iban

_WIDTH = 65
_GVC = re.compile(r"^\s?\d{3}([?>])\d{2}")
_PIECE = 27
_SEPA_KEYWORD = re.compile(r"(?<![A-Za-z0-9])(EREF|KREF|MREF|CRED|DEBT|COAM|OAMT|SVWZ|ABWA|ABWE|IBAN|BIC)\+")
_KEYWORD_START = re.compile(r"^/(EREF|PREF|MARF|CSID|CNTP|REMI|RTRN|ORDP|BENM|ULTC|ULTD|PURP|BUSP|ISDT)/")
_KEYS = (
    *("EREF", "PREF", "MARF", "CSID", "CNTP", "REMI", "RTRN", "ORDP", "BENM", "ULTC", "ULTD", "ULTB"),
    *("PURP", "BUSP", "ISDT", "NAME", "ADDR", "IBAN", "BIC", "ACCW", "SUM", "TRCD", "CDTRREFTP"),
    *("CDTRREF", "ISSR", "CD", "OCMT", "CHGS", "EXCH", "SVCL"),
)
_KEY = re.compile(r"/(" + "|".join(sorted(_KEYS, key=len, reverse=True)) + r")/")
_PARTIES = {"ORDP", "BENM"}
_NS_LINE = re.compile(r"^\d{2}")
_LEADING_IBAN = re.compile(r"^([A-Z]{2}\d{2}[A-Z0-9]{10,30})\s+(\S.*)$")
_REK_NAAM = re.compile(r"REK:\s*([A-Z0-9 ]+?)\s*/\s*NAAM:\s*(.+?)\s*$")


@dataclass(frozen=True, slots=True)
class Details:
    remittance: str = ""
    payer_name: str = ""
    payer_account: str = ""
    end_to_end_id: str = ""
    structured_reference: str = ""


def interpret(lines: list[str], tag: str) -> Details:
    """Read one `:86:` or `:NS:` field, given as its physical lines (first without the tag)."""
    if not any(line.strip() for line in lines):
        return Details()
    if tag == "NS" and all(_NS_LINE.match(line) for line in lines if line.strip()):
        return _non_swift(lines)
    if _GVC.match(lines[0]):
        return _gvc(lines)
    if _KEYWORD_START.match(lines[0]):
        return _keywords("".join(lines))
    return _plain(lines)


def unwrap(lines: list[str], *, subfields: bool) -> str:
    """Join physical lines back into the text the bank wrapped (see the module doc)."""
    text = lines[0]
    for previous, line in itertools.pairwise(lines):
        width = len(previous)
        if width >= _WIDTH:
            separator = ""
        elif width == _WIDTH - 1:
            separator = " "
        elif subfields:
            # "...Firma" / "Mustermann" reads as two words; "Oktob" / "er" as one.
            separator = " " if previous[-1:].islower() and line[:1].isupper() else ""
        else:
            separator = " "
        text += separator + line
    return text


def _gvc(lines: list[str]) -> Details:
    text = unwrap(lines, subfields=True).lstrip()
    separator = re.escape(text[3])
    parts = re.split(rf"{separator}(\d{{2}})", text)
    fields = [(int(parts[i]), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
    values: dict[int, list[str]] = {}
    for code, value in fields:
        values.setdefault(code, []).append(value)

    chain = [value for code, value in fields if 20 <= code <= 29 or 60 <= code <= 63]
    keywords, free = _sepa_keywords(_pieces(chain))
    name = " ".join(_pieces(values.get(32, []) + values.get(33, [])))
    account = (values.get(38) or values.get(31) or keywords.get("IBAN") or [""])[0]
    # Without any purpose text, the bank's posting text ("SEPA-UEBERW/STORNO") says what it was.
    return Details(
        remittance=join_texts(free) or clean_text(" ".join(values.get(0, []))),
        payer_name=clean_text(name) or clean_text(" ".join(keywords.get("ABWA", []))),
        payer_account=clean_account("".join(account.split())),
        end_to_end_id=clean_reference(" ".join(keywords.get("EREF", []))),
    )


def _pieces(values: list[str]) -> list[str]:
    """Join 27-character pieces that run on; a short piece ends a chunk."""
    chunks: list[str] = []
    previous_full = False
    for value in values:
        if chunks and previous_full:
            chunks[-1] += value
        else:
            chunks.append(value)
        previous_full = len(value) >= _PIECE
    return chunks


def _sepa_keywords(chunks: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Values by SEPA keyword, and the remittance parts (SVWZ+ and unlabelled text) in order.

    A keyword's value ends at the next keyword or with its chunk, so an identifier
    (EREF+) never swallows the text after it; text that opens a chunk is remittance,
    whether it continues SVWZ+ or stands alone.
    """
    keywords: dict[str, list[str]] = {}
    free: list[str] = []
    for chunk in chunks:
        pieces = _SEPA_KEYWORD.split(chunk)
        if pieces[0].strip():
            free.append(pieces[0])
        for keyword, value in zip(pieces[1::2], pieces[2::2], strict=True):
            keywords.setdefault(keyword, []).append(value)
            if keyword == "SVWZ":
                free.append(value)
    return keywords, free


def _keywords(text: str) -> Details:
    matches = list(_KEY.finditer(text))
    remittance: list[str] = [text[: matches[0].start()]] if matches else [text]
    reference = end_to_end = name = account = ""
    party: str | None = None
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        key = match[1]
        value = text[match.end() : following.start() if following else len(text)]
        if key == "EREF":
            end_to_end = value.rstrip("/")
        elif key == "CNTP":
            cntp = value.split("/")
            account = account or cntp[0]
            name = name or (cntp[2] if len(cntp) > 2 else "")
        elif key in _PARTIES:
            party = key
        elif key in {"ULTC", "ULTD", "ULTB"}:
            party = None
        elif key == "NAME" and party:
            name = name or value.rstrip("/")
        elif key == "REMI":
            text_part, ref = _remi(value)
            remittance.append(text_part)
            reference = reference or ref
        elif key == "CDTRREF":
            reference = reference or value.strip("/")
    return Details(
        remittance=join_texts(remittance),
        payer_name=clean_text(name),
        payer_account=clean_account(account),
        end_to_end_id=clean_reference(end_to_end),
        structured_reference="".join(reference.split()),
    )


def _remi(value: str) -> tuple[str, str]:
    """ING: "USTD//free text/" or "STRD/CUR/1234567890123456/"; Rabobank: free text."""
    if value.startswith("USTD/"):
        return value[5:].lstrip("/").rstrip("/"), ""
    if value.startswith("STRD/"):
        parts = [p for p in value[5:].split("/") if p.strip()]
        return "", parts[-1] if parts else ""
    return value.rstrip("/"), ""


def _non_swift(lines: list[str]) -> Details:
    return Details(remittance=clean_text(" ".join(line[2:] for line in lines if line.strip())))


def _plain(lines: list[str]) -> Details:
    name = account = ""
    first = _LEADING_IBAN.match(lines[0].strip())
    if first:  # ASN Bank: "NL47INGB9999999999 hr gjlm paulissen"
        account, name = first[1], first[2]
    for line in lines:
        rek = _REK_NAAM.search(line)  # Knab: "REK: NL65INGB0123456789/NAAM: PICQER"
        if rek and looks_like_iban(rek[1]):
            account, name = rek[1], rek[2]
    return Details(
        remittance=clean_text(unwrap(lines, subfields=False)),
        payer_name=clean_text(name),
        payer_account=clean_account(account),
    )

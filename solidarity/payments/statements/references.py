"""ISO 11649 (RF) creditor references as they appear in statement text.

Donors are asked to quote an RF reference, but they type it into free text: in groups
of four, split over two remittance lines, in lower case, buried in a sentence, or
without the "RF". Parsers keep that text intact; these helpers find the references in
it. They only check the ISO 7064 mod 97-10 check digits, so a hit is a candidate that
matching must still compare with the references the platform issued.
"""

from __future__ import annotations

import re
import string

_ALNUM = string.digits + string.ascii_uppercase
_RF = re.compile(r"^RF\d{2}[0-9A-Z]{1,21}$")
_BODY = re.compile(r"^[0-9A-Z]{1,21}$")
_WORDS = re.compile(r"[0-9A-Za-z]+")
# A reference is at most 25 characters; donors write it in groups of at least two.
_MAX_LEN = 25
_MAX_WORDS = 13


def _mod97(text: str) -> int:
    digits = "".join(str(_ALNUM.index(ch)) for ch in text)
    return int(digits) % 97


def rf_check_digits(body: str) -> str:
    """The two check digits for a reference body (1 to 21 letters or digits)."""
    body = body.upper()
    if not _BODY.match(body):
        raise ValueError(f"Not an ISO 11649 reference body: {body!r}.")
    return f"{98 - _mod97(body + 'RF00'):02d}"


def make_rf(body: str) -> str:
    """Build the electronic form "RF" + check digits + body."""
    return f"RF{rf_check_digits(body)}{body.upper()}"


def normalise_rf(value: str) -> str:
    """Upper case, without spaces or hyphens: the electronic form."""
    return re.sub(r"[\s\-]", "", value).upper()


def is_valid_rf(value: str) -> bool:
    """True for a well-formed RF reference with correct check digits (any spacing or case)."""
    ref = normalise_rf(value)
    return bool(_RF.match(ref)) and _mod97(ref[4:] + ref[:4]) == 1


def normalise_structured_reference(value: str) -> str:
    """A structured creditor reference without whitespace; RF references upper-cased."""
    ref = "".join(value.split())
    if ref[:2].upper() == "RF" and is_valid_rf(ref):
        return ref.upper()
    return ref


def find_rf_references(text: str, *, accept_missing_prefix: bool = False) -> list[str]:
    """Every valid RF reference in `text`, in order of appearance, without duplicates.

    Words (runs of letters and digits) are joined across spaces, line breaks and
    punctuation, so "rf18 5390 0754 7034" and "RF18-5390-0754-7034" are found. With
    `accept_missing_prefix`, digit groups such as "18 5390 0754 7034" are tried with
    "RF" in front; that yields more false candidates (about 1 in 97 per number).
    """
    words = [w.upper() for w in _WORDS.findall(text)]
    found: list[str] = []
    for start in range(len(words)):
        candidate = ""
        for word in words[start : start + _MAX_WORDS]:
            candidate += word
            if len(candidate) > _MAX_LEN:
                break
            ref = candidate
            if not ref.startswith("RF"):
                if not (accept_missing_prefix and ref[:2].isdigit() and len(ref) >= 6):
                    continue
                ref = "RF" + ref
            if is_valid_rf(ref) and ref not in found:
                found.append(ref)
    return found

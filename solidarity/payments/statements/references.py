"""ISO 11649 (RF) creditor references as they appear in statement text.

Donors are asked to quote an RF reference, but they type it into free text: in groups
of four, split over two remittance lines, in lower case, buried in a sentence, or
without the "RF". Parsers keep that text intact; these helpers find the references in
it. They only check the ISO 7064 mod 97-10 check digits, so a hit is a candidate that
matching must still compare with the references the platform issued.
"""

from __future__ import annotations

import re

# The RF arithmetic belongs to donations, which issues the references; this module only
# finds them in what donors typed.
from solidarity.donations.references import is_valid_rf

_WORDS = re.compile(r"[0-9A-Za-z]+")
# A reference is at most 25 characters; donors write it in groups of at least two.
_MAX_LEN = 25
_MAX_WORDS = 13


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

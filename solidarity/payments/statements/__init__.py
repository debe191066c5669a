"""Bank statement parsing: camt.053, MT940 and mapped CSV into `StatementLine`s.

Pure functions over bytes, no database: the import service decides what to store,
these modules only say what the bank reported. Format is detected by content, never
by file name, because banks and browsers name downloads arbitrarily.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import replace

from django.utils.translation import gettext as _
from lxml import etree

from solidarity.core.errors import DomainError

from .camt053 import parse_camt053
from .csv_format import CsvMapping, parse_csv
from .errors import StatementError
from .lines import ParsedStatement, StatementFormat, StatementLine
from .mt940 import parse_mt940

__all__ = [
    "CsvMapping",
    "ParsedStatement",
    "StatementError",
    "StatementFormat",
    "StatementLine",
    "as_utf8",
    "detect_format",
    "parse_statement",
]

_MT940_REFERENCE = re.compile(rb"(?:^|\{4:)\s*:20:", re.MULTILINE)
_MT940_CONTENT = re.compile(rb"^:(25|28C?|60[FM]|61):", re.MULTILINE)
_LEADING = b"\xef\xbb\xbf \t\r\n\x00\x01"


def detect_format(data: bytes) -> StatementFormat | None:
    """ "camt053" for XML (camt.052/054 included), "mt940" for SWIFT tags, None for anything else (maybe CSV)."""
    data, _converted = as_utf8(data)
    body = data.lstrip(_LEADING)
    if body.startswith(b"<"):
        return "camt053"
    if _MT940_REFERENCE.search(data) and _MT940_CONTENT.search(data):
        return "mt940"
    return None


_XML_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")


def as_utf8(data: bytes) -> tuple[bytes, bool]:
    """A UTF-16 file (with a byte-order mark, or plainly UTF-16 by its NUL bytes) as UTF-8,
    its XML declaration saying so; (data, True) when it was converted, else unchanged."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 4 and data[1:8:2] == b"\x00" * len(data[1:8:2]) and data[0:1] != b"\x00":
        encoding = "utf-16-le"
    elif len(data) >= 4 and data[0:8:2] == b"\x00" * len(data[0:8:2]) and data[1:2] != b"\x00":
        encoding = "utf-16-be"
    else:
        return data, False
    try:
        text = data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise StatementError(
            _("The file looks like UTF-16 text but is damaged (byte %(byte)s).") % {"byte": exc.start}
        ) from exc
    return _XML_ENCODING.sub(rb"\1UTF-8\2", text.encode("utf-8"), count=1), True


def parse_statement(data: bytes, *, filename: str = "", csv_mapping: CsvMapping | None = None) -> ParsedStatement:
    """Parse a bank statement file; raise StatementError with a readable message if it cannot.

    XML is read as camt.053, camt.052 or camt.054 (other XML is refused with a reason),
    SWIFT tags as MT940; anything else only as CSV, and only with a `csv_mapping`. UTF-16
    files are read as well as UTF-8 ones.
    """
    name = filename or _("The file")
    data, converted = as_utf8(data)
    if converted and csv_mapping is not None:
        csv_mapping = replace(csv_mapping, encoding="utf-8")
    if not data or not data.strip(_LEADING):
        raise StatementError(_("%(file)s is empty.") % {"file": name})
    kind = detect_format(data)
    try:
        if kind == "camt053":
            result = parse_camt053(data, filename=filename)
        elif kind == "mt940":
            result = parse_mt940(data, filename=filename)
        elif csv_mapping is not None:
            return parse_csv(data, csv_mapping, filename=filename)
        else:
            raise StatementError(
                _(
                    "%(file)s is neither a camt.053 (or camt.052/054) XML statement nor an MT940 statement. "
                    "For a CSV export, choose the bank's column mapping."
                )
                % {"file": name}
            )
    except StatementError:
        raise
    except DomainError as exc:
        raise StatementError(f"{name}: {exc.message}") from exc
    except (ValueError, ArithmeticError, LookupError, etree.LxmlError, csv.Error) as exc:
        # Last line of defence: every known fault has its own message above this.
        raise StatementError(_("%(file)s could not be read: %(error)s") % {"file": name, "error": exc}) from exc
    if csv_mapping is not None:
        result.warnings.append(_("The file is %(format)s, not CSV; the CSV mapping was not used.") % {"format": kind})
    return result

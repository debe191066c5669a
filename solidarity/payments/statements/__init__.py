"""Bank statement parsing: camt.053, MT940 and mapped CSV into `StatementLine`s.

Pure functions over bytes, no database: the import service decides what to store,
these modules only say what the bank reported. Format is detected by content, never
by file name, because banks and browsers name downloads arbitrarily.
"""

from __future__ import annotations

import csv
import re

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
    "detect_format",
    "parse_statement",
]

_MT940_REFERENCE = re.compile(rb"(?:^|\{4:)\s*:20:", re.MULTILINE)
_MT940_CONTENT = re.compile(rb"^:(25|28C?|60[FM]|61):", re.MULTILINE)
_LEADING = b"\xef\xbb\xbf \t\r\n\x00\x01"


def detect_format(data: bytes) -> StatementFormat | None:
    """ "camt053" for XML, "mt940" for SWIFT tags, None for anything else (maybe CSV)."""
    body = data.lstrip(_LEADING)
    if body.startswith(b"<"):
        return "camt053"
    if _MT940_REFERENCE.search(data) and _MT940_CONTENT.search(data):
        return "mt940"
    return None


def parse_statement(data: bytes, *, filename: str = "", csv_mapping: CsvMapping | None = None) -> ParsedStatement:
    """Parse a bank statement file; raise StatementError with a readable message if it cannot.

    XML is read as camt.053 (other XML is refused with a reason), SWIFT tags as MT940;
    anything else only as CSV, and only with a `csv_mapping`.
    """
    name = filename or "The file"
    if not data or not data.strip(_LEADING):
        raise StatementError(f"{name} is empty.")
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
                f"{name} is neither a camt.053 XML statement nor an MT940 statement. "
                "For a CSV export, choose the bank's column mapping."
            )
    except StatementError:
        raise
    except DomainError as exc:
        raise StatementError(f"{name}: {exc.message}") from exc
    except (ValueError, ArithmeticError, LookupError, etree.LxmlError, csv.Error) as exc:
        # Last line of defence: every known fault has its own message above this.
        raise StatementError(f"{name} could not be read: {exc}") from exc
    if csv_mapping is not None:
        result.warnings.append(f"The file is {kind}, not CSV; the CSV mapping was not used.")
    return result

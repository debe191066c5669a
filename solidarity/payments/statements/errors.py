"""The one error every statement parser raises for input it cannot read.

Staff upload files from many banks; whatever is wrong with one (truncated, empty,
an unknown currency, a date that does not exist) must reach them as a sentence that
names the part of the file at fault, never as a parser traceback.
"""

from __future__ import annotations

from solidarity.core.errors import DomainError


class StatementError(DomainError):
    """A bank statement file is malformed, truncated, empty or of an unknown kind."""

    code = "invalid_statement"

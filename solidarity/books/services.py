"""The staff's export of the books: finance only, and every export is in the audit log."""

from __future__ import annotations

from typing import IO, Any

from solidarity.books.export import write_books_zip
from solidarity.books.period import Period
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit


def export_books_for_staff(*, actor: Any, period: Period, stream: IO[bytes]) -> dict[str, int]:
    """Write the period's books as a ZIP of six CSV files to `stream`, for a finance user.

    The audit entry names the period and the rows written, never a figure of the books.
    """
    require_role(actor, Role.FINANCE)
    counts = write_books_zip(period=period, stream=stream)
    record_audit(
        actor=actor,
        action="books.export",
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        rows=" ".join(f"{name}={rows}" for name, rows in counts.items()),
    )
    return counts

"""The period an export covers: two dates, both included, on the transactions' booking day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from solidarity.core.errors import DomainError


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise DomainError(
                _("The period starts (%(start)s) after it ends (%(end)s).") % {"start": self.start, "end": self.end}
            )

    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        """From two ISO dates (YYYY-MM-DD), or DomainError."""
        try:
            return cls(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        except ValueError as exc:
            raise DomainError(_("Give dates as YYYY-MM-DD: %(error)s.") % {"error": exc}) from exc

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

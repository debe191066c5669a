"""A date-range filter for back-office lists: two date fields in the filter column, no script.

`list_filter = [("received_on", DateRangeFilter)]` filters on `received_on__gte` and
`received_on__lte` (both days included); the form keeps the list's other parameters
(search, other filters) as hidden fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Field, Model
from django.http import HttpRequest

PAGE_PARAMETERS = ("p",)  # a new range starts on the first page


class DateRangeFilter(admin.FieldListFilter):
    template = "admin/date_range_filter.html"

    def __init__(
        self,
        field: Field,
        request: HttpRequest,
        params: dict[str, Any],
        model: type[Model],
        model_admin: Any,
        field_path: str,
    ) -> None:
        self.lookup_since = f"{field_path}__gte"
        self.lookup_until = f"{field_path}__lte"
        super().__init__(field, request, params, model, model_admin, field_path)

    def expected_parameters(self) -> list[str | None]:
        return [self.lookup_since, self.lookup_until]

    def has_output(self) -> bool:
        return True

    def _value(self, name: str) -> str:
        value = self.used_parameters.get(name, "")
        return str(value[-1] if isinstance(value, list) and value else value or "")

    def choices(self, changelist: ChangeList) -> Iterator[Any]:  # its own keys, for its own template
        ours = [self.lookup_since, self.lookup_until, *PAGE_PARAMETERS]
        keep = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in ours
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "selected": bool(self.used_parameters),
            "since_name": self.lookup_since,
            "until_name": self.lookup_until,
            "since": self._value(self.lookup_since),
            "until": self._value(self.lookup_until),
            "keep": keep,
            "clear": changelist.get_query_string(remove=ours),
            "display": "",
        }

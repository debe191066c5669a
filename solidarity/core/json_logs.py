"""Log lines as one JSON object each, for journald and a log shipper (production settings).

Each line holds the time (UTC, ISO 8601), the level, the logger, the message and, when
there is one, the traceback. Nothing else a record carries is written: Django attaches
the whole request to `django.request` records, and it holds the client's address and
user agent, so it is never serialised. The message of such a record names the path
("Internal Server Error: /en/receipts/<code>/"), and a path can hold a receipt code or
a monthly-gift secret, so the path is replaced by the resolved view's name. Anything
that still looks like an IPv4 address is masked.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from solidarity.core.request_metrics import view_label

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
MASK = "[address]"


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, status (of a request), exception."""

    def format(self, record: logging.LogRecord) -> str:
        request = getattr(record, "request", None)
        # "/" holds no secret, and replacing it would mangle every file path in a traceback.
        path = getattr(request, "path", "") if getattr(request, "path", "/") != "/" else ""

        def redact(text: str) -> str:
            if path:
                text = text.replace(path, f"<{view_label(request)}>")  # type: ignore[arg-type]
            return _IPV4.sub(MASK, text)

        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            line["status"] = status
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        elif record.stack_info:
            line["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False)

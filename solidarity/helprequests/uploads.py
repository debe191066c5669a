"""An upload handler that keeps help request files in memory only, and bounded.

Django writes uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file: for a help
request that would put a family's documents on disk in plain, where deleting leaves them
recoverable. This handler never spills to disk. It keeps at most `per_file_limit + 1`
bytes of each file and of at most `max_files + 1` files, yet reports each file's full
size, so the form can say "too large" or "too many" without holding the excess.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest


class BoundedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None, *, per_file_limit: int, max_files: int) -> None:
        super().__init__(request)
        self.per_file_limit = per_file_limit
        self.max_files = max_files
        self.files_seen = 0
        self.buffer = io.BytesIO()
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.files_seen <= self.max_files + 1:
            room = self.per_file_limit + 1 - self.buffer.tell()
            if room > 0:
                self.buffer.write(raw_data[:room])
        # Returning None tells Django the chunk is consumed: no later handler sees it.

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

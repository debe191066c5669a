"""A test client that sends the public forms as a browser does: it opens the page first
and sends the form token found in it (core.form_tokens), and keeps no cookie of its own."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def form_token_from(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "the page holds no form token"
    return match.group(1)


class FormClient(Client):
    """`post(path, data)` fetches `path` for a fresh form token unless `data` carries one."""

    def post(self, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if isinstance(data, dict) and "form_token" not in data and not kwargs.get("content_type"):
            match = TOKEN.search(self.get(path).content.decode())
            if match:  # a page without its form (a closed campaign) gets a POST without a token
                data = {**data, "form_token": match.group(1)}
        return super().post(path, data, *args, **kwargs)

"""Absolute addresses for link previews (Open Graph, Twitter cards) and embed snippets.

They use SOLIDARITY_PUBLIC_URL, the site's public address, not the Host header: the
social site that fetches a preview must be sent to our public host, whichever address
(an onion, a mirror) the page was read at.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def public_url(view_name: str, *args: Any) -> str:
    """`{% public_url 'campaigns:detail' slug %}` → https://solidarity.example/en/campaigns/slug/"""
    return settings.SOLIDARITY_PUBLIC_URL + reverse(view_name, args=args)

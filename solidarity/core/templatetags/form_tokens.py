"""`{% form_token "donate" %}`: the hidden field that protects a public form without a cookie."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from solidarity.core.form_tokens import FIELD_NAME, issue_form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context: Any, form: str) -> SafeString:
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD_NAME, issue_form_token(context["request"], form)
    )

"""Campaign content in the page's language, or marked as the fallback it is.

django-modeltranslation falls back along MODELTRANSLATION_FALLBACK_LANGUAGES (be → ru → en)
when a text is missing in the page's language. A reader (and a screen reader, which picks
its voice by `lang`) must know when that happened: `{% content campaign "story" %}` prints
the text, and where it came from another language wraps it in an element carrying that
`lang` followed by a small "not yet translated" note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from modeltranslation.utils import build_localized_fieldname, resolution_order

register = template.Library()


@dataclass(frozen=True)
class ContentText:
    """A content field's text, the language it is written in, and whether that is a fallback."""

    text: str
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return self.text


def content_text(obj: Any, field: str) -> ContentText:
    """The text of `obj.<field>` for the active language, or the first fallback that has one."""
    page = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for lang in resolution_order(page, settings.MODELTRANSLATION_FALLBACK_LANGUAGES):
        value = getattr(obj, build_localized_fieldname(field, lang), None)
        if value:
            return ContentText(str(value), lang, lang != page)
    return ContentText(str(getattr(obj, field, "") or ""), page, False)


def _note() -> SafeString:
    return format_html(' <small class="untranslated">({})</small>', gettext("not yet translated"))


@register.simple_tag
def content(obj: Any, field: str, paragraphs: bool = False) -> SafeString:
    """`{% content obj "field" %}` inline; `paragraphs=True` gives one <p> per non-empty line."""
    found = content_text(obj, field)
    if paragraphs:
        lines = [(line,) for line in found.text.splitlines() if line.strip()]
        body = format_html_join("", "<p>{}</p>", lines)
        if not found.fallback:
            return body
        return format_html('<div lang="{}">{}</div><p>{}</p>', found.lang, body, _note())
    if not found.fallback:
        return format_html("{}", found.text)
    return format_html('<span lang="{}">{}</span>{}', found.lang, found.text, _note())

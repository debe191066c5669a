"""Every interface string is translated into Russian and Belarusian.

Two checks, both without gettext tools: every entry of the ru and be catalogues has a
non-empty, non-fuzzy translation (all plural forms), and every string the code and the
templates mark for translation is in both catalogues. Strings are found the way
`makemessages` finds them: Python with Django's gettext keywords, templates through
Django's own `templatize`. solidarity/demo/ is left out, as `make messages` leaves it out
(its texts are content, translated per field: docs/translations.md).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

SOURCE = Path(__file__).resolve().parents[1] / "solidarity"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# Django's makemessages keywords (xgettext's defaults plus these), in Babel's notation.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
Key = tuple[str, str | None]  # (msgid, context)


def _sources() -> list[Path]:
    skipped = {"demo", "migrations", "locale", "static"}
    return sorted(
        path
        for path in SOURCE.rglob("*")
        if path.suffix in (".py", ".html", ".txt")
        and path.is_file()
        and not skipped.intersection(path.relative_to(SOURCE).parts)
        and (path.suffix == ".py" or "templates" in path.parts)
    )


@cache
def marked_strings() -> dict[Key, str]:
    """Every string marked for translation, with where it was found."""
    found: dict[Key, str] = {}
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            text = templatize(text, origin=str(path))
        for lineno, message, _comments, context in extract("python", io.BytesIO(text.encode()), KEYWORDS):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault((msgid, context), f"{path.relative_to(SOURCE.parent)}:{lineno}")
    return found


@cache
def catalogue(lang: str) -> Catalog:
    with (SOURCE / "locale" / lang / "LC_MESSAGES" / "django.po").open("rb") as po:
        return read_po(po, locale=lang)


def test_the_source_marks_strings_for_translation() -> None:
    assert len(marked_strings()) > 300  # the extraction itself works


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_entry_is_translated(lang: str) -> None:
    untranslated = []
    for message in catalogue(lang):
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            untranslated.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not untranslated, f"{lang}: {len(untranslated)} entries without a translation: {untranslated[:20]}"


def translated_by_django(lang: str, msgid: str, context: str | None) -> bool:
    """Strings our admin templates share with Django's own ("Filter", "Django administration")."""
    key = f"{context}\x04{msgid}" if context else msgid
    catalog = trans_real.translation(lang)._catalog  # Django's, the apps' and ours, merged
    return key in catalog or (key, 0) in catalog


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(lang: str) -> None:
    po = catalogue(lang)
    missing = [
        f"{where}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for (msgid, context), where in marked_strings().items()
        if po.get(msgid, context=context) is None and not translated_by_django(lang, msgid, context)
    ]
    assert not missing, (
        f"{len(missing)} strings are not in {lang}/django.po (append them at its end, see docs/translations.md):\n"
        + "\n".join(missing[:40])
    )

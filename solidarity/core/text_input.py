"""Free text from strangers, cleaned of what can hide or reorder what it says.

Public names and messages are shown to other readers (the campaign page, feeds, the
API) and to staff. A right-to-left override (U+202E) makes "gnp.exe" read as "exe.png",
an isolate hides where a name ends, a NUL cuts a string short in C code and is refused
by PostgreSQL. So every control and format character is removed — bidi embeddings,
overrides and isolates (U+202A–U+202E, U+2066–U+2069), the marks U+200E/U+200F and
U+061C, zero-width and other invisible characters, C0 and C1 controls, lone surrogates — except a line
break where a text may have lines; a tab becomes a space. Zero-width joiners (U+200D)
stay: emoji sequences and several scripts need them.
"""

from __future__ import annotations

import re
import unicodedata

_KEEP = {"\u200d"}  # zero-width joiner: part of emoji and of several scripts
_SPACES = re.compile(r"[^\S\n]+")


def _removed(char: str, multiline: bool) -> bool:
    if char == "\n":
        return not multiline
    if char in _KEEP:
        return False
    return unicodedata.category(char) in ("Cc", "Cf", "Cs")


def clean_public_text(text: str, *, multiline: bool = True) -> str:
    """The text without control, format (bidi, zero-width) or surrogate characters,
    tabs as spaces, line breaks normalised to "\\n" (and removed if not `multiline`),
    trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")
    cleaned = "".join(char for char in text if not _removed(char, multiline))
    if not multiline:
        cleaned = _SPACES.sub(" ", cleaned)
    return cleaned.strip()


def has_nul(text: str) -> bool:
    """Whether the text holds a NUL character, which no stored string may hold."""
    return "\x00" in text

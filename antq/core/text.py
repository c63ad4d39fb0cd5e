"""Vietnamese text helpers: accent-insensitive search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def _strip_marks(text: str) -> str:
    """NFD splits most letters into a base and combining marks, which are dropped; "đ/Đ" is a
    letter of its own, so it is mapped by hand."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Every precomposed Latin letter (Vietnamese ones included) mapped to what `_strip_marks` makes of
# it: one `str.translate` instead of a normalisation and a loop over each character. A bulk import
# folds every name it writes.
_LATIN = {
    code: _strip_marks(chr(code))
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00))
    if _strip_marks(chr(code)) != chr(code)
}


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and collapse spaces: "Phường Tân Phú" -> "phuong tan phu"."""
    stripped = text.translate(_LATIN)
    if not stripped.isascii():  # combining marks typed apart, or another script: the general path
        stripped = _strip_marks(stripped)
    return _SPACES.sub(" ", stripped.lower()).strip()


def search_tokens(query: str) -> list[str]:
    """Split a user's query into folded tokens; every token must match."""
    return [token for token in fold(query).split(" ") if token]

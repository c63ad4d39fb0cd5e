"""Vietnamese text helpers: accent-insensitive search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and collapse spaces: "Phường Tân Phú" -> "phuong tan phu".

    NFD splits most letters into a base and combining marks, but "đ/Đ" is a letter of its own,
    so it is mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def search_tokens(query: str) -> list[str]:
    """Split a user's query into folded tokens; every token must match."""
    return [token for token in fold(query).split(" ") if token]

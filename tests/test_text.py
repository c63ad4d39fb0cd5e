"""`fold`, the search key of every name: its translate table gives exactly what the general
normalisation gives, for composed, decomposed and foreign text."""

from __future__ import annotations

import random
import unicodedata

from antq.core.text import _SPACES, fold, search_tokens


def _reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


ALPHABET = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ĐĂÂÊÔƠƯÀÁẢÃẠ  \t\u0301\u0323ñçøß漢字ЖΩİı"
)


def test_fold_equals_the_general_normalisation_on_random_text():
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24)))
        for form in (text, unicodedata.normalize("NFD", text), unicodedata.normalize("NFC", text)):
            assert fold(form) == _reference(form), form


def test_vietnamese_names_fold_to_plain_letters():
    assert fold("  Phường   Tân Phú ") == "phuong tan phu"
    assert fold("ĐỒNG THÁP") == "dong thap"
    assert search_tokens("Trường  THCS Nguyễn Du") == ["truong", "thcs", "nguyen", "du"]

"""Dates, punctuation, article labels and annex columns: the rules both formats share."""

from __future__ import annotations

import datetime

import pytest

from antq.documents import Annex, layout, place_date, vietnamese_date
from tests.documents.samples import decision


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (datetime.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (datetime.date(2026, 3, 1), "ngày 01 tháng 3 năm 2026"),
        (datetime.date(2026, 9, 9), "ngày 09 tháng 9 năm 2026"),
        (datetime.date(2026, 10, 10), "ngày 10 tháng 10 năm 2026"),
        (datetime.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_vietnamese_date_pads_days_below_10_and_months_1_and_2(day: datetime.date, expected: str) -> None:
    assert vietnamese_date(day) == expected


def test_place_date() -> None:
    assert place_date("Quy Nhơn", datetime.date(2026, 11, 5)) == "Quy Nhơn, ngày 05 tháng 11 năm 2026"
    assert place_date("", datetime.date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"


def test_code_and_reference() -> None:
    doc = decision()
    assert doc.code == "125/QĐ-UBND"
    assert doc.reference == "Quyết định số 125/QĐ-UBND ngày 05 tháng 11 năm 2026"
    assert decision(number="").code == "      /QĐ-UBND"  # a draft keeps room for the number


def test_bases_end_with_semicolons_and_a_final_full_stop() -> None:
    assert layout.bases(decision()) == [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
        "Căn cứ Thông tư số 124/2021/TT-BCA ngày 28 tháng 12 năm 2021 của Bộ trưởng Bộ Công an;",
        "Theo đề nghị của Trưởng Công an phường Quy Nhơn.",
    ]


def test_recipients_get_a_dash_and_punctuation_once() -> None:
    assert layout.recipients(decision()) == [
        "- Như Điều 3;",
        "- Công an tỉnh Gia Lai (b/c);",
        "- Lưu: VT, CAP.",
    ]


def test_articles_split_the_bold_label_and_extra_paragraphs() -> None:
    doc = decision(articles=["Điều 1. Công nhận.\nDanh sách kèm theo.", "Không có nhãn"])
    assert layout.articles(doc) == [
        layout.Paragraph("Điều 1.", "Công nhận."),
        layout.Paragraph("", "Danh sách kèm theo."),
        layout.Paragraph("", "Không có nhãn"),
    ]


def test_clean_keeps_diacritics_composes_nfd_and_drops_xml_invalid_controls() -> None:
    decomposed = "Quy Nho\u031bn"  # "ơ" as o + combining horn, as some keyboards send it
    assert layout.clean(decomposed) == "Quy Nhơn"
    assert layout.clean("Tổ\x0c dân\x00 phố\r\n1") == "Tổ dân phố\n1"


def test_annex_columns_narrow_numbers_and_centre_short_values() -> None:
    annex = Annex(
        title="DANH SÁCH",
        columns=["STT", "Tên đơn vị", "Điểm", "Xếp loại"],
        rows=[[str(i), f"Khu dân cư số {i} phường Quy Nhơn", "92,5", "Xuất sắc"] for i in range(1, 40)],
    )
    fractions = layout.column_fractions(annex)
    assert sum(fractions) == pytest.approx(1)
    assert fractions[1] == max(fractions)
    assert fractions[0] < 0.12
    assert layout.centered_columns(annex) == [True, False, True, True]


def test_annex_refuses_ragged_rows() -> None:
    with pytest.raises(ValueError, match="row 1 has 1 cells"):
        Annex(title="X", columns=["STT", "Tên"], rows=[["1", "A"], ["2"]])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN", "ỦY BAN NHÂN DÂN\nPHƯỜNG QUY NHƠN"),
        ("HỘI ĐỒNG NHÂN DÂN XÃ TÂY SƠN LỚN", "HỘI ĐỒNG NHÂN DÂN\nXÃ TÂY SƠN LỚN"),
        ("CÔNG AN PHƯỜNG QUY NHƠN", "CÔNG AN PHƯỜNG QUY NHƠN"),
        ("ỦY BAN NHÂN DÂN\nPHƯỜNG\nQUY NHƠN", "ỦY BAN NHÂN DÂN\nPHƯỜNG\nQUY NHƠN"),
    ],
)
def test_long_body_names_break_after_the_kind_of_body(name: str, expected: str) -> None:
    assert layout.body_name(name, layout.ISSUER_FITS) == expected


def test_enacting_words_follow_the_kind() -> None:
    assert layout.enacting_words(decision()) == "QUYẾT ĐỊNH:"
    assert layout.enacting_words(decision(kind="NGHỊ QUYẾT")) == "QUYẾT NGHỊ:"
    assert layout.enacting_words(decision(kind="KẾ HOẠCH")) == ""
    assert layout.enacting_words(decision(articles=[])) == ""

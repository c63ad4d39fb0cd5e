"""Reading a QĐ 510 sheet from an XLSX table: the document built, and every bad row reported."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from antq.criteria.engine import load_framework
from antq.criteria.sheet_import import (
    HEADERS,
    SheetImportError,
    SheetMeta,
    parse_sheet_table,
    read_rows,
    write_template,
)

META = SheetMeta(
    unit_type="residential_area",
    sheet="kdc",
    label="2025.1-gl",
    title="Bảng chấm điểm khu dân cư (nhập thử)",
    effective_from=dt.date(2025, 1, 1),
    source_document="",
    verified=False,
)
GOOD = [
    ["1", None, "Có kế hoạch xây dựng phong trào", 40],
    ["2", None, "Phối hợp với Công an xã", None],
    [None, "a", "Có quy chế phối hợp", 30],
    ["2", "b", "Thực hiện quy chế", 30],
]


def xlsx(rows: list[list[Any]], header: tuple[str, ...] = HEADERS) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def test_a_good_table_becomes_a_valid_unverified_sheet():
    content = parse_sheet_table(read_rows(xlsx(GOOD)), META)
    sheet = load_framework(content)
    assert content["verified"] is False
    assert content["applies_to"] == ["residential_area"]
    assert sheet.total_max == 100
    assert [i.id for i in sheet.items] == ["QD510.KDC.1", "QD510.KDC.2"]
    assert [(s.id, s.max_points) for s in sheet.items[1].sub_items] == [("a", 30), ("b", 30)]
    assert sheet.items[1].max_points == 60  # blank: the sum of its sub-items
    assert content["classification"]["illustrative"] is True
    assert content["classification"]["verified"] is False


def test_a_cited_and_confirmed_table_is_verified():
    meta = SheetMeta(**{**META.__dict__, "source_document": "12/QĐ-UBND ngày 01/02/2025", "verified": True})
    content = parse_sheet_table(read_rows(xlsx(GOOD)), meta)
    assert content["verified"] is True
    assert content["source"]["document"] == "12/QĐ-UBND ngày 01/02/2025"


def test_every_bad_row_is_listed_with_its_row_number():
    rows = [
        [None, "a", "Tiểu mục trước mọi mục", 2],  # row 2
        ["1", None, "", 10],  # row 3: no text
        ["2", None, "Điểm sai", "mười"],  # row 4
        ["3", None, "Mục có tiểu mục lệch tổng", 10],  # row 5
        [None, "a", "Tiểu mục", 4],  # row 6
        ["1", None, "Mục trùng mã", 5],  # row 7
    ]
    with pytest.raises(SheetImportError) as caught:
        parse_sheet_table(read_rows(xlsx(rows)), META)
    by_row = {p.row for p in caught.value.problems}
    assert {2, 3, 4, 5, 7} <= by_row
    messages = "\n".join(str(p) for p in caught.value.problems)
    assert "Dòng 5:" in messages and "tổng điểm các tiểu mục là 4" in messages
    assert "Dòng 7:" in messages and "trùng" in messages


def test_wrong_header_and_unreadable_file_are_refused():
    with pytest.raises(SheetImportError, match="tiêu đề cột"):
        read_rows(xlsx(GOOD, header=("A", "B", "C", "D")))
    with pytest.raises(SheetImportError, match="không đọc được"):
        read_rows(io.BytesIO(b"not a zip"))


def test_the_template_has_the_four_columns():
    out = io.BytesIO()
    write_template(out)
    out.seek(0)
    sheet = load_workbook(out).worksheets[0]
    assert tuple(c.value for c in sheet[1]) == HEADERS

"""antq.core.xlsx: the one XLSX writer of tables and lists, checked by opening the files."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from antq.core.xlsx import DATE, DECIMAL, INTEGER, PERCENT, sheet_title, write_table, xlsx_response

HEADERS = ["Tên đơn vị", "Số hộ", "Tỷ lệ", "Ngày đăng ký", "Điểm", "Ghi chú"]


def _open(content: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(content)).active


def test_headers_are_bold_frozen_and_filtered():
    content = write_table(
        "Đơn vị", HEADERS, [["Tổ dân phố 1", 320, 0.825, dt.date(2026, 3, 15), Decimal("87.5"), ""]]
    )
    sheet = _open(content)
    assert sheet.title == "Đơn vị"
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F2"
    assert sheet.column_dimensions["A"].width >= len("Tổ dân phố 1")


def test_columns_get_their_number_formats():
    rows = [["Tổ dân phố 1", 320, 0.825, dt.date(2026, 3, 15), Decimal("87.5"), "x"]]
    sheet = _open(write_table("Đơn vị", HEADERS, rows, formats=[None, INTEGER, PERCENT, DATE, DECIMAL]))
    name, households, share, day, score, note = sheet[2]
    assert households.value == 320 and households.number_format == "0"
    assert share.value == pytest.approx(0.825) and share.number_format == "0.0%"
    assert day.value.date() == dt.date(2026, 3, 15) and day.number_format == "dd/mm/yyyy"
    assert score.value == pytest.approx(87.5) and score.number_format == "0.00"
    assert note.value == "x"


def test_dates_get_the_vietnamese_format_without_being_asked_and_times_are_local():
    at = dt.datetime(2026, 3, 15, 1, 30, tzinfo=dt.UTC)
    sheet = _open(write_table("T", ["Ngày", "Lúc"], [[dt.date(2026, 1, 2), at]]))
    day, moment = sheet[2]
    assert day.number_format == "dd/mm/yyyy"
    # Excel has no time zones: the time is the one Vietnamese users read (UTC+7).
    assert moment.value == at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None)


@pytest.mark.parametrize("text", ["=1+1", "+84912", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_a_cell_that_looks_like_a_formula_stays_text(text):
    sheet = _open(write_table("T", ["Ghi chú"], [[text]]))
    cell = sheet["A2"]
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_many_rows_stream_and_the_filter_covers_them_all():
    rows = ([f"Đơn vị {i}", i] for i in range(5000))
    sheet = _open(write_table("T", ["Tên", "Số"], rows, formats={1: INTEGER}))
    assert sheet.max_row == 5001
    assert sheet.auto_filter.ref == "A1:B5001"
    assert sheet["B5001"].value == 4999


def test_sheet_names_are_what_excel_accepts():
    assert sheet_title("Báo cáo 6 tháng/2026: tỉnh [Gia Lai]") == "Báo cáo 6 tháng 2026  tỉnh  Gia"
    assert len(sheet_title("x" * 50)) == 31


def test_the_response_is_an_attachment_with_the_vietnamese_name():
    response = xlsx_response("Danh sách đơn vị", "Đơn vị", ["Tên"], [["Tổ 1"]])
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''Danh%20s%C3%A1ch%20%C4%91%C6%A1n%20v%E1%BB%8B.xlsx" in disposition
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = _open(b"".join(response.streaming_content))
    assert sheet["A2"].value == "Tổ 1"


def test_decimal_cells_are_numbers_with_their_column_format():
    rows = [[Decimal("87.25"), Decimal("0.805"), Decimal("12")], [Decimal("NaN"), Decimal("Infinity"), None]]
    sheet = _open(
        write_table("T", ["Điểm", "Tỷ lệ", "Số"], rows, formats={0: DECIMAL, 1: PERCENT, 2: INTEGER})
    )
    score, share, count = sheet[2]
    assert score.data_type == "n" and score.value == pytest.approx(87.25) and score.number_format == "0.00"
    assert share.data_type == "n" and share.number_format == "0.0%"
    assert count.data_type == "n" and count.value == 12 and count.number_format == "0"
    # Excel has no NaN nor infinity: such a cell is left empty and the file still opens.
    assert [c.value for c in sheet[3]] == [None, None, None]


@pytest.mark.parametrize("value", [0.805, Decimal("0.805")])
def test_a_percentage_is_the_fraction_shown_as_percent(value):
    sheet = _open(write_table("T", ["Tỷ lệ"], [[value]], formats=[PERCENT]))
    cell = sheet["A2"]
    # 80.5 % is stored as 0.805 with "0.0%": Excel shows "80.5%" and sums the column.
    assert cell.value == pytest.approx(0.805)
    assert cell.number_format == "0.0%" == PERCENT

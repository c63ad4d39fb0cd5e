"""The two readers of an .xlsx upload (core.xlsx_fast's calamine in a child process, openpyxl's
streaming reader) give the import the same rows, and a file the child cannot read goes to openpyxl."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from antq.core import xlsx_fast
from antq.units import importing


def _workbook_bytes(fill: Any) -> bytes:
    book = Workbook()
    fill(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _openpyxl_texts(content: bytes) -> list[list[str]]:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    return _texts(sheet.iter_rows(values_only=True))


def _fast(content: bytes) -> tuple[int, list[list[Any]]] | None:
    with xlsx_fast.fast_rows(io.BytesIO(content)) as found:
        return None if found is None else (found[0], [list(row) for row in found[1]])


def _fast_texts(content: bytes) -> list[list[str]]:
    found = _fast(content)
    assert found is not None, "calamine should have read this file"
    return _texts(found[1])


def _texts(rows: Any) -> list[list[str]]:
    """Each row as the import reads its cells (`importing._text`), trailing blanks dropped."""
    out = [[importing._text(cell) for cell in row] for row in rows]
    for row in out:
        while row and not row[-1]:
            row.pop()
    while out and not out[-1]:
        out.pop()
    return out


def _varied(book: Workbook) -> None:
    sheet = book.active
    sheet["C3"] = "Mã"  # the data starts away from A1: row and column numbers must still be right
    sheet["D3"] = "Tên có dấu: Thôn Bắc Hà"
    sheet["C4"] = 12345
    sheet["D4"] = 2.5
    sheet["E4"] = True
    sheet["F4"] = False
    sheet["C6"] = date(2025, 7, 1)
    sheet["D6"] = datetime(2025, 7, 1, 8, 30)  # noqa: DTZ001 - a spreadsheet cell has no time zone
    sheet["E6"] = "  khoảng trắng  "
    sheet["F6"] = 0
    sheet["G6"] = time(8, 30)
    sheet["H9"] = "xa"
    book.create_sheet("Hướng dẫn")["A1"] = "a second sheet is not read"


def test_both_readers_give_the_import_the_same_cells() -> None:
    content = _workbook_bytes(_varied)
    fast = _fast_texts(content)
    assert fast == _openpyxl_texts(content)
    assert fast[2][2:4] == ["Mã", "Tên có dấu: Thôn Bắc Hà"]  # row 3, column C
    assert fast[3][2:6] == ["12345", "2.5", "có", "không"]
    assert fast[5][2:4] == ["2025-07-01", "2025-07-01 08:30:00"]
    assert fast[5][6] == "08:30:00"


def test_the_first_worksheet_is_read_even_behind_a_chart_sheet() -> None:
    def fill(book: Workbook) -> None:
        book.active["A1"] = "first"
        book.create_chartsheet("Biểu đồ", 0)

    assert _fast_texts(_workbook_bytes(fill)) == [["first"]]


def _killed(caplog: pytest.LogCaptureFixture) -> bool:
    """The child ended by a signal (its limit), not by failing to start (exit 1)."""
    return any(re.search(r"without an answer \(exit -\d+\)", r.getMessage()) for r in caplog.records)


def test_a_cell_far_away_ends_the_child_not_the_worker(caplog: pytest.LogCaptureFixture) -> None:
    """calamine allocates the whole A1:XFD1048576 rectangle: the child dies of its memory limit."""

    def fill(book: Workbook) -> None:
        book.active["A1"] = "x"
        book.active["XFD1048576"] = "y"

    assert _fast(_workbook_bytes(fill)) is None
    assert _killed(caplog)


def test_the_memory_limit_decides(settings: Any) -> None:
    def fill(book: Workbook) -> None:
        book.active["A1"] = "x"
        book.active["AF250000"] = "y"  # 8 million cells: a few hundred MB in calamine

    content = _workbook_bytes(fill)
    assert _fast(content) is not None  # within the default limit
    settings.IMPORT_READER_MAX_MB = 100
    assert _fast(content) is None


def _rewritten(content: bytes, change: Any) -> bytes:
    """The same archive with its first worksheet's XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(info, data)
    return out.getvalue()


def _two_cells(book: Workbook) -> None:
    book.active["A1"] = "x"
    book.active["B2"] = "y"


@pytest.mark.parametrize(
    "change",
    [
        # Positions calamine and a scan of the XML would read differently (helper-69's review):
        # the last of two `r`, a `<` inside a value, an empty namespace prefix.
        lambda xml: xml.replace(b'<c r="B2"', b'<c r="B2" r="XFD1048576"', 1),
        lambda xml: xml.replace(b'<c r="B2"', b'<c r="B2" x="<" r="XFD1048576"', 1),
        lambda xml: xml.replace(b'<c r="B2"', b'<:c r="XFD1048576"', 1).replace(
            b"</c></row></sheetData>", b"</:c></row></sheetData>"
        ),
    ],
    ids=["second-r", "lt-in-value", "empty-prefix"],
)
def test_crafted_far_positions_end_the_child_not_the_worker(
    change: Any, caplog: pytest.LogCaptureFixture
) -> None:
    content = _rewritten(_workbook_bytes(_two_cells), change)
    assert _fast(content) is None
    assert _killed(caplog)


def _with_error_cell() -> bytes:
    """B2 holds #N/A, as a failed VLOOKUP leaves it."""
    return _rewritten(
        _workbook_bytes(_two_cells),
        lambda xml: re.sub(
            rb'<c r="B2" t="inlineStr"><is><t>y</t></is></c>', b'<c r="B2" t="e"><v>#N/A</v></c>', xml
        ),
    )


def test_error_cells_are_read_by_openpyxl_which_keeps_their_text() -> None:
    content = _with_error_cell()
    assert b"#N/A" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert _fast(content) is None
    assert _openpyxl_texts(content) == [["x"], ["", "#N/A"]]


def test_an_empty_sheet_is_left_to_openpyxl() -> None:
    assert _fast(_workbook_bytes(lambda book: None)) is None


def test_a_file_calamine_cannot_read_is_left_to_openpyxl() -> None:
    content = _rewritten(_workbook_bytes(_two_cells), lambda xml: xml.replace(b"</sheetData>", b""))
    assert _fast(content) is None


def test_the_row_count_is_announced_before_the_rows() -> None:
    found = _fast(_workbook_bytes(_varied))
    assert found is not None
    assert found[0] == len(found[1]) == 9


def _long_row_file() -> bytes:
    def fill(book: Workbook) -> None:
        sheet = book.active
        sheet.append(list(importing.HEADERS[:4]))
        for n in range(1, 40):
            sheet.append([f"KDC-{n:03d}", "x" * (40_000 if n == 30 else 10), "Khu dân cư", "X00001"])

    # openpyxl cuts text at Excel's limit when it writes; a file made otherwise may hold more.
    return _rewritten(_workbook_bytes(fill), lambda xml: xml.replace(b"x" * 32_767, b"x" * 40_000))


def test_text_longer_than_excel_allows_stops_the_child_after_its_rows() -> None:
    with pytest.raises(xlsx_fast.ReaderStopped, match="long text"):
        _fast(_long_row_file())


def test_a_line_too_long_stops_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_fast, "MAX_LINE", 200)
    with pytest.raises(xlsx_fast.ReaderStopped, match="longer than 200 bytes"):
        _fast(_workbook_bytes(_varied))


def test_a_stopped_child_makes_the_import_read_the_file_again_with_openpyxl(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.MEDIA_ROOT = tmp_path
    name = _stored(tmp_path, _long_row_file())
    parsed = importing.read_file(name, progress=lambda percent, phrase: None)
    assert "again with openpyxl" in caplog.text
    assert parsed.plan.total_rows == 39  # every row, once
    assert [row.row for row in parsed.rows] == list(range(2, 41))
    assert [row.row for row in parsed.rows if row.errors] == [31]  # the 40,000 characters, from openpyxl


def _stored(media: Path, content: bytes) -> str:
    (media / "imports").mkdir(parents=True, exist_ok=True)
    (media / "imports" / "f.xlsx").write_bytes(content)
    return "imports/f.xlsx"


def _import_rows(name: str) -> list[Sequence[Any]]:
    with importing.open_rows(name) as (_estimate, rows):
        return [list(row) for row in rows]


def test_the_import_reads_an_ordinary_file_with_calamine(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also proves the child starts as deployed: an isolated interpreter (`-I`) has no current
    directory on its path, so `antq` must be importable as installed."""
    settings.MEDIA_ROOT = tmp_path
    name = _stored(tmp_path, _workbook_bytes(_two_cells))

    def no_openpyxl(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("openpyxl was used")

    monkeypatch.setattr("openpyxl.load_workbook", no_openpyxl)
    assert _texts(_import_rows(name)) == [["x"], ["", "y"]]


def test_the_import_reads_a_refused_file_with_openpyxl(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    content = _with_error_cell()
    name = _stored(tmp_path, content)
    calls = []
    real = load_workbook

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr("openpyxl.load_workbook", counted)
    assert _texts(_import_rows(name)) == _openpyxl_texts(content)
    assert len(calls) == 1

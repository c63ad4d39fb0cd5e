"""Reading a workbook's first worksheet with python-calamine (Rust), when that is safe.

calamine reads an .xlsx about eight times faster than openpyxl's streaming reader, but it loads a
sheet as one rectangle sized by its farthest cell before giving a single row: a file with a cell
at A1 and another at XFD1048576 asks for half a terabyte and aborts the whole process, with no
Python exception to catch (calamine issue 428). So the archive is scanned first, streaming, with
one regular expression: every row and cell element must begin with its position (`r="…"`, as
Excel, LibreOffice, Google Sheets and openpyxl all write it) and the farthest position must keep
the rectangle under MAX_CELLS. A file that fails the scan is not refused: `fast_rows` answers None
and the caller reads it with openpyxl's streaming reader, slower but bounded.

Every part of the archive is scanned, not only the sheet calamine will open: which part that is
comes from the workbook's relationships, and a reader of ours resolving them differently from
calamine's would be a way around the scan.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import IO, Any

# The rectangle calamine may allocate (about 32 bytes a cell): 250,000 rows of 32 columns.
MAX_CELLS = 8_000_000
_CHUNK = 1 << 20

# A row or cell element, with or without a namespace prefix…
_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row)(?=[\s/>])")
# …and the same element whose first attribute is its position: the only form accepted. The
# position being the first attribute is what makes it a real attribute, not text inside another
# attribute's quoted value.
_PLACED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row)\s+r\s*=\s*[\"']([A-Z]{0,3})(\d{1,7})[\"']")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _placed_extent(archive: zipfile.ZipFile) -> tuple[int, int] | None:
    """(farthest row, farthest column) over every part, or None if an element lacks its position."""
    rows = columns = 0
    for info in archive.infolist():
        tail = b""
        with archive.open(info) as part:
            while chunk := part.read(_CHUNK):
                buffer = tail + chunk
                # An element cut by the chunk's end is kept whole for the next round.
                cut = buffer.rfind(b"<")
                done, tail = (buffer[:cut], buffer[cut:]) if cut >= 0 else (buffer, b"")
                placed = _PLACED.findall(done)
                if len(placed) != len(_ELEMENT.findall(done)):
                    return None
                if placed:
                    rows = max(rows, max(int(digits) for _letters, digits in placed))
                    columns = max(columns, max(_column_number(letters) for letters in {p[0] for p in placed}))
            placed = _PLACED.findall(tail)
            if len(placed) != len(_ELEMENT.findall(tail)):
                return None
            for letters, digits in placed:
                rows, columns = max(rows, int(digits)), max(columns, _column_number(letters))
    return rows, columns


def fast_rows(fh: IO[bytes]) -> tuple[int, Iterator[Sequence[Any]]] | None:
    """(row count, rows from row 1 and column A) of the first worksheet, read by calamine; None
    when the file fails the scan or calamine cannot read it (the caller then uses openpyxl, whose
    messages describe a broken file). Blank cells come as "" rather than None."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        fh.seek(0)
        with zipfile.ZipFile(fh) as archive:
            extent = _placed_extent(archive)
        if extent is None or extent[0] * max(extent[1], 1) > MAX_CELLS:
            return None
        fh.seek(0)
        workbook = CalamineWorkbook.from_filelike(fh)
        first = next((m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet), None)
        if first is None:
            return None
        sheet = workbook.get_sheet_by_name(first)
        rows = sheet.to_python(skip_empty_area=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - a Rust panic arrives as pyo3's PanicException (BaseException)
        return None
    finally:
        fh.seek(0)
    return len(rows), iter(rows)

"""Tables out as XLSX: one helper for every list and table of the application.

`write_table` streams rows through openpyxl's write-only mode (constant memory per row), with a bold
header row that stays frozen, an autofilter, column widths guessed from the first rows and number
formats per column. A text cell that a spreadsheet would read as a formula is stored as text.

Numbers are written as numbers, never as text, so that a spreadsheet sums and sorts them:

* `int`, `float` and `Decimal` cells take their column's format (`INTEGER` "0", `DECIMAL` "0.00",
  `PERCENT` "0.0%", or any Excel code); a `Decimal` is stored exactly as written (no float
  rounding), and a non-finite one (NaN, infinity) becomes an empty cell.
* A **percentage** is written as the *fraction* with the `PERCENT` format: 80.5 % is the value
  0.805 (or `Decimal("0.805")`) in a "0.0%" column, which Excel shows as "80.5%". Never write 80.5
  in a "0.0%" column (Excel would show "8050.0%") nor the text "80,5%" (it would not sum). A share
  whose denominator is 0 has no value: write None (an empty cell), not 0.
* Dates and datetimes get "dd/mm/yyyy" ("dd/mm/yyyy hh:mm") unless their column says otherwise;
  an aware datetime is written in local time (Excel has no time zones).
"""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import IO, Any, TypeVar

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Number formats of a column (`formats`): Excel's codes, shown the Vietnamese way (dd/mm/yyyy).
INTEGER = "0"
DECIMAL = "0.00"
PERCENT = "0.0%"  # the value is a fraction: 0.805 shows as 80.5%
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
TEXT = "@"

# Spreadsheet programs read a cell starting with one of these as a formula ("CSV/formula injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Rows read before writing to size the columns (write-only sheets take widths before any row).
_WIDTH_SAMPLE = 200
_MIN_WIDTH = 8
_MAX_WIDTH = 60
# Excel's limit for a sheet name, and the characters it refuses in one.
_SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})

Formats = Sequence[str | None] | Mapping[int, str] | None
T = TypeVar("T")


@dataclass
class Table:
    """A sheet to write: its title, headers, rows (any iterable, read once) and column formats.

    `total`, when known, is the number of rows: a background export reports progress against it.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    formats: Formats = None
    total: int | None = None
    widths: Mapping[int, int] = field(default_factory=dict)


def safe_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """`value`, or a text cell that no spreadsheet evaluates when it would look like a formula.

    The cell is typed as text and carries Excel's quote-prefix flag (what Excel itself does for
    '=...): it shows exactly as stored and stays text when edited. The value is not altered, so
    re-importing an export gives back the same data (a literal ' prefix would not); only control
    characters, which an XLSX cannot hold, are dropped.
    """
    if isinstance(value, str):
        value = _xml_text(value)
        if value.startswith(FORMULA_START):
            return _quoted(sheet, value)
    return value


def _xml_text(text: str) -> str:
    """Control characters (a CSV import or an API client can bring them) are not allowed in the
    file's XML, and openpyxl refuses the whole workbook for one; invisible anyway, they are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _quoted(sheet: WriteOnlyWorksheet, text: str) -> Any:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def sheet_title(title: str) -> str:
    """`title` as Excel accepts a sheet name (31 characters, none of []:*?/\\)."""
    return (title.translate(_SHEET_NAME_FORBIDDEN).strip() or "Sheet")[:_SHEET_NAME_MAX]


def _column_formats(formats: Formats, width: int) -> list[str | None]:
    if formats is None:
        return [None] * width
    if isinstance(formats, Mapping):
        return [formats.get(index) for index in range(width)]
    listed = list(formats)
    return (listed + [None] * width)[:width]


def _excel_value(value: Any) -> Any:
    """What openpyxl can store: Excel has no time zones, so an aware datetime becomes local time."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, Decimal | float) and not _is_finite(value):
        return None  # Excel has no NaN nor infinity: the file would not open
    return value


def _is_finite(value: Decimal | float) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _text_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _widths(headers: Sequence[str], sample: list[Sequence[Any]], fixed: Mapping[int, int]) -> list[int]:
    widths = []
    for index, header in enumerate(headers):
        if index in fixed:
            widths.append(fixed[index])
            continue
        longest = max([len(header), *(_text_length(row[index]) for row in sample if index < len(row))])
        widths.append(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))
    return widths


def _cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None) -> Any:
    value = _excel_value(value)
    if isinstance(value, str):
        return safe_cell(sheet, value)
    if number_format and isinstance(value, int | float | Decimal | date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell
    if isinstance(value, datetime | date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME if isinstance(value, datetime) else DATE
        return cell
    return value


def write_table_to(out: IO[bytes], table: Table) -> int:
    """Write `table` as an XLSX workbook to `out`; returns the number of data rows written."""
    headers = list(table.headers)
    formats = _column_formats(table.formats, len(headers))
    rows: Iterator[Sequence[Any]] = iter(table.rows)
    sample = list(islice(rows, _WIDTH_SAMPLE))

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(table.title))
    for index, width in enumerate(_widths(headers, sample, table.widths), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    wrap = Alignment(vertical="center", wrap_text=True)
    header_cells = []
    for header in headers:
        # Headers may carry names (a criterion, a unit): formula-safe like any text cell.
        text = _xml_text(str(header))
        cell = _quoted(sheet, text) if text.startswith(FORMULA_START) else WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cell.alignment = wrap
        header_cells.append(cell)
    sheet.append(header_cells)

    count = 0
    for source in (sample, rows):
        for row in source:
            sheet.append([_cell(sheet, value, formats[i]) for i, value in enumerate(row)])
            count += 1
    if headers:
        # The filter covers the header and every data row; written with the sheet's tail on save.
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    workbook.save(out)
    return count


def write_table(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], formats: Formats = None
) -> bytes:
    """The XLSX bytes of one sheet `title` with `headers` and `rows` (see `Table`)."""
    out = io.BytesIO()
    write_table_to(out, Table(title=title, headers=headers, rows=rows, formats=formats))
    return out.getvalue()


def xlsx_response(
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Formats = None,
) -> FileResponse:
    """A download (attachment) of the table; a Vietnamese `filename` is encoded for every browser."""
    # openpyxl builds the zip at the end; a temporary file keeps a large table out of memory.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_table_to(out, Table(title=title, headers=headers, rows=rows, formats=formats))
    out.seek(0)
    if not filename.lower().endswith(".xlsx"):
        filename = f"{filename}.xlsx"
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def guarded_rows(rows: Iterator[T], refuse: Callable[[Exception], Exception]) -> Iterator[T]:
    """The rows of a sheet being read, where whatever a damaged workbook makes the reader raise
    (a zlib, XML, zip or value error, deep in openpyxl) becomes `refuse(exc)`: the importer's own
    error, with a message for the user. Only the reading is guarded: an exception in the code
    that checks a row is a bug and stays one."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
            raise refuse(exc) from exc
        yield row

"""The child process of `core.xlsx_fast`: reads a workbook from stdin with python-calamine under
memory and CPU limits, and writes its first worksheet's rows to stdout as JSON lines.

Standard library and python-calamine only (no Django): it starts in a fraction of a second. The
limits are set before the file is touched, so a file that makes calamine allocate too much ends this
process, not the worker that started it.

Output: a header line {"rows": N} (or {"fallback": reason} when the file is better read by
openpyxl), then the rows in chunks (one JSON list of rows a line, blank cells as null, dates as
tagged objects), then {"end": true}.
"""

from __future__ import annotations

import io
import json
import re
import resource
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from typing import Any

CHUNK_ROWS = 2000
# An error cell (#N/A, #DIV/0!…): calamine gives it as a blank, which the import would take for
# "no change"; openpyxl gives its text, which the import refuses with the row and column.
_ERROR_CELL = re.compile(rb"""\st\s*=\s*["']e["']""")


def _tagged(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    raise TypeError(type(value).__name__)


def _has_error_cells(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and _ERROR_CELL.search(archive.read(info)):
                return True
    return False


def _write(line: dict[str, Any] | list[Any]) -> None:
    sys.stdout.write(json.dumps(line, ensure_ascii=False, default=_tagged, separators=(",", ":")))
    sys.stdout.write("\n")


def main(memory_bytes: int, cpu_seconds: int) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    data = sys.stdin.buffer.read()
    if _has_error_cells(data):
        _write({"fallback": "error cells"})
        return 0
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    first = next((m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet), None)
    if first is None:
        _write({"fallback": "no worksheet"})
        return 0
    sheet = workbook.get_sheet_by_name(first)
    if sheet.end is None or sheet.start is None:
        # An empty sheet, or one calamine cannot decode (a UTF-16 part): openpyxl decides.
        _write({"fallback": "no rows"})
        return 0
    del data
    # Rows come from row 1, cells from the sheet's first used column: the import numbers both
    # from A1, as openpyxl gives them.
    left: list[Any] = [None] * sheet.start[1]
    _write({"rows": sheet.end[0] + 1})
    chunk: list[list[Any]] = []
    for row in sheet.iter_rows():
        chunk.append([*left, *(None if cell == "" else cell for cell in row)])
        if len(chunk) == CHUNK_ROWS:
            _write(chunk)
            chunk = []
    if chunk:
        _write(chunk)
    _write({"end": True})
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))

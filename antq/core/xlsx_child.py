"""The child process of `core.xlsx_fast`: reads a workbook from stdin with python-calamine under
memory, CPU and core-file limits, and writes its first worksheet's rows to stdout as JSON lines.

Standard library and python-calamine only (no Django): it starts in a fraction of a second. The
limits are set before the file is touched, so a file that makes calamine allocate too much ends this
process, not the worker that started it.

Output (UTF-8): a header line {"rows": N, "left": K} (K: blank columns before the first used one,
which the parent adds back) or {"fallback": reason} when the file is better read by openpyxl; then
the rows in chunks of at most CHUNK_BYTES (one JSON list of rows a line, blank cells as null, dates
as tagged objects); then {"end": true}.
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

CHUNK_BYTES = 1 << 20
# Excel's own limit for a cell's text. Longer text is read by openpyxl, which shares a repeated
# string instead of writing it out once per cell as JSON would.
MAX_CELL_CHARS = 32_767
# An error cell (#N/A, #DIV/0!…): calamine gives it as a blank, which the import would take for
# "no change"; openpyxl gives its text, which the import refuses with the row and column. Every part
# is searched: the sheet may live at any path its relationship names.
_ERROR_CELL = re.compile(rb"""\st\s*=\s*["']e["']""")


class _Fallback(Exception):
    pass


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
        return any(_ERROR_CELL.search(archive.read(info)) for info in archive.infolist())


def _encoded(line: Any) -> bytes:
    return json.dumps(line, ensure_ascii=False, default=_tagged, separators=(",", ":")).encode() + b"\n"


def _cell(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise _Fallback("long text")
    return value


def _limit(kind: int, wanted: int) -> None:
    """Lower the limit to `wanted`, or as far as the hard limit already set allows."""
    _soft, hard = resource.getrlimit(kind)
    value = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    resource.setrlimit(kind, (value, value))


def main(memory_bytes: int, cpu_seconds: int) -> int:
    _limit(resource.RLIMIT_AS, memory_bytes)
    _limit(resource.RLIMIT_CPU, cpu_seconds)
    _limit(resource.RLIMIT_CORE, 0)  # a child killed by a limit leaves no core file behind
    out = sys.stdout.buffer
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    data = sys.stdin.buffer.read()
    if _has_error_cells(data):
        out.write(_encoded({"fallback": "error cells"}))
        return 0
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    first = next((m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet), None)
    if first is None:
        out.write(_encoded({"fallback": "no worksheet"}))
        return 0
    sheet = workbook.get_sheet_by_name(first)
    if sheet.end is None or sheet.start is None:
        # An empty sheet, or one calamine cannot decode (a UTF-16 part): openpyxl decides.
        out.write(_encoded({"fallback": "no rows"}))
        return 0
    del data
    # Rows come from row 1, cells from the sheet's first used column.
    out.write(_encoded({"rows": sheet.end[0] + 1, "left": sheet.start[1]}))
    chunk: list[bytes] = []
    size = 0
    try:
        for row in sheet.iter_rows():
            encoded = _encoded([_cell(cell) for cell in row])[:-1]
            if chunk and size + len(encoded) > CHUNK_BYTES:
                out.write(b"[" + b",".join(chunk) + b"]\n")
                chunk, size = [], 0
            chunk.append(encoded)
            size += len(encoded) + 1
    except _Fallback as reason:
        # Rows were sent already: the parent starts again with openpyxl.
        out.write(_encoded({"fallback": str(reason)}))
        return 0
    if chunk:
        out.write(b"[" + b",".join(chunk) + b"]\n")
    out.write(_encoded({"end": True}))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))

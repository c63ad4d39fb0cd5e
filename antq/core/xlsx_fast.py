"""Reading a workbook's first worksheet with python-calamine (Rust), in a child process with limits.

calamine reads an .xlsx several times faster than openpyxl's streaming reader, but it loads a sheet
as one rectangle sized by its farthest cell before giving a single row: a file with a cell at A1
and another at XFD1048576 asks for half a terabyte and aborts the process, with no Python exception
to catch (calamine issue 428). Deciding beforehand which files are safe would mean parsing the XML
exactly as calamine's parser does (it accepts more than XML allows), so calamine runs in a child
process (`core.xlsx_child`) under a memory and a CPU limit, and the rows come back as JSON lines,
streamed: a file that kills the child costs that child, and is then read by openpyxl's streaming
reader, slower but bounded. So does a file calamine would read differently from openpyxl (error
cells, a sheet calamine cannot decode): `fast_rows` answers None and the caller uses openpyxl.
"""

from __future__ import annotations

import json
import logging
import subprocess  # runs our own reader module with fixed arguments  # nosec B404
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.conf import settings

logger = logging.getLogger(__name__)

_TAGS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda seconds: timedelta(seconds=float(seconds)),
}


def _untagged(obj: dict[str, Any]) -> Any:
    """A date or duration the child wrote as {"$": kind, "v": value}; any other object as it is."""
    kind = obj.get("$")
    return _TAGS[kind](obj["v"]) if kind in _TAGS and len(obj) == 2 else obj


def _lines(process: subprocess.Popen[bytes]) -> Iterator[Any]:
    assert process.stdout is not None  # noqa: S101 - opened with stdout=PIPE
    for line in process.stdout:
        yield json.loads(line, object_hook=_untagged)


@contextmanager
def fast_rows(fh: IO[bytes]) -> Iterator[tuple[int, Iterator[Sequence[Any]]] | None]:
    """(row count, rows from row 1 and column A) of the first worksheet, or None: the file is for
    openpyxl (it killed the child, calamine failed on it, or it has cells calamine reads otherwise).

    Rows are read from the child while they are consumed; the child is ended on leaving.
    """
    fh.seek(0)
    data = fh.read()
    fh.seek(0)
    command = [
        sys.executable,
        "-I",  # isolated: no user site, no PYTHON* variables, no current directory on the path
        "-m",
        "antq.core.xlsx_child",
        str(settings.IMPORT_READER_MAX_MB * 1024 * 1024),
        str(settings.IMPORT_READER_MAX_SECONDS),
    ]
    process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell  # nosec B603
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        header = _header(process, data)
        if header is None:
            yield None
            return
        yield header, _rows(process)
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _header(process: subprocess.Popen[bytes], data: bytes) -> int | None:
    """The row count the child announces once the sheet is loaded; None if it fell back or died."""
    assert process.stdin is not None  # noqa: S101 - opened with stdin=PIPE
    try:
        process.stdin.write(data)
        process.stdin.close()
        first = next(_lines(process), None)
    except (OSError, ValueError) as exc:  # a broken pipe (the child died), an unreadable line
        logger.info("xlsx read by openpyxl: child failed (%r)", exc)
        return None
    if not isinstance(first, dict) or not isinstance(first.get("rows"), int):
        reason = first.get("fallback") if isinstance(first, dict) else f"exit {process.wait()}"
        logger.info("xlsx read by openpyxl: %s", reason)
        return None
    return int(first["rows"])


def _rows(process: subprocess.Popen[bytes]) -> Iterator[Sequence[Any]]:
    for chunk in _lines(process):
        if isinstance(chunk, dict):
            if chunk.get("end"):
                return
            break
        yield from chunk
    # The child stopped before its last line: a limit reached while reading.
    raise ValueError(f"xlsx reader stopped (exit {process.wait()})")

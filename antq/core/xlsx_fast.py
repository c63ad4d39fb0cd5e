"""Reading a workbook's first worksheet with python-calamine (Rust), in a child process with limits.

calamine reads an .xlsx several times faster than openpyxl's streaming reader, but it loads a sheet
as one rectangle sized by its farthest cell before giving a single row: a file with a cell at A1
and another at XFD1048576 asks for half a terabyte and aborts the process, with no Python exception
to catch (calamine issue 428). Deciding beforehand which files are safe would mean parsing the XML
exactly as calamine's parser does (it accepts more than XML allows; a regular-expression scan was
tried and broken in review), so calamine runs in a child process (`core.xlsx_child`) under memory,
CPU and wall-clock limits, and the rows come back as JSON lines of bounded size, streamed.

A file the child does not read to its end is read by openpyxl's streaming reader, slower but
bounded: `fast_rows` answers None before the first row (limit reached while loading, calamine
error, error cells, an empty sheet), or the rows raise `ReaderStopped` later (a limit reached while
sending, a line too long, text longer than Excel allows), and the caller starts again with openpyxl.
"""

from __future__ import annotations

import json
import logging
import subprocess  # runs our own reader module with fixed arguments  # nosec B404
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.conf import settings

logger = logging.getLogger(__name__)

# The longest line the parent accepts from the child: the child cuts chunks at 1 MiB, so only one
# huge row exceeds this, and such a row is openpyxl's to read (it shares repeated strings).
MAX_LINE = 16 << 20

_TAGS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda seconds: timedelta(seconds=float(seconds)),
}


class ReaderStopped(Exception):
    """The child stopped after sending rows: the caller must read the file again with openpyxl."""


def _untagged(obj: dict[str, Any]) -> Any:
    """A date or duration the child wrote as {"$": kind, "v": value}; any other object as it is
    (cell text is always a JSON string, so only the child's tags and lines are objects)."""
    kind = obj.get("$")
    return _TAGS[kind](obj["v"]) if kind in _TAGS and len(obj) == 2 else obj


def _line(process: subprocess.Popen[bytes]) -> Any:
    """The child's next line, decoded; None at its end. Raises ValueError for a line too long."""
    assert process.stdout is not None  # noqa: S101 - opened with stdout=PIPE
    line = process.stdout.readline(MAX_LINE)
    if not line:
        return None
    if not line.endswith(b"\n"):
        raise ValueError(f"line longer than {MAX_LINE} bytes")
    return json.loads(line, object_hook=_untagged)


def _command() -> list[str]:
    return [
        sys.executable,
        "-I",  # isolated: no user site, no PYTHON* variables, no current directory on the path
        "-m",
        "antq.core.xlsx_child",
        str(settings.IMPORT_READER_MAX_MB * 1024 * 1024),
        str(settings.IMPORT_READER_MAX_SECONDS),
    ]


@contextmanager
def fast_rows(fh: IO[bytes]) -> Iterator[tuple[int, Iterator[Sequence[Any]]] | None]:
    """(row count, rows from row 1 and column A) of the first worksheet, or None: the file is for
    openpyxl. Rows are read from the child while they are consumed; the child ends on leaving."""
    fh.seek(0)
    data = fh.read()
    fh.seek(0)
    try:
        process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell  # nosec B603
            _command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={"LC_ALL": "C.UTF-8"},  # nothing of the worker's (secret key, database address)
        )
    except OSError:
        logger.warning("xlsx reader child could not start; openpyxl reads the file", exc_info=True)
        yield None
        return
    # The CPU limit does not count waiting (a machine swapping); this does, at twice its length.
    watchdog = threading.Timer(2 * settings.IMPORT_READER_MAX_SECONDS, process.kill)
    watchdog.start()
    try:
        header = _header(process, data)
        yield None if header is None else (header[0], _rows(process, header[1]))
    finally:
        watchdog.cancel()
        process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()


def _header(process: subprocess.Popen[bytes], data: bytes) -> tuple[int, int] | None:
    """(row count, blank columns on the left) the child announces once the sheet is loaded; None if
    it fell back or died."""
    assert process.stdin is not None  # noqa: S101 - opened with stdin=PIPE
    try:
        process.stdin.write(data)
        process.stdin.close()
        first = _line(process)
    except (OSError, ValueError) as exc:  # a broken pipe (the child died), an unreadable line
        first = {"fallback": repr(exc)}
    if isinstance(first, dict) and isinstance(first.get("rows"), int) and isinstance(first.get("left"), int):
        return first["rows"], first["left"]
    if isinstance(first, dict) and "fallback" in first:
        logger.info("xlsx read by openpyxl: %s", first["fallback"])
        return None
    # No answer at all: a limit, or a child that cannot run (python-calamine or antq not importable
    # by an isolated interpreter), which would leave every import on the slow path: say so.
    logger.warning(
        "xlsx reader child ended without an answer (exit %s); openpyxl reads the file", process.wait()
    )
    return None


def _rows(process: subprocess.Popen[bytes], left: int) -> Iterator[Sequence[Any]]:
    padding = [None] * left
    while True:
        try:
            chunk = _line(process)
        except ValueError as exc:
            raise ReaderStopped(str(exc)) from exc
        if isinstance(chunk, list):
            for row in chunk:
                yield [*padding, *row] if padding else row
            continue
        if isinstance(chunk, dict) and chunk.get("end"):
            return
        reason = chunk.get("fallback") if isinstance(chunk, dict) else f"exit {process.wait()}"
        raise ReaderStopped(str(reason))

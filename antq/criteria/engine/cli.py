"""`python -m antq.criteria.engine FILE.json` (or `-` for stdin): print the result as JSON.

`read_input` is shared with `antq evaluate`: whatever the file holds (another encoding, bytes,
nesting deep enough to exhaust the stack, a number of thousands of digits, NaN), it either returns
the decoded document or raises `InputError` with a Vietnamese message saying what is wrong and
where; it never lets a decoder's own exception through.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any, NoReturn, TextIO

from .document import evaluate_document
from .errors import FactsError, FrameworkError

# A fact sheet is a few kilobytes; refuse what cannot be one before decoding it.
MAX_INPUT_BYTES = 5 * 1024 * 1024
# JSON's own messages are English: the usual ones said in Vietnamese (others are kept as they are).
_JSON_MESSAGES = {
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên khóa phải đặt trong dấu ngoặc kép",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Unterminated string starting at": "chuỗi chưa có dấu ngoặc kép đóng",
    "Invalid control character at": "có ký tự điều khiển trong chuỗi",
    "Invalid \\escape": "chuỗi thoát (\\) không hợp lệ",
    "Invalid \\uXXXX escape": "chuỗi thoát \\u không hợp lệ",
    "Extra data": "có dữ liệu thừa sau đối tượng JSON",
}


class InputError(ValueError):
    """The input cannot be read as a JSON document; the message (Vietnamese) says why."""


# What the engine's own checks should have caught but did not (a value of the wrong type reaching
# a set lookup, an attribute access): the command still answers with a message, not a traceback.
UNCHECKED = (TypeError, AttributeError, KeyError, IndexError)


def unchecked_input(exc: Exception) -> InputError:
    """The Vietnamese refusal for an input the engine's validation let through by mistake."""
    return InputError(
        "Phiếu dữ kiện không hợp lệ: có giá trị sai kiểu mà bước kiểm tra chưa nhận ra "
        f"({str(exc)[:120]}). Hãy đối chiếu phiếu với docs/engine.md."
    )


def _refuse_constant(name: str) -> NoReturn:
    raise InputError(f"Tệp có giá trị {name}, không hợp lệ trong JSON (hãy dùng số hoặc null).")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 decodes to infinity
        raise InputError(f"Số {text[:40]} quá lớn.")
    return value


def parse_json(raw: bytes | str, name: str = "-") -> Any:
    """The JSON document in `raw` (UTF-8, with or without a BOM); InputError otherwise."""
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError(f"Tệp {name} lớn hơn giới hạn {MAX_INPUT_BYTES // (1024 * 1024)} MB.")
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"Tệp {name} không phải văn bản UTF-8 (byte thứ {exc.start + 1} không đọc được)."
            ) from exc
    else:
        text = raw.removeprefix("\ufeff")  # Notepad on Windows writes a BOM
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        message = _JSON_MESSAGES.get(exc.msg, exc.msg)
        raise InputError(
            f"Tệp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}): {message}"
        ) from exc
    except RecursionError as exc:
        raise InputError("Tệp JSON lồng nhau quá sâu.") from exc
    except InputError:
        raise
    except ValueError as exc:  # an integer of more digits than Python converts (sys.int_info)
        raise InputError(f"Tệp có số nguyên quá dài (hơn {sys.get_int_max_str_digits()} chữ số).") from exc


def read_input(name: str, stdin: TextIO) -> Any:
    """The document in file `name` (or stdin for "-"); InputError if it cannot be read as JSON.

    OSError (no such file, no permission) is left to the caller, which names the file."""
    if name == "-":
        buffer = getattr(stdin, "buffer", None)
        raw: bytes | str = buffer.read(MAX_INPUT_BYTES + 1) if buffer is not None else stdin.read()
        return parse_json(raw, "(stdin)")
    with open(name, "rb") as handle:
        return parse_json(handle.read(MAX_INPUT_BYTES + 1), name)


def main(
    argv: list[str] | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        stderr.write("Cách dùng: python -m antq.criteria.engine TỆP.json (hoặc - để đọc từ stdin)\n")
        return 2
    try:
        document = read_input(args[0], stdin)
        try:
            result = evaluate_document(document)
        except UNCHECKED as exc:
            raise unchecked_input(exc) from exc
    except OSError as exc:
        stderr.write(f"Không đọc được tệp {args[0]}: {exc.strerror or exc}\n")
        return 2
    except (InputError, FactsError, FrameworkError) as exc:
        stderr.write(f"{exc}\n")
        return 1
    stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0

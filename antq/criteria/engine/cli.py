"""`python -m antq.criteria.engine FILE.json` (or `-` for stdin): print the result as JSON."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from .document import evaluate_document
from .errors import FactsError, FrameworkError


def read_input(name: str, stdin: TextIO) -> Any:
    if name == "-":
        return json.load(stdin)
    with open(name, encoding="utf-8") as handle:
        return json.load(handle)


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
        result = evaluate_document(document)
    except OSError as exc:
        stderr.write(f"Không đọc được tệp {args[0]}: {exc}\n")
        return 2
    except json.JSONDecodeError as exc:
        stderr.write(f"Tệp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}): {exc.msg}\n")
        return 1
    except (FactsError, FrameworkError) as exc:
        stderr.write(f"{exc}\n")
        return 1
    stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0

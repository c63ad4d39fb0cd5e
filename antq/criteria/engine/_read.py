"""Small helpers to read untrusted JSON objects while collecting problems (messages in Vietnamese)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from .errors import Problems

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def mapping(value: Any, path: str, problems: Problems) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    problems.add(path, f"phải là một đối tượng JSON, nhận được {type_name(value)}")
    return None


def sequence(value: Any, path: str, problems: Problems) -> list[Any] | None:
    if isinstance(value, list):
        return value
    problems.add(path, f"phải là một danh sách, nhận được {type_name(value)}")
    return None


def type_name(value: Any) -> str:
    names = {bool: "giá trị đúng/sai", int: "số nguyên", float: "số thực", str: "chuỗi", list: "danh sách"}
    names[dict] = "đối tượng"
    if value is None:
        return "giá trị rỗng (null)"
    return names.get(type(value), type(value).__name__)


def unknown_keys(data: dict[str, Any], allowed: Iterable[str], path: str, problems: Problems) -> None:
    allowed_set = set(allowed)
    for key in data:
        if key not in allowed_set:
            problems.add(
                join(path, str(key)),
                f"khóa không được hỗ trợ; các khóa hợp lệ: {', '.join(sorted(allowed_set))}",
            )


def text(data: dict[str, Any], key: str, path: str, problems: Problems, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        if required:
            problems.add(join(path, key), "thiếu trường bắt buộc")
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.add(join(path, key), f"phải là chuỗi không rỗng, nhận được {type_name(value)}")
        return ""
    return value


def boolean(
    data: dict[str, Any], key: str, path: str, problems: Problems, *, default: bool | None = None
) -> bool:
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    if value is None:
        problems.add(join(path, key), "thiếu trường bắt buộc (đúng/sai)")
    else:
        problems.add(join(path, key), f"phải là true hoặc false, nhận được {type_name(value)}")
    return False


def non_negative_int(value: Any, path: str, problems: Problems) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(path, f"phải là số nguyên không âm, nhận được {type_name(value)}")
        return None
    if value < 0:
        problems.add(path, f"không được âm (nhận được {value})")
        return None
    return value


def iso_date(value: Any, path: str, problems: Problems) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # YAML parses unquoted dates
    if not isinstance(value, str) or not ISO_DATE.match(value):
        problems.add(path, f"phải là ngày theo định dạng ISO YYYY-MM-DD, nhận được {value!r}")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.add(path, f"ngày không tồn tại: {value!r}")
        return None


def month_day(value: Any, path: str, problems: Problems) -> str:
    match = MONTH_DAY.match(value) if isinstance(value, str) else None
    if not match:
        problems.add(path, f"phải có dạng MM-DD, nhận được {value!r}")
        return "01-01"
    try:
        dt.date(2000, int(match[1]), int(match[2]))  # 2000 is a leap year: 02-29 is accepted
    except ValueError:
        problems.add(path, f"ngày-tháng không tồn tại: {value!r}")
        return "01-01"
    return value


def string_list(value: Any, path: str, problems: Problems) -> tuple[str, ...]:
    items = sequence(value, path, problems)
    if items is None:
        return ()
    out: list[str] = []
    for i, item in enumerate(items):
        if isinstance(item, str) and item:
            out.append(item)
        else:
            problems.add(join(path, i), f"phải là chuỗi không rỗng, nhận được {type_name(item)}")
    return tuple(out)

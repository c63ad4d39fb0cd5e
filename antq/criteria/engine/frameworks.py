"""Load and validate framework files (TT 124 criteria, QĐ 510 sheets) into `schema` dataclasses.

`load_framework` checks everything before building anything and raises one `FrameworkError` that
lists every problem with its file, its path (e.g. `criteria_sets.khu_dan_cu.criteria[3].checks[0].op`)
and the reason in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import yaml

from . import _read as r
from .errors import FrameworkError, Problems
from .schema import (
    CHECK_TYPES,
    OPS,
    Check,
    CheckType,
    CriteriaSet,
    Criterion,
    Exclusion,
    Framework,
    IncidentType,
    RatingScale,
    Source,
    SubItem,
    TT124Framework,
    UnitType,
    Window,
)

TOP_KEYS_TT124 = [
    "framework",
    "version",
    "title_vi",
    "effective_from",
    "verified",
    "source",
    "evaluation_windows",
    "unit_types",
    "exclusions",
    "unit_attributes",
    "rating_scales",
    "excuse_flags",
    "incident_types",
    "criteria_sets",
]


def read_document(path_or_dict: str | Path | Mapping[str, Any]) -> tuple[Any, str]:
    """Return (parsed data, file label). Raises FrameworkError for unreadable YAML."""
    if isinstance(path_or_dict, Mapping):
        return dict(path_or_dict), "<dict>"
    path = Path(path_or_dict)
    problems = Problems(str(path))
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")), str(path)
    except (OSError, yaml.YAMLError) as exc:
        problems.add("", f"không đọc được tệp YAML: {exc}")
        raise FrameworkError(problems.items) from exc


def load_framework(path_or_dict: str | Path | Mapping[str, Any]) -> Framework:
    data, file = read_document(path_or_dict)
    problems = Problems(file)
    framework = validate_framework(data, problems)
    if problems or framework is None:
        raise FrameworkError(problems.items)
    return framework


def validate_framework(data: Any, problems: Problems) -> Framework | None:
    """Validate one document; add problems; return the framework only if there were none."""
    from .sheets import parse_sheet  # local import: sheets imports helpers from this module

    doc = r.mapping(data, "", problems)
    if doc is None:
        return None
    kind = doc.get("framework")
    before = len(problems.items)
    result: Framework | None
    if kind == "tt124":
        result = parse_tt124(doc, problems)
    elif kind == "qd510":
        result = parse_sheet(doc, problems)
    else:
        problems.add("framework", f"phải là 'tt124' hoặc 'qd510', nhận được {kind!r}")
        return None
    return result if len(problems.items) == before else None


def parse_header(doc: dict[str, Any], problems: Problems) -> tuple[str, bool, Source, dt.date]:
    version = doc.get("version")
    if not isinstance(version, str) or not version:
        problems.add("version", 'phải là chuỗi phiên bản không rỗng, ví dụ "2021.1" (đặt trong dấu nháy)')
        version = ""
    verified = r.boolean(doc, "verified", "", problems)
    src = r.mapping(doc.get("source"), "source", problems) or {}
    source = Source(
        document=r.text(src, "document", "source", problems),
        verification=str(src.get("verification", "")),
        articles=str(src.get("articles", "")),
    )
    effective = r.iso_date(doc.get("effective_from"), "effective_from", problems) or dt.date.min
    return version, verified, source, effective


def parse_tt124(doc: dict[str, Any], problems: Problems) -> TT124Framework:
    r.unknown_keys(doc, TOP_KEYS_TT124, "", problems)
    version, verified, source, effective = parse_header(doc, problems)
    windows = _windows(doc.get("evaluation_windows"), problems)
    attributes = _labelled(doc.get("unit_attributes"), "unit_attributes", problems)
    flags = _labelled(doc.get("excuse_flags"), "excuse_flags", problems)
    scales = _scales(doc.get("rating_scales", {}), problems)
    incidents = _incident_types(doc.get("incident_types"), flags, problems)
    ctx = _CheckContext(attributes, scales)
    sets = _criteria_sets(doc.get("criteria_sets"), ctx, incidents, problems)
    unit_types = _unit_types(doc.get("unit_types"), windows, sets, problems)
    exclusions = _exclusions(doc.get("exclusions", {}), unit_types, problems)
    return TT124Framework(
        framework="tt124",
        version=version,
        title_vi=r.text(doc, "title_vi", "", problems),
        verified=verified,
        source=source,
        effective_from=effective,
        windows=windows,
        unit_types=unit_types,
        exclusions=exclusions,
        unit_attributes=attributes,
        rating_scales=scales,
        excuse_flags=flags,
        incident_types=incidents,
        criteria_sets=sets,
    )


def _labelled(value: Any, path: str, problems: Problems) -> dict[str, str]:
    data = r.mapping(value, path, problems) or {}
    out: dict[str, str] = {}
    for name, body in data.items():
        item = r.mapping(body, r.join(path, name), problems) or {}
        out[name] = r.text(item, "label_vi", r.join(path, name), problems)
    return out


def _windows(value: Any, problems: Problems) -> dict[str, Window]:
    data = r.mapping(value, "evaluation_windows", problems) or {}
    out: dict[str, Window] = {}
    for name, body in data.items():
        path = r.join("evaluation_windows", name)
        item = r.mapping(body, path, problems) or {}
        start = r.month_day(item.get("from"), r.join(path, "from"), problems)
        end = r.month_day(item.get("to"), r.join(path, "to"), problems)
        label = r.text(item, "label_vi", path, problems)
        r.unknown_keys(item, ("label_vi", "from", "to", "article", "from_year_offset"), path, problems)
        offset = _year_offset(item, start, end, r.join(path, "from_year_offset"), problems)
        out[name] = Window(name, label, start, end, str(item.get("article", "")), offset)
    return out


def _year_offset(item: dict[str, Any], start: str, end: str, path: str, problems: Problems) -> int:
    """`from_year_offset`: the year of `from` relative to the evaluated year, -1 or 0. When absent,
    -1 if `from` comes after `to` in the calendar (the window spans the turn of the year), else 0."""
    spans_new_year = start > end  # "MM-DD" strings compare as dates
    if "from_year_offset" not in item:
        return -1 if spans_new_year else 0
    value = item["from_year_offset"]
    if isinstance(value, bool) or value not in (-1, 0):
        problems.add(path, f"phải là -1 (năm trước năm đánh giá) hoặc 0 (cùng năm), nhận được {value!r}")
        return -1
    if value == 0 and spans_new_year:
        problems.add(
            path, f"kỳ đánh giá trong cùng một năm nhưng ngày bắt đầu {start} sau ngày kết thúc {end}"
        )
    if value == -1 and not spans_new_year:
        problems.add(path, f"kỳ đánh giá từ {start} năm trước đến {end} dài hơn một năm")
    return int(value)


def _scales(value: Any, problems: Problems) -> dict[str, RatingScale]:
    data = r.mapping(value, "rating_scales", problems) or {}
    out: dict[str, RatingScale] = {}
    for name, body in data.items():
        path = r.join("rating_scales", name)
        item = r.mapping(body, path, problems) or {}
        labels: dict[str, str] = {}
        levels: list[str] = []
        extras: list[str] = []
        for key, target in (("levels", levels), ("extra_values", extras)):
            for i, lv in enumerate(r.sequence(item.get(key, []), r.join(path, key), problems) or []):
                lv_path = r.join(r.join(path, key), i)
                lv_map = r.mapping(lv, lv_path, problems) or {}
                code = r.text(lv_map, "code", lv_path, problems)
                labels[code] = r.text(lv_map, "label_vi", lv_path, problems)
                target.append(code)
        if not levels:
            problems.add(r.join(path, "levels"), "thang đánh giá phải có ít nhất một mức")
        out[name] = RatingScale(
            name, r.text(item, "label_vi", path, problems), tuple(levels), labels, tuple(extras)
        )
    return out


def _incident_types(value: Any, flags: dict[str, str], problems: Problems) -> dict[str, IncidentType]:
    data = r.mapping(value, "incident_types", problems) or {}
    out: dict[str, IncidentType] = {}
    for code, body in data.items():
        path = r.join("incident_types", code)
        if not str(code).startswith("INC_"):
            problems.add(path, "mã loại sự việc phải bắt đầu bằng INC_")
        item = r.mapping(body, path, problems) or {}
        r.unknown_keys(item, ("label_vi", "excused_by"), path, problems)
        excused = r.string_list(item.get("excused_by", []), r.join(path, "excused_by"), problems)
        for i, flag in enumerate(excused):
            if flag not in flags:
                problems.add(
                    r.join(r.join(path, "excused_by"), i),
                    f"cờ miễn trừ không có trong excuse_flags: {flag!r}",
                )
        out[code] = IncidentType(code, r.text(item, "label_vi", path, problems), excused)
    return out


class _CheckContext:
    def __init__(self, attributes: dict[str, str], scales: dict[str, RatingScale]) -> None:
        self.attributes = attributes
        self.scales = scales


def parse_fraction(value: Any, path: str, problems: Problems) -> Fraction | None:
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError
        frac = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        problems.add(path, f'phải là một phân số chính xác như "7/10" hoặc "1", nhận được {value!r}')
        return None
    if not 0 <= frac <= 1:
        problems.add(path, f"tỷ lệ phải nằm trong [0, 1], nhận được {value!r}")
        return None
    return frac


CHECK_KEYS = [
    "key",
    "type",
    "label_vi",
    "op",
    "value",
    "scale",
    "min",
    "also_accept",
    "must_include",
    "when",
    "interpretation",
]


def _check(value: Any, path: str, ctx: _CheckContext, problems: Problems) -> Check | None:
    item = r.mapping(value, path, problems)
    if item is None:
        return None
    r.unknown_keys(item, CHECK_KEYS, path, problems)
    key = r.text(item, "key", path, problems)
    label = r.text(item, "label_vi", path, problems)
    kind = item.get("type")
    if kind not in CHECK_TYPES:
        problems.add(
            r.join(path, "type"),
            f"loại kiểm tra không hợp lệ {kind!r}; chọn một trong: {', '.join(CHECK_TYPES)}",
        )
        return None
    op = item.get("op", "<=" if kind == "trend" else "==")
    if kind in ("count", "ratio", "trend") and op not in OPS:
        problems.add(
            r.join(path, "op"), f"phép so sánh không hợp lệ {op!r}; chọn một trong: {', '.join(OPS)}"
        )
    number: Fraction | int | None = None
    if kind == "count":
        number = r.non_negative_int(item.get("value"), r.join(path, "value"), problems)
    elif kind == "ratio":
        number = parse_fraction(item.get("value"), r.join(path, "value"), problems)
    when = r.string_list(item.get("when", []), r.join(path, "when"), problems)
    for i, attr in enumerate(when):
        if attr not in ctx.attributes:
            problems.add(
                r.join(r.join(path, "when"), i), f"thuộc tính đơn vị không có trong unit_attributes: {attr!r}"
            )
    scale = item.get("scale")
    min_level = item.get("min")
    also = r.string_list(item.get("also_accept", []), r.join(path, "also_accept"), problems)
    if kind == "rating":
        found = ctx.scales.get(scale) if isinstance(scale, str) else None
        if found is None:
            problems.add(r.join(path, "scale"), f"thang đánh giá không tồn tại: {scale!r}")
        else:
            if min_level not in found.levels:
                problems.add(r.join(path, "min"), f"mức {min_level!r} không thuộc thang {scale!r}")
            for i, extra in enumerate(also):
                if extra not in found.levels + found.extra_values:
                    problems.add(
                        r.join(r.join(path, "also_accept"), i),
                        f"giá trị {extra!r} không thuộc thang {scale!r}",
                    )
    must: tuple[str, ...] = ()
    if kind == "set":
        must = r.string_list(item.get("must_include"), r.join(path, "must_include"), problems)
        if not must:
            problems.add(r.join(path, "must_include"), "phải liệt kê ít nhất một giá trị bắt buộc")
    return Check(
        key=key,
        type=cast(CheckType, kind),
        label_vi=label,
        op=str(op),
        value=number,
        scale=scale if isinstance(scale, str) else None,
        min_level=min_level if isinstance(min_level, str) else None,
        also_accept=also,
        must_include=must,
        when=when,
        interpretation=item.get("interpretation"),
    )


def _checks(value: Any, path: str, ctx: _CheckContext, problems: Problems) -> tuple[Check, ...]:
    items = r.sequence(value, path, problems) or []
    checks = [_check(v, r.join(path, i), ctx, problems) for i, v in enumerate(items)]
    return tuple(c for c in checks if c is not None)


def _sub_item(
    value: Any, path: str, ctx: _CheckContext, incidents: dict[str, IncidentType], problems: Problems
) -> SubItem:
    item = r.mapping(value, path, problems) or {}
    r.unknown_keys(item, ("id", "text_vi", "incidents", "checks"), path, problems)
    codes = r.string_list(item.get("incidents", []), r.join(path, "incidents"), problems)
    for i, code in enumerate(codes):
        if code not in incidents:
            problems.add(
                r.join(r.join(path, "incidents"), i), f"loại sự việc không có trong incident_types: {code!r}"
            )
    checks = _checks(item.get("checks", []), r.join(path, "checks"), ctx, problems)
    if not codes and not checks:
        problems.add(path, "tiểu mục phải có ít nhất một loại sự việc (incidents) hoặc một kiểm tra (checks)")
    return SubItem(r.text(item, "id", path, problems), str(item.get("text_vi", "")), codes, checks)


CRITERION_KEYS = ("id", "text_vi", "checks", "sub_items", "reuse", "reuse_sub_items_of", "include")


def _criteria_sets(
    value: Any, ctx: _CheckContext, incidents: dict[str, IncidentType], problems: Problems
) -> dict[str, CriteriaSet]:
    data = r.mapping(value, "criteria_sets", problems) or {}
    parsed: dict[str, Criterion] = {}
    pending: list[tuple[str, int, dict[str, Any], str]] = []  # (set name, index, raw, path) needing reuse
    order: dict[str, list[str]] = {}
    articles: dict[str, str] = {}
    for name, body in data.items():
        set_path = r.join("criteria_sets", name)
        item = r.mapping(body, set_path, problems) or {}
        articles[name] = str(item.get("article", ""))
        if item.get("rule", "all_of") != "all_of":
            problems.add(r.join(set_path, "rule"), "chỉ hỗ trợ quy tắc 'all_of' (mọi tiêu chí phải đạt)")
        order[name] = []
        for i, raw in enumerate(
            r.sequence(item.get("criteria"), r.join(set_path, "criteria"), problems) or []
        ):
            path = r.join(r.join(set_path, "criteria"), i)
            crit = r.mapping(raw, path, problems)
            if crit is None:
                continue
            r.unknown_keys(crit, CRITERION_KEYS, path, problems)
            cid = r.text(crit, "id", path, problems)
            if cid in parsed or any(p[2].get("id") == cid for p in pending):
                problems.add(r.join(path, "id"), f"mã tiêu chí bị trùng: {cid!r}")
            order[name].append(cid)
            if "reuse" in crit or "reuse_sub_items_of" in crit:
                pending.append((name, i, crit, path))
                continue
            parsed[cid] = _criterion(crit, path, ctx, incidents, problems)
    for _name, _i, crit, path in pending:
        parsed[str(crit.get("id"))] = _reused(crit, path, parsed, problems)
    for cid, criterion in parsed.items():
        _unique_keys(criterion, cid, problems)
    return {
        name: CriteriaSet(name, articles[name], tuple(parsed[c] for c in ids if c in parsed))
        for name, ids in order.items()
    }


def _criterion(
    crit: dict[str, Any],
    path: str,
    ctx: _CheckContext,
    incidents: dict[str, IncidentType],
    problems: Problems,
) -> Criterion:
    checks = _checks(crit.get("checks", []), r.join(path, "checks"), ctx, problems)
    raw_subs = r.sequence(crit.get("sub_items", []), r.join(path, "sub_items"), problems) or []
    subs = tuple(
        _sub_item(v, r.join(r.join(path, "sub_items"), i), ctx, incidents, problems)
        for i, v in enumerate(raw_subs)
    )
    if not checks and not subs:
        problems.add(path, "tiêu chí phải có kiểm tra (checks) hoặc tiểu mục (sub_items)")
    seen: set[str] = set()
    for i, sub in enumerate(subs):
        if sub.id in seen:
            problems.add(
                r.join(r.join(r.join(path, "sub_items"), i), "id"), f"mã tiểu mục bị trùng: {sub.id!r}"
            )
        seen.add(sub.id)
    return Criterion(
        r.text(crit, "id", path, problems), r.text(crit, "text_vi", path, problems), checks, subs
    )


def _reused(crit: dict[str, Any], path: str, parsed: dict[str, Criterion], problems: Problems) -> Criterion:
    cid = r.text(crit, "id", path, problems)
    text_vi = r.text(crit, "text_vi", path, problems)
    subs: list[SubItem] = []
    if "reuse" in crit:
        for i, ref in enumerate(r.string_list(crit["reuse"], r.join(path, "reuse"), problems)):
            source = parsed.get(ref)
            if source is None:
                problems.add(
                    r.join(r.join(path, "reuse"), i),
                    f"tiêu chí được dùng lại không tồn tại (hoặc cũng dùng lại): {ref!r}",
                )
                continue
            short = ref.split(".", 1)[1] if "." in ref else ref
            if source.checks:
                subs.append(SubItem(short, source.text_vi, (), source.checks))
            subs.extend(
                SubItem(f"{short}.{s.id}", s.text_vi or source.text_vi, s.incidents, s.checks)
                for s in source.sub_items
            )
    else:
        base = crit.get("reuse_sub_items_of")
        found = parsed.get(base) if isinstance(base, str) else None
        if found is None:
            problems.add(
                r.join(path, "reuse_sub_items_of"), f"tiêu chí được dùng lại không tồn tại: {base!r}"
            )
            return Criterion(cid, text_vi)
        include = r.string_list(crit.get("include"), r.join(path, "include"), problems)
        by_id = {s.id: s for s in found.sub_items}
        for i, sid in enumerate(include):
            if sid not in by_id:
                problems.add(r.join(r.join(path, "include"), i), f"{base} không có tiểu mục {sid!r}")
            else:
                subs.append(by_id[sid])
    return Criterion(cid, text_vi, (), tuple(subs))


def _unique_keys(criterion: Criterion, cid: str, problems: Problems) -> None:
    seen: set[str] = set()
    for check in criterion.all_checks:
        if check.key in seen:
            problems.add(cid, f"khóa kiểm tra {check.key!r} xuất hiện hai lần trong cùng tiêu chí")
        seen.add(check.key)


def _unit_types(
    value: Any, windows: dict[str, Window], sets: dict[str, CriteriaSet], problems: Problems
) -> dict[str, UnitType]:
    data = r.mapping(value, "unit_types", problems) or {}
    out: dict[str, UnitType] = {}
    for name, body in data.items():
        path = r.join("unit_types", name)
        item = r.mapping(body, path, problems) or {}
        criteria_set = r.text(item, "criteria_set", path, problems)
        window = r.text(item, "window", path, problems)
        if criteria_set and criteria_set not in sets:
            problems.add(r.join(path, "criteria_set"), f"bộ tiêu chí không tồn tại: {criteria_set!r}")
        if window and window not in windows:
            problems.add(r.join(path, "window"), f"kỳ đánh giá không tồn tại: {window!r}")
        out[name] = UnitType(
            name,
            r.text(item, "code", path, problems),
            r.text(item, "label_vi", path, problems),
            criteria_set,
            window,
        )
    return out


def _exclusions(value: Any, unit_types: dict[str, UnitType], problems: Problems) -> dict[str, Exclusion]:
    data = r.mapping(value, "exclusions", problems) or {}
    out: dict[str, Exclusion] = {}
    for code, body in data.items():
        path = r.join("exclusions", code)
        item = r.mapping(body, path, problems) or {}
        applies = r.string_list(item.get("applies_to"), r.join(path, "applies_to"), problems)
        for i, unit_type in enumerate(applies):
            if unit_type not in unit_types:
                problems.add(
                    r.join(r.join(path, "applies_to"), i), f"loại đơn vị không tồn tại: {unit_type!r}"
                )
        out[code] = Exclusion(code, r.text(item, "label_vi", path, problems), applies)
    return out

"""Validate a QĐ 510 score sheet document into a `ScoreSheet`."""

from __future__ import annotations

from typing import Any

from . import _read as r
from .errors import Problems
from .frameworks import parse_header
from .schema import AwardRule, Bonus, Classification, Level, ScoreSheet, SheetItem, SheetSubItem

TOP_KEYS = [
    "framework",
    "sheet",
    "version",
    "title_vi",
    "effective_from",
    "verified",
    "source",
    "applies_to",
    "total_max",
    "columns",
    "items",
    "classification",
    "award_rule",
]
COLUMNS = ("self", "superior")
DERIVATIONS = ("tt124_recognition",)


def parse_sheet(doc: dict[str, Any], problems: Problems) -> ScoreSheet:
    r.unknown_keys(doc, TOP_KEYS, "", problems)
    version, verified, source, effective = parse_header(doc, problems)
    total_max = r.non_negative_int(doc.get("total_max"), "total_max", problems) or 0
    columns = _columns(doc.get("columns"), problems)
    raw_items = r.sequence(doc.get("items"), "items", problems) or []
    items = tuple(_item(v, r.join("items", i), problems) for i, v in enumerate(raw_items))
    _check_ids(items, problems)
    computed = sum(item.max_points for item in items)
    if items and computed != total_max:
        problems.add("total_max", f"tổng điểm tối đa các mục là {computed}, khác total_max = {total_max}")
    classification = _classification(doc.get("classification"), total_max, problems)
    award = _award_rule(doc.get("award_rule"), classification, problems)
    return ScoreSheet(
        framework="qd510",
        sheet=r.text(doc, "sheet", "", problems),
        version=version,
        title_vi=r.text(doc, "title_vi", "", problems),
        verified=verified,
        source=source,
        effective_from=effective,
        applies_to=r.string_list(doc.get("applies_to"), "applies_to", problems),
        total_max=total_max,
        columns=columns,
        items=items,
        classification=classification,
        award_rule=award,
    )


def _columns(value: Any, problems: Problems) -> dict[str, str]:
    data = r.mapping(value, "columns", problems) or {}
    out: dict[str, str] = {}
    for name in COLUMNS:
        body = r.mapping(data.get(name), r.join("columns", name), problems) or {}
        out[name] = r.text(body, "label_vi", r.join("columns", name), problems)
    r.unknown_keys(data, COLUMNS, "columns", problems)
    return out


def _points(data: dict[str, Any], path: str, problems: Problems) -> int:
    value = r.non_negative_int(data.get("max_points"), r.join(path, "max_points"), problems)
    return value or 0


def _links(data: dict[str, Any], path: str, problems: Problems) -> tuple[tuple[str, ...], str | None]:
    links = r.string_list(data.get("linked_incidents", []), r.join(path, "linked_incidents"), problems)
    for i, code in enumerate(links):
        if not code.startswith("INC_"):
            problems.add(
                r.join(r.join(path, "linked_incidents"), i),
                f"mã loại sự việc phải bắt đầu bằng INC_: {code!r}",
            )
    derived = data.get("derived_from")
    if derived is not None and derived not in DERIVATIONS:
        problems.add(
            r.join(path, "derived_from"),
            f"nguồn suy ra không hỗ trợ {derived!r}; chọn: {', '.join(DERIVATIONS)}",
        )
        derived = None
    return links, derived


def _item(value: Any, path: str, problems: Problems) -> SheetItem:
    data = r.mapping(value, path, problems) or {}
    r.unknown_keys(
        data,
        ("id", "label_vi", "max_points", "sub_items", "linked_incidents", "derived_from", "bonus"),
        path,
        problems,
    )
    max_points = _points(data, path, problems)
    links, derived = _links(data, path, problems)
    subs: list[SheetSubItem] = []
    for i, raw in enumerate(r.sequence(data.get("sub_items", []), r.join(path, "sub_items"), problems) or []):
        sub_path = r.join(r.join(path, "sub_items"), i)
        sub = r.mapping(raw, sub_path, problems) or {}
        r.unknown_keys(
            sub, ("id", "label_vi", "max_points", "linked_incidents", "derived_from"), sub_path, problems
        )
        sub_links, sub_derived = _links(sub, sub_path, problems)
        subs.append(
            SheetSubItem(
                r.text(sub, "id", sub_path, problems),
                r.text(sub, "label_vi", sub_path, problems),
                _points(sub, sub_path, problems),
                sub_links,
                sub_derived,
            )
        )
    if subs and sum(s.max_points for s in subs) != max_points:
        problems.add(
            r.join(path, "max_points"),
            f"tổng điểm các tiểu mục là {sum(s.max_points for s in subs)}, khác max_points = {max_points}",
        )
    bonus = (
        _bonus(data.get("bonus"), r.join(path, "bonus"), max_points, problems) if "bonus" in data else None
    )
    if bonus and subs:
        problems.add(r.join(path, "bonus"), "mục điểm thưởng không được có tiểu mục")
    return SheetItem(
        r.text(data, "id", path, problems),
        r.text(data, "label_vi", path, problems),
        max_points,
        tuple(subs),
        links,
        derived,
        bonus,
    )


def _bonus(value: Any, path: str, max_points: int, problems: Problems) -> Bonus | None:
    data = r.mapping(value, path, problems)
    if data is None:
        return None
    numbers = [
        r.non_negative_int(data.get(k), r.join(path, k), problems)
        for k in ("per_collective_award", "per_individual_award", "cap")
    ]
    collective, individual, cap = (n or 0 for n in numbers)
    if cap > max_points:
        problems.add(r.join(path, "cap"), f"mức trần {cap} lớn hơn điểm tối đa của mục ({max_points})")
    return Bonus(collective, individual, cap)


def _check_ids(items: tuple[SheetItem, ...], problems: Problems) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            problems.add(r.join(r.join("items", i), "id"), f"mã mục bị trùng: {item.id!r}")
        seen.add(item.id)
        sub_ids = [s.id for s in item.sub_items]
        for j, sid in enumerate(sub_ids):
            if sub_ids.index(sid) != j:
                problems.add(
                    r.join(r.join(r.join("items", i), "sub_items"), j), f"mã tiểu mục bị trùng: {sid!r}"
                )


def _classification(value: Any, total_max: int, problems: Problems) -> Classification | None:
    if value is None:
        return None
    path = "classification"
    data = r.mapping(value, path, problems) or {}
    r.unknown_keys(data, ("based_on", "verified", "illustrative", "note_vi", "levels"), path, problems)
    based_on = data.get("based_on", "superior")
    if based_on not in COLUMNS:
        problems.add(r.join(path, "based_on"), f"phải là 'self' hoặc 'superior', nhận được {based_on!r}")
    levels: list[Level] = []
    for i, raw in enumerate(r.sequence(data.get("levels"), r.join(path, "levels"), problems) or []):
        lv_path = r.join(r.join(path, "levels"), i)
        lv = r.mapping(raw, lv_path, problems) or {}
        minimum = r.non_negative_int(lv.get("min"), r.join(lv_path, "min"), problems) or 0
        if minimum > total_max:
            problems.add(r.join(lv_path, "min"), f"ngưỡng {minimum} lớn hơn tổng điểm tối đa {total_max}")
        levels.append(
            Level(r.text(lv, "code", lv_path, problems), r.text(lv, "label_vi", lv_path, problems), minimum)
        )
    if not levels:
        problems.add(r.join(path, "levels"), "phải có ít nhất một mức phân loại")
    for i in range(1, len(levels)):
        if levels[i].min_points >= levels[i - 1].min_points:
            problems.add(
                r.join(r.join(r.join(path, "levels"), i), "min"),
                "các mức phải xếp từ cao xuống thấp, ngưỡng giảm dần",
            )
    if levels and levels[-1].min_points != 0:
        problems.add(
            r.join(r.join(r.join(path, "levels"), len(levels) - 1), "min"),
            "mức thấp nhất phải có ngưỡng 0 để mọi tổng điểm đều được xếp loại",
        )
    verified = r.boolean(data, "verified", path, problems)
    illustrative = data.get("illustrative", False) is True
    if verified and illustrative:
        problems.add(
            r.join(path, "illustrative"), "ngưỡng minh họa không thể đồng thời được đánh dấu đã xác minh"
        )
    return Classification(str(based_on), verified, illustrative, str(data.get("note_vi", "")), tuple(levels))


def _award_rule(value: Any, classification: Classification | None, problems: Problems) -> AwardRule | None:
    if value is None:
        return None
    path = "award_rule"
    data = r.mapping(value, path, problems) or {}
    min_level = r.text(data, "min_level", path, problems)
    if classification is None:
        problems.add(path, "quy tắc khen thưởng cần có phần classification")
    elif min_level and min_level not in [lv.code for lv in classification.levels]:
        problems.add(r.join(path, "min_level"), f"mức {min_level!r} không có trong classification.levels")
    return AwardRule(
        requires_recognized=r.boolean(data, "requires_recognized", path, problems),
        min_level=min_level,
        verified=r.boolean(data, "verified", path, problems),
        source_vi=str(data.get("source_vi", "")),
    )

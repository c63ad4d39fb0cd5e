"""Fact sheets: what happened in one unit during one evaluation year, validated against the frameworks.

`parse_facts` rejects (never clips or guesses) anything it cannot use and raises one `FactsError`
listing every problem with its field path (e.g. `incidents[2].date`) and a Vietnamese message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from . import _read as r
from .errors import FactsError, Problems
from .library import Library, load_library, not_in_force
from .schema import Check, Criterion, ScoreSheet, TT124Framework

TOP_KEYS = ("schema_version", "unit", "year", "frameworks", "answers", "incidents", "scores", "notes", "meta")
UNIT_META_KEYS = ("type", "name", "code", "id", "exclusion")
# `unit` (where in the unit's area it happened, e.g. which KDC of a commune) is informational: rules.md
# §1.5 lists it among the incident log's fields; the incident counts for the fact sheet's unit.
# The excuse flags (`force_majeure`, `timely_handled`…) are the keys of the framework's `excuse_flags`.
INCIDENT_KEYS = ("type", "date", "description", "id", "unit")


@dataclass(frozen=True)
class RatioFact:
    met: int
    total: int
    excluded: int = 0

    @property
    def denominator(self) -> int:
        return self.total - self.excluded


@dataclass(frozen=True)
class TrendFact:
    current: int
    previous_year: int


AnswerValue = bool | int | str | tuple[str, ...] | RatioFact | TrendFact


@dataclass(frozen=True)
class Answer:
    """Answers given at one address (a criterion id or a sub-item id)."""

    judgment: bool | None = None  # a plain yes/no for the whole criterion or sub-item
    values: dict[str, AnswerValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Incident:
    index: int
    type: str
    date: dt.date
    flags: frozenset[str] = frozenset()  # the excuse flags set to true (keys of `excuse_flags`)
    description: str = ""
    id: str = ""


@dataclass(frozen=True)
class AwardCounts:
    collective: int
    individual: int


Points = Fraction | AwardCounts


@dataclass(frozen=True)
class ScoreEntry:
    self_score: Points | None = None
    superior_score: Points | None = None

    def column(self, name: str) -> Points | None:
        return self.self_score if name == "self" else self.superior_score


@dataclass(frozen=True)
class Unit:
    type: str
    name: str = ""
    code: str = ""
    exclusion: str | None = None
    attributes: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class FactSheet:
    unit: Unit
    year: int
    answers: dict[str, Answer]
    incidents: tuple[Incident, ...]
    scores: dict[str, ScoreEntry]
    tt124_version: str | None = None
    qd510_version: str | None = None
    unscored: tuple[str, ...] = ()  # score ids given for a unit type that has no QĐ 510 sheet


def parse_facts(data: Any, library: Library | None = None) -> FactSheet:
    lib = library if library is not None else load_library()
    problems = Problems()
    doc = r.mapping(data, "", problems)
    if doc is None:
        raise FactsError(problems.items)
    r.unknown_keys(doc, TOP_KEYS, "", problems)
    if doc.get("schema_version", 1) != 1:
        problems.add("schema_version", f"chỉ hỗ trợ phiên bản 1, nhận được {doc.get('schema_version')!r}")
    year = _year(doc.get("year"), problems)
    pins = _pins(doc.get("frameworks"), problems)
    raw_unit = doc.get("unit")
    raw_type = raw_unit.get("type") if isinstance(raw_unit, dict) else None
    framework = _framework(
        lib, year, pins.get("tt124"), raw_type if isinstance(raw_type, str) else None, problems
    )
    if framework is None and lib.tt124:  # still check the rest of the sheet against the latest version
        framework = max(lib.tt124, key=lambda fw: fw.effective_from)
    unit = _unit(doc.get("unit"), framework, lib, problems)
    answers: dict[str, Answer] = {}
    incidents: tuple[Incident, ...] = ()
    scores: dict[str, ScoreEntry] = {}
    unscored: tuple[str, ...] = ()
    if framework is not None:
        incidents = _incidents(doc.get("incidents", []), framework, problems)
    if framework is not None and unit is not None:
        answers = _answers(doc.get("answers", {}), framework, unit.type, problems)
        if year is not None:
            end = framework.window_end(unit.type, year)
            if pins.get("tt124") and framework.version == pins["tt124"]:
                refusal = not_in_force(
                    "Bộ tiêu chí TT 124", framework.version, framework.effective_from, end, year
                )
                if refusal:
                    problems.add("frameworks.tt124", refusal)
            sheet = lib.sheet_for(unit.type, year, pins.get("qd510"), on=end)
            if pins.get("qd510") and sheet is None:
                problems.add(
                    "frameworks.qd510",
                    f"không có bảng điểm QĐ 510 phiên bản {pins['qd510']!r} cho loại đơn vị {unit.type!r}",
                )
            if pins.get("qd510") and sheet is not None:
                refusal = not_in_force("Bảng điểm QĐ 510", sheet.version, sheet.effective_from, end, year)
                if refusal:
                    problems.add("frameworks.qd510", refusal)
            if sheet is not None:
                scores = _scores(doc.get("scores", {}), sheet, problems)
            else:
                unscored = tuple(r.mapping(doc.get("scores", {}), "scores", problems) or {})
    if problems or unit is None or year is None:
        raise FactsError(problems.items)
    return FactSheet(unit, year, answers, incidents, scores, pins.get("tt124"), pins.get("qd510"), unscored)


def _year(value: Any, problems: Problems) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add("year", f"phải là năm đánh giá (số nguyên, ví dụ 2022), nhận được {r.type_name(value)}")
        return None
    if not 2000 <= value <= 2100:
        problems.add("year", f"năm đánh giá không hợp lệ: {value}")
        return None
    return value


def _pins(value: Any, problems: Problems) -> dict[str, str]:
    if value is None:
        return {}
    data = r.mapping(value, "frameworks", problems) or {}
    r.unknown_keys(data, ("tt124", "qd510"), "frameworks", problems)
    return {k: r.text(data, k, "frameworks", problems) for k in ("tt124", "qd510") if k in data}


def _framework(
    lib: Library, year: int | None, pin: str | None, unit_type: str | None, problems: Problems
) -> TT124Framework | None:
    if year is None:
        return None
    framework = lib.tt124_for(year, pin, unit_type)
    if framework is None:
        where = f"phiên bản {pin!r}" if pin else f"năm {year}"
        problems.add(
            "frameworks.tt124" if pin else "year", f"không có bộ tiêu chí TT 124 áp dụng cho {where}"
        )
    return framework


def _unit(value: Any, framework: TT124Framework | None, lib: Library, problems: Problems) -> Unit | None:
    data = r.mapping(value, "unit", problems)
    if data is None:
        return None
    kinds = set(framework.unit_types) if framework else lib.unit_types
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in kinds:
        problems.add(
            "unit.type", f"loại đơn vị không hợp lệ {kind!r}; chọn một trong: {', '.join(sorted(kinds))}"
        )
        return None
    attributes: dict[str, bool] = {}
    known_attrs = framework.unit_attributes if framework else {}
    for key, item in data.items():
        if key in UNIT_META_KEYS:
            continue
        if key not in known_attrs:
            allowed = ", ".join(sorted([*UNIT_META_KEYS, *known_attrs]))
            problems.add(f"unit.{key}", f"thuộc tính đơn vị không được hỗ trợ; các khóa hợp lệ: {allowed}")
        elif not isinstance(item, bool):
            problems.add(f"unit.{key}", f"phải là true hoặc false, nhận được {r.type_name(item)}")
        else:
            attributes[key] = item
    exclusion = data.get("exclusion")
    if exclusion is not None and framework is not None:
        exc = framework.exclusions.get(exclusion) if isinstance(exclusion, str) else None
        if exc is None:
            problems.add(
                "unit.exclusion",
                f"mã loại trừ không tồn tại {exclusion!r}; chọn một trong: {', '.join(framework.exclusions)}",
            )
        elif kind not in exc.applies_to:
            problems.add("unit.exclusion", f"{exclusion} không áp dụng cho loại đơn vị {kind!r}")
    name = data.get("name", "")
    code = data.get("code", data.get("id", ""))
    return Unit(
        str(kind), str(name), str(code), exclusion if isinstance(exclusion, str) else None, attributes
    )


def _answers(value: Any, framework: TT124Framework, unit_type: str, problems: Problems) -> dict[str, Answer]:
    data = r.mapping(value, "answers", problems) or {}
    criteria = framework.criteria_for(unit_type).criteria
    addresses: dict[str, tuple[Criterion, tuple[Check, ...]]] = {}
    for criterion in criteria:
        addresses[criterion.id] = (criterion, criterion.all_checks)
        for sub in criterion.sub_items:
            addresses[criterion.sub_item_id(sub)] = (criterion, sub.checks)
    other_ids = {c.id for s in framework.criteria_sets.values() for c in s.criteria}
    out: dict[str, Answer] = {}
    for address, body in data.items():
        path = f"answers.{address}"
        if address not in addresses:
            if address in other_ids or any(address.startswith(f"{c}.") for c in other_ids):
                label = framework.unit_types[unit_type].label_vi
                problems.add(path, f"tiêu chí này không áp dụng cho loại đơn vị “{label}”")
            else:
                problems.add(path, "mã tiêu chí hoặc tiểu mục không tồn tại trong bộ tiêu chí TT 124")
            continue
        if isinstance(body, bool):
            out[address] = Answer(judgment=body)
            continue
        body_map = r.mapping(body, path, problems)
        if body_map is None:
            continue
        checks = {c.key: c for c in addresses[address][1]}
        values: dict[str, AnswerValue] = {}
        for key, raw in body_map.items():
            if key not in checks:
                allowed = ", ".join(checks) or "(không có; chỉ trả lời true/false cho cả mục)"
                problems.add(
                    f"{path}.{key}", f"khóa câu trả lời không tồn tại cho mục này; các khóa hợp lệ: {allowed}"
                )
                continue
            parsed = _value(raw, checks[key], framework, f"{path}.{key}", problems)
            if parsed is not None:
                values[key] = parsed
        out[address] = Answer(values=values)
    return out


def _value(
    raw: Any, check: Check, framework: TT124Framework, path: str, problems: Problems
) -> AnswerValue | None:
    if isinstance(raw, bool):
        return raw  # a yes/no judgment is accepted for every kind of check
    if check.type == "bool":
        problems.add(path, f"phải là true hoặc false, nhận được {r.type_name(raw)}")
    elif check.type == "count":
        return r.non_negative_int(raw, path, problems)
    elif check.type == "ratio":
        return _ratio(raw, path, problems)
    elif check.type == "trend":
        return _trend(raw, path, problems)
    elif check.type == "rating":
        scale = framework.rating_scales[str(check.scale)]
        allowed = scale.levels + scale.extra_values
        if raw in allowed:
            return str(raw)
        problems.add(path, f"mức đánh giá không hợp lệ {raw!r}; chọn một trong: {', '.join(allowed)}")
    elif check.type == "set":
        return r.string_list(raw, path, problems)
    return None


def _counts(
    raw: Any, keys: tuple[str, ...], path: str, problems: Problems, optional: tuple[str, ...] = ()
) -> dict[str, int] | None:
    data = r.mapping(raw, path, problems)
    if data is None:
        return None
    r.unknown_keys(data, keys + optional, path, problems)
    out: dict[str, int] = {}
    for key in keys + optional:
        if key not in data:
            if key in keys:
                problems.add(f"{path}.{key}", "thiếu số liệu bắt buộc")
            continue
        number = r.non_negative_int(data[key], f"{path}.{key}", problems)
        if number is not None:
            out[key] = number
    return out if all(k in out for k in keys) else None


def _ratio(raw: Any, path: str, problems: Problems) -> RatioFact | None:
    counts = _counts(raw, ("met", "total"), path, problems, optional=("excluded",))
    if counts is None:
        return None
    fact = RatioFact(counts["met"], counts["total"], counts.get("excluded", 0))
    if fact.excluded > fact.total:
        problems.add(
            f"{path}.excluded", f"số đơn vị loại trừ ({fact.excluded}) lớn hơn tổng số ({fact.total})"
        )
        return None
    if fact.met > fact.denominator:
        problems.add(
            f"{path}.met",
            f"số đạt ({fact.met}) lớn hơn số được tính (tổng {fact.total} trừ loại trừ {fact.excluded})",
        )
        return None
    return fact


def _trend(raw: Any, path: str, problems: Problems) -> TrendFact | None:
    counts = _counts(raw, ("current", "previous_year"), path, problems)
    return TrendFact(counts["current"], counts["previous_year"]) if counts else None


def _incidents(value: Any, framework: TT124Framework, problems: Problems) -> tuple[Incident, ...]:
    out: list[Incident] = []
    for i, raw in enumerate(r.sequence(value, "incidents", problems) or []):
        path = f"incidents[{i}]"
        data = r.mapping(raw, path, problems)
        if data is None:
            continue
        r.unknown_keys(data, (*INCIDENT_KEYS, *framework.excuse_flags), path, problems)
        kind = data.get("type")
        if kind not in framework.incident_types:
            problems.add(
                f"{path}.type", f"loại sự việc không tồn tại {kind!r}; xem danh mục incident_types của TT 124"
            )
        date = r.iso_date(data.get("date"), f"{path}.date", problems)
        flags = frozenset(
            k for k in framework.excuse_flags if r.boolean(data, k, path, problems, default=False)
        )
        if kind in framework.incident_types and date is not None:
            out.append(
                Incident(
                    i,
                    str(kind),
                    date,
                    flags,
                    str(data.get("description", "")),
                    str(data.get("id", "")),
                )
            )
    return tuple(out)


def _scores(value: Any, sheet: ScoreSheet, problems: Problems) -> dict[str, ScoreEntry]:
    data = r.mapping(value, "scores", problems) or {}
    leaves = sheet.leaf_ids()
    parents = {item.id: item for item in sheet.items if item.sub_items}
    bonus_ids = {item.id for item in sheet.items if item.bonus}
    out: dict[str, ScoreEntry] = {}
    for item_id, body in data.items():
        path = f"scores.{item_id}"
        if item_id in parents:
            subs = ", ".join(parents[item_id].sub_item_id(s) for s in parents[item_id].sub_items)
            problems.add(path, f"mục có tiểu mục: nhập điểm cho từng tiểu mục ({subs})")
            continue
        if item_id not in leaves:
            problems.add(path, f"mã mục không tồn tại trong bảng điểm {sheet.sheet} {sheet.version}")
            continue
        entry = r.mapping(body, path, problems)
        if entry is None:
            continue
        r.unknown_keys(entry, ("self", "superior"), path, problems)
        columns: dict[str, Points | None] = {}
        for column in ("self", "superior"):
            if entry.get(column) is not None:
                columns[column] = _points(
                    entry[column], leaves[item_id], item_id in bonus_ids, f"{path}.{column}", problems
                )
        out[item_id] = ScoreEntry(columns.get("self"), columns.get("superior"))
    return out


def _points(raw: Any, maximum: int, is_bonus: bool, path: str, problems: Problems) -> Points | None:
    if is_bonus and isinstance(raw, dict):
        counts = _counts(raw, ("collective_awards", "individual_awards"), path, problems)
        return AwardCounts(counts["collective_awards"], counts["individual_awards"]) if counts else None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        hint = " hoặc {collective_awards, individual_awards}" if is_bonus else ""
        problems.add(path, f"phải là số điểm{hint}, nhận được {r.type_name(raw)}")
        return None
    points = Fraction(str(raw))
    if points < 0:
        problems.add(path, f"điểm không được âm (nhận được {raw})")
        return None
    if points > maximum:
        problems.add(path, f"điểm {raw} vượt quá điểm tối đa {maximum} của mục (không tự động cắt bớt)")
        return None
    return points

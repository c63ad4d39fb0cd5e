"""Score a QĐ 510 sheet: both columns after caps and derivations, totals, classification."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from . import _fmt as f
from .facts import AwardCounts, FactSheet, Incident, Points
from .incidents import excusing_flags, in_window
from .result import ClassificationResult, ItemResult, QD510Result
from .schema import Bonus, ScoreSheet, SheetItem, SheetSubItem, TT124Framework

COLUMNS = ("self", "superior")


@dataclass(frozen=True)
class _Context:
    facts: FactSheet
    present: tuple[str, ...]  # the columns with at least one score
    recognized: bool | None  # None: the TT 124 answers are incomplete
    blocking: tuple[Incident, ...]  # incidents in the window and not excused


def score_sheet(
    sheet: ScoreSheet,
    facts: FactSheet,
    framework: TT124Framework,
    recognized: bool | None,
    window: tuple[dt.date, dt.date],
) -> QD510Result:
    """`recognized` is None when the TT 124 answers are incomplete: the items derived from TT 124
    (8c), the totals and the classification are then null."""
    present = tuple(c for c in COLUMNS if any(e.column(c) is not None for e in facts.scores.values()))
    blocking = tuple(i for i in facts.incidents if in_window(i, window) and not excusing_flags(i, framework))
    ctx = _Context(facts, present, recognized, blocking)
    items = [_item(item, ctx) for item in sheet.items]
    totals: dict[str, Fraction | int | None] = {"max": sheet.total_max}
    notes: list[str] = []
    derived = _derived_ids(sheet)
    unknown = [
        leaf.id for item in items for leaf in _leaves(item) if recognized is None and leaf.id in derived
    ]
    for column in COLUMNS:
        if column in present and unknown:
            totals[column] = None
            known = sum((i.column(column) or Fraction(0) for i in items), Fraction(0))
            notes.append(
                f"Cột “{sheet.columns[column]}”: chưa tính tổng vì {', '.join(unknown)} "
                f"phụ thuộc kết quả TT 124 còn thiếu dữ liệu (các mục đã có: {f.points(known)} điểm)."
            )
        elif column in present:
            totals[column] = sum((i.column(column) or Fraction(0) for i in items), Fraction(0))
            missing = [leaf for leaf in _scorable(sheet) if _given(facts, leaf, column) is None]
            if missing:
                label = sheet.columns[column]
                notes.append(
                    f"Cột “{label}”: {len(missing)} mục không có điểm, tính 0 ({', '.join(missing)})."
                )
        else:
            totals[column] = None
            notes.append(f"Chưa có điểm cột “{sheet.columns[column]}”.")
    based_on = sheet.classification.based_on if sheet.classification else "superior"
    classification = _classify(sheet, totals.get(based_on))
    return QD510Result(
        sheet.framework,
        sheet.sheet,
        sheet.version,
        sheet.verified,
        sheet.title_vi,
        items,
        totals,
        classification,
        notes,
    )


def _leaves(item: ItemResult) -> list[ItemResult]:
    return item.sub_items or [item]


def _derived_ids(sheet: ScoreSheet) -> set[str]:
    out = {item.id for item in sheet.items if not item.sub_items and item.derived_from is not None}
    out |= {item.sub_item_id(s) for item in sheet.items for s in item.sub_items if s.derived_from is not None}
    return out


def _scorable(sheet: ScoreSheet) -> list[str]:
    """Leaf ids that take a score from the fact sheet (derived ones do not)."""
    out: list[str] = []
    for item in sheet.items:
        if not item.sub_items and item.derived_from is None:
            out.append(item.id)
        out.extend(item.sub_item_id(s) for s in item.sub_items if s.derived_from is None)
    return out


def _given(facts: FactSheet, leaf: str, column: str) -> Points | None:
    entry = facts.scores.get(leaf)
    return entry.column(column) if entry else None


def _item(item: SheetItem, ctx: _Context) -> ItemResult:
    if not item.sub_items:
        return _leaf(item.id, item.label_vi, item.max_points, item, ctx)
    subs = [_leaf(item.sub_item_id(s), s.label_vi, s.max_points, s, ctx) for s in item.sub_items]
    # A sub-item left unknown (8c while TT 124 is incomplete) leaves its item's sum unknown too.
    columns = {
        c: sum((s.column(c) or Fraction(0) for s in subs), Fraction(0))
        if c in ctx.present and all(s.column(c) is not None for s in subs)
        else None
        for c in COLUMNS
    }
    return ItemResult(item.id, item.label_vi, item.max_points, columns["self"], columns["superior"], [], subs)


def _leaf(
    leaf_id: str, label: str, maximum: int, spec: SheetItem | SheetSubItem, ctx: _Context
) -> ItemResult:
    notes: list[str] = []
    values: dict[str, Fraction | None] = {c: None for c in COLUMNS}
    linked = [i for i in ctx.blocking if i.type in spec.linked_incidents]
    bonus = spec.bonus if isinstance(spec, SheetItem) else None
    derived = spec.derived_from == "tt124_recognition"
    if derived and ctx.recognized is None:
        notes.append(
            "Chưa xác định: mục này suy ra từ kết quả TT 124, mà kết quả TT 124 còn thiếu dữ liệu "
            "(không tính là “chưa đạt”)."
        )
        return ItemResult(leaf_id, label, maximum, None, None, notes)
    if derived:
        verdict = "đạt" if ctx.recognized else "chưa đạt"
        got = maximum if ctx.recognized else 0
        notes.append(
            f"Suy ra từ kết quả TT 124 ({verdict} tiêu chuẩn “An toàn về ANTT”): {got}/{maximum} điểm."
        )
    for column in ctx.present:
        given = _given(ctx.facts, leaf_id, column)
        if derived:
            points = Fraction(maximum if ctx.recognized else 0)
            if given is not None and _as_points(given, bonus) != points:
                entered = f.points(_as_points(given, bonus))
                notes.append(
                    f"Cột {column}: điểm nhập {entered} được thay bằng {f.points(points)} theo TT 124."
                )
        else:
            points = _as_points(given, bonus) if given is not None else Fraction(0)
            if isinstance(given, AwardCounts) and bonus is not None:
                notes.append(_bonus_note(column, given, bonus))
        if linked and points > 0:
            first = linked[0]
            notes.append(
                f"Cột {column}: không được điểm vì có sự việc {first.type} ngày {f.day(first.date)} "
                f"trong kỳ (incidents[{first.index}]); điểm nhập {f.points(points)} → 0."
            )
            points = Fraction(0)
        values[column] = points
    if linked and not any("không được điểm" in n for n in notes):
        notes.append(
            f"Có sự việc {linked[0].type} ngày {f.day(linked[0].date)} trong kỳ: mục không được điểm."
        )
    return ItemResult(leaf_id, label, maximum, values["self"], values["superior"], notes)


def _bonus_note(column: str, given: AwardCounts, bonus: Bonus) -> str:
    raw = given.collective * bonus.per_collective_award + given.individual * bonus.per_individual_award
    capped = " (vượt trần, tính bằng trần)" if raw > bonus.cap else ""
    return (
        f"Cột {column}: {given.collective} khen tập thể × {bonus.per_collective_award} + "
        f"{given.individual} khen cá nhân × {bonus.per_individual_award} = {raw}; trần {bonus.cap}{capped}."
    )


def _as_points(given: Points, bonus: Bonus | None) -> Fraction:
    if isinstance(given, AwardCounts):
        if bonus is None:
            return Fraction(0)
        raw = given.collective * bonus.per_collective_award + given.individual * bonus.per_individual_award
        return Fraction(min(raw, bonus.cap))
    return given


def _classify(sheet: ScoreSheet, total: Fraction | int | None) -> ClassificationResult | None:
    rule = sheet.classification
    if rule is None or total is None:
        return None
    level = rule.level_for(Fraction(total))
    column = sheet.columns[rule.based_on]
    reason = (
        f"Tổng điểm cột “{column}” {f.points(total)}/{sheet.total_max} → {level.label_vi} "
        f"(ngưỡng ≥ {level.min_points})."
    )
    provisional = not rule.verified
    if provisional:
        reason += f" TẠM TÍNH: {rule.note_vi or 'ngưỡng điểm chưa được xác minh.'}"
    return ClassificationResult(
        level.code, level.label_vi, rule.based_on, Fraction(total), provisional, reason
    )

"""Run one TT 124 check against the answers of a fact sheet."""

from __future__ import annotations

from fractions import Fraction

from . import _fmt as f
from .facts import Answer, AnswerValue, FactSheet, RatioFact, TrendFact
from .result import CheckResult, CheckStatus
from .schema import Check, TT124Framework, compare


def lookup(facts: FactSheet, check: Check, addresses: tuple[str, ...]) -> tuple[AnswerValue | None, str]:
    """Find the answer for a check: explicit values first (most specific address first), then yes/no
    judgments given for a whole sub-item or criterion. Returns (value, where it came from)."""
    answers = [(a, facts.answers.get(a, Answer())) for a in addresses]
    for address, answer in answers:
        if check.key in answer.values:
            return answer.values[check.key], f"answers.{address}.{check.key}"
    for address, answer in answers:
        if answer.judgment is not None:
            return answer.judgment, f"answers.{address}"
    return None, ""


def run_check(
    check: Check, addresses: tuple[str, ...], facts: FactSheet, framework: TT124Framework
) -> CheckResult:
    address = addresses[0]

    def result(status: CheckStatus, reason: str) -> CheckResult:
        return CheckResult(address, check.key, check.label_vi, status, reason)

    undeclared: list[str] = []
    for attr in check.when:
        declared = facts.unit.attributes.get(attr)
        if declared is False:
            label = framework.unit_attributes[attr]
            return result(
                "not_applicable",
                f"{check.label_vi}: không áp dụng vì đơn vị khai báo không thuộc trường hợp “{label}”.",
            )
        if declared is None:
            undeclared.append(framework.unit_attributes[attr])
    note = f" (chưa khai báo “{'”, “'.join(undeclared)}”: coi như có áp dụng)" if undeclared else ""
    value, source = lookup(facts, check, addresses)
    if value is None:
        # The key travels in the result itself; the sentence is for the officer.
        return result("missing", f"{check.label_vi}: chưa có câu trả lời{note}.")
    if isinstance(value, bool):
        status: CheckStatus = "passed" if value else "failed"
        kind = "" if check.type == "bool" else " (trả lời chung, không có số liệu chi tiết)"
        return result(status, f"{check.label_vi}: {f.yes_no(value)} — theo {source}{kind}{note}.")
    if isinstance(value, RatioFact) and value.denominator == 0:
        return result(
            "not_applicable", f"{check.label_vi}: không có đơn vị nào để tính tỷ lệ (mẫu số 0){note}."
        )
    passed, detail = _typed(check, value, framework)
    return result("passed" if passed else "failed", f"{check.label_vi}: {detail}{note}.")


def _typed(check: Check, value: AnswerValue, framework: TT124Framework) -> tuple[bool, str]:
    if isinstance(value, RatioFact):
        return _ratio(check, value)
    if isinstance(value, TrendFact):
        ok = compare(value.current, check.op, value.previous_year)
        why = f" (cách hiểu {check.interpretation})" if check.interpretation else ""
        return (
            ok,
            f"{value.current} năm nay so với {value.previous_year} năm trước, "
            f"yêu cầu {f.op(check.op)} năm trước{why}",
        )
    if isinstance(value, tuple):
        missing = [item for item in check.must_include if item not in value]
        if missing:
            return False, f"còn thiếu {', '.join(missing)}"
        return True, f"có đủ {len(check.must_include)} loại bắt buộc"
    if isinstance(value, str):
        scale = framework.rating_scales[str(check.scale)]
        label = scale.labels_vi.get(value, value)
        ok = value in check.also_accept or (
            value in scale.levels and scale.levels.index(value) >= scale.levels.index(str(check.min_level))
        )
        wanted = scale.labels_vi.get(str(check.min_level), str(check.min_level)) + " trở lên"
        if check.also_accept:
            wanted = " hoặc ".join([scale.labels_vi.get(a, a) for a in check.also_accept] + [wanted])
        return ok, f"“{label}”, yêu cầu {wanted}"
    target = check.value if check.value is not None else 0
    return compare(value, check.op, target), f"{value}, yêu cầu {f.op(check.op)} {target}"


def _ratio(check: Check, fact: RatioFact) -> tuple[bool, str]:
    target = Fraction(check.value if check.value is not None else 1)
    excluded = (
        f"; đã loại {fact.excluded} đơn vị không thuộc phạm vi khỏi mẫu số (tổng {fact.total})"
        if fact.excluded
        else ""
    )
    ratio = Fraction(fact.met, fact.denominator)
    ok = compare(ratio, check.op, target)
    return (
        ok,
        f"{fact.met}/{fact.denominator} = {f.percent(ratio)}, "
        f"yêu cầu {f.op(check.op)} {f.percent(target)}{excluded}",
    )

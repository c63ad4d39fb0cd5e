"""Evaluate a fact sheet: TT 124 recognition, QĐ 510 scoring and classification, award eligibility."""

from __future__ import annotations

from . import _fmt as f
from .checks import run_check
from .errors import FactsError, Problem
from .facts import Answer, FactSheet
from .incidents import classify
from .library import Library
from .result import (
    AwardResult,
    CriterionResult,
    CriterionStatus,
    IncidentResult,
    QD510Result,
    Result,
    TT124Result,
)
from .schema import Criterion, ScoreSheet, TT124Framework
from .scoring import score_sheet


def evaluate(facts: FactSheet, frameworks: Library) -> Result:
    framework = frameworks.tt124_for(facts.year, facts.tt124_version, facts.unit.type)
    if framework is None:
        raise FactsError([Problem("year", f"không có bộ tiêu chí TT 124 áp dụng cho năm {facts.year}")])
    unit_type = facts.unit.type
    window = framework.window_for(unit_type).for_year(facts.year)
    incidents = [classify(i, framework, unit_type, window) for i in facts.incidents]
    tt124 = _tt124(facts, framework, window, incidents)
    notes: list[str] = []
    if not framework.verified:
        notes.append(f"Bộ tiêu chí TT 124 phiên bản {framework.version} chưa được xác minh.")
    sheet = frameworks.sheet_for(unit_type, facts.year, facts.qd510_version, on=window[1])
    qd510: QD510Result | None = None
    if facts.unit.exclusion:
        # QĐ 510 has the same scope as TT 124 Điều 1 (rules.md §2.2: "CQ (except the armed forces),
        # DN (except small and micro), CSGD (except primary…)"): an excluded unit is not scored either.
        notes.append(
            "Đơn vị thuộc diện loại trừ (Điều 1 TT 124; phạm vi QĐ 510 loại trừ tương tự): "
            "không chấm điểm, không phân loại phong trào."
        )
        if facts.scores:
            notes.append(f"{len(facts.scores)} mục điểm được nhập nhưng không được chấm.")
    elif sheet is None:
        unit_label = framework.unit_types[unit_type].label_vi
        notes.append(
            f"Chưa có bảng chấm điểm QĐ 510 cho loại đơn vị “{unit_label}” "
            "(nội dung chính thức chưa có, không tự đặt ra): chỉ trả kết quả công nhận theo TT 124, "
            "không chấm điểm, không phân loại phong trào."
        )
        if facts.unscored:
            notes.append(
                f"{len(facts.unscored)} mục điểm được nhập nhưng không được chấm vì chưa có bảng điểm."
            )
    else:
        # Incomplete TT 124 answers: recognition is unknown, and so is item 8c (None).
        recognized = None if tt124.status == "incomplete" else tt124.recognized
        qd510 = score_sheet(sheet, facts, framework, recognized, window)
    award = _award(tt124, qd510, sheet if qd510 is not None else None, framework, facts)
    unit = {
        "type": unit_type,
        "type_label_vi": framework.unit_types[unit_type].label_vi,
        "name": facts.unit.name,
    }
    if facts.unit.code:
        unit["code"] = facts.unit.code
    return Result(unit, facts.year, tt124, incidents, qd510, award, notes)


def _tt124(
    facts: FactSheet, framework: TT124Framework, window: tuple, incidents: list[IncidentResult]
) -> TT124Result:  # type: ignore[type-arg]
    header = {
        "framework": framework.framework,
        "version": framework.version,
        "verified": framework.verified,
        "window": {"from": window[0], "to": window[1]},
    }
    if facts.unit.exclusion:
        label = framework.exclusions[facts.unit.exclusion].label_vi
        summary = f"Đơn vị thuộc diện loại trừ theo Điều 1 TT 124 ({label}): không xét công nhận."
        return TT124Result(**header, recognized=False, status="excluded", summary_vi=summary, criteria=[])  # type: ignore[arg-type]
    criteria = [
        _criterion(c, facts, framework, incidents) for c in framework.criteria_for(facts.unit.type).criteria
    ]
    passed = sum(1 for c in criteria if c.passed)
    recognized = passed == len(criteria)
    incomplete = [c.id for c in criteria if c.status == "incomplete"]
    if recognized:
        status, summary = (
            "recognized",
            f"Đạt {passed}/{len(criteria)} tiêu chí: đủ điều kiện công nhận "
            "đạt tiêu chuẩn “An toàn về ANTT”.",
        )
    else:
        failed = [c.id for c in criteria if c.status == "failed"]
        status = "not_recognized" if failed else "incomplete"
        summary = f"Đạt {passed}/{len(criteria)} tiêu chí: chưa đủ điều kiện công nhận."
        if failed:
            summary += f" Không đạt: {', '.join(failed)}."
        if incomplete:
            summary += f" Thiếu dữ liệu: {', '.join(incomplete)}."
    return TT124Result(**header, recognized=recognized, status=status, summary_vi=summary, criteria=criteria)  # type: ignore[arg-type]


def _criterion(
    criterion: Criterion, facts: FactSheet, framework: TT124Framework, incidents: list[IncidentResult]
) -> CriterionResult:
    checks = [run_check(c, (criterion.id,), facts, framework) for c in criterion.checks]
    reasons: list[str] = []
    related: list[int] = []
    judgments = [(criterion.id, facts.answers.get(criterion.id, Answer()))]
    for sub in criterion.sub_items:
        address = criterion.sub_item_id(sub)
        checks.extend(run_check(c, (address, criterion.id), facts, framework) for c in sub.checks)
        judgments.append((address, facts.answers.get(address, Answer())))
        for incident in incidents:
            if address in incident.criteria and incident.status in ("counted", "excused"):
                related.append(incident.index)
                verb = "Không đạt" if incident.status == "counted" else "Không tính"
                reasons.append(
                    f"{verb} {address}: {incident.label_vi} (incidents[{incident.index}], "
                    f"ngày {f.day(incident.date)}). {incident.reason}"
                )
    for address, answer in judgments:
        if answer.judgment is False:
            reasons.append(f"Không đạt {address}: câu trả lời là “không đạt” (answers.{address}).")
    reasons.extend(c.reason for c in checks if c.status in ("failed", "missing"))
    failed = any(c.status == "failed" for c in checks) or any(a.judgment is False for _, a in judgments)
    failed = failed or any(i.status == "counted" for i in incidents if i.index in related)
    missing = any(c.status == "missing" for c in checks)
    status: CriterionStatus = "failed" if failed else "incomplete" if missing else "passed"
    if status == "passed":
        reasons.insert(0, "Đạt: mọi yêu cầu được đáp ứng, không có sự việc nào trong kỳ làm trượt tiêu chí.")
    return CriterionResult(
        criterion.id, criterion.text_vi, status, status == "passed", reasons, checks, sorted(set(related))
    )


def _award(
    tt124: TT124Result,
    qd510: QD510Result | None,
    sheet: ScoreSheet | None,
    framework: TT124Framework,
    facts: FactSheet,
) -> AwardResult:
    if facts.unit.exclusion:
        label = framework.exclusions[facts.unit.exclusion].label_vi
        return AwardResult(
            False,
            False,
            "Không đủ điều kiện đề xuất khen thưởng: đơn vị thuộc diện loại trừ theo Điều 1 TT 124 "
            f"({label}), không xét công nhận, không chấm điểm.",
        )
    if tt124.status == "incomplete":
        missing = ", ".join(c.id for c in tt124.criteria if c.status == "incomplete")
        return AwardResult(
            None,
            True,
            f"Chưa xác định: kết quả TT 124 còn thiếu dữ liệu ({missing}), chưa thể xét công nhận "
            "và đề xuất khen thưởng.",
        )
    rule = sheet.award_rule if sheet is not None else None
    # Without a sheet there is no award rule to read: recognition stays a precondition (TT 124).
    requires_recognized = rule.requires_recognized if rule is not None else True
    if not tt124.recognized and requires_recognized:
        return AwardResult(
            False,
            False,
            "Không đủ điều kiện đề xuất khen thưởng: đơn vị chưa đạt tiêu chuẩn “An toàn về ANTT” (TT 124).",
        )
    if sheet is None or qd510 is None:
        return AwardResult(
            None,
            True,
            "Chưa xác định: đơn vị đạt chuẩn TT 124 nhưng chưa có bảng điểm QĐ 510 để phân loại phong trào.",
        )
    classification = qd510.classification
    if rule is None or sheet.classification is None:
        return AwardResult(
            None, True, "Chưa xác định: bảng điểm không có quy tắc phân loại hoặc khen thưởng."
        )
    if classification is None:
        return AwardResult(None, True, "Chưa xác định: chưa có điểm “Cấp trên chấm” để phân loại phong trào.")
    minimum = next(lv for lv in sheet.classification.levels if lv.code == rule.min_level)
    eligible = sheet.classification.rank(classification.level) <= sheet.classification.rank(rule.min_level)
    provisional = classification.provisional or not rule.verified
    verdict = "Đủ điều kiện" if eligible else "Không đủ điều kiện"
    basis = (
        "đạt chuẩn TT 124 và phân loại"
        if requires_recognized
        else "quy tắc khen thưởng không đòi hỏi đạt chuẩn TT 124; phân loại"
    )
    reason = (
        f"{verdict} đề xuất khen thưởng: {basis} “{classification.label_vi}” "
        f"(yêu cầu “{minimum.label_vi}” trở lên)."
    )
    if classification.provisional:
        reason += " Tạm tính: phân loại dựa trên ngưỡng điểm chưa được xác minh."
    if not rule.verified:
        reason += f" Quy tắc khen thưởng chưa được xác minh với văn bản gốc ({rule.source_vi})."
    return AwardResult(eligible, provisional, reason)

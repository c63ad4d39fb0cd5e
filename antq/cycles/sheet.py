"""The self-assessment form of one unit's year: the TT 124 checklist and the QĐ 510 sheet as one form.

`AssessmentSheet` is built from the cycle's frozen frameworks (`facts.criteria_for`,
`facts.sheet_for`) for one unit, like a Django form: unbound, it shows what is stored; bound to
POST data, it shows exactly what was typed (so a refused save or a conflict loses nothing) and
parses it back into the shapes the services take (`answers`, `self_scores`, `notes`, `evidence`,
`unit_facts`; `superior_scores` and `reasons` for the reviewer).

Input names carry the ids: `a:<owner>:<key>` (an answer; ratio and trend have `:met`, `:total`,
`:excluded`, `:current`, `:previous_year`, and `:plain` is a yes/no without figures), `j:<owner>`
(a yes/no for a whole criterion or sub-item, kept when one is stored), `attr:<key>` (unit
attributes), `s:<leaf>` / `sup:<leaf>` / `why:<leaf>` (self points, superior points, reason for a
deduction), `note:<id>` and `ev:<id>` (note and evidence per criterion or sheet item).

An empty input is omitted: an unanswered check stays unanswered, so the prefill applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.criteria.engine.schema import Check, CriteriaSet, RatingScale, ScoreSheet, TT124Framework
from antq.cycles import facts
from antq.cycles.facts import Prefill
from antq.cycles.models import Assessment, Registration
from antq.evidence.models import EvidenceDocument
from antq.org.choices import NodeKind

NO_SHEET = gettext_lazy("Chưa có bảng điểm QĐ 510 cho loại đơn vị này")
SELF = "self"
REVIEW = "review"
READ = "read"
YES, NO = "yes", "no"
NOTE_MAX = 2000
# Labels of the codes a `set` check asks for (TT 124 Điều 6.1, 7.1: the internal rules a unit must
# have). The framework files carry only the codes; an unknown code is shown as it is.
SET_LABELS = {
    "bao_ve_co_quan": gettext_lazy("Bảo vệ cơ quan, doanh nghiệp"),
    "bi_mat_nha_nuoc": gettext_lazy("Bảo vệ bí mật nhà nước"),
    "chinh_tri_noi_bo": gettext_lazy("Bảo vệ chính trị nội bộ"),
    "an_toan_lao_dong": gettext_lazy("An toàn lao động"),
    "phong_chong_chay_no": gettext_lazy("Phòng cháy, chữa cháy, phòng chống cháy nổ"),
    "bao_ve_moi_truong": gettext_lazy("Bảo vệ môi trường"),
    "bao_ve_co_so_giao_duc": gettext_lazy("Bảo vệ cơ sở giáo dục"),
    "quan_ly_giao_duc_nguoi_hoc": gettext_lazy("Quản lý, giáo dục người học"),
}
STATUS_LABELS = {
    "passed": gettext_lazy("Đạt"),
    "failed": gettext_lazy("Không đạt"),
    "incomplete": gettext_lazy("Chưa đủ dữ liệu"),
    "not_applicable": gettext_lazy("Không áp dụng"),
    "missing": gettext_lazy("Chưa trả lời"),
}


def yes_no(value: Any) -> str:
    if value is True:
        return YES
    if value is False:
        return NO
    return ""


# ---- what the form shows -------------------------------------------------------------------------


@dataclass
class DocOption:
    id: int
    label: str
    date: dt.date
    checked: bool
    linked: bool  # the document is linked to this criterion (or one of its sub-items) in the register


@dataclass
class CheckField:
    """One check of a criterion or sub-item: its input(s), the prefill and where it came from."""

    owner: str
    key: str
    type: str
    label: str
    name: str
    raw: Any  # str (bool, count, rating), dict (ratio, trend), list (set)
    plain: str  # "yes" / "no": answered without figures (any non-bool check)
    prefill: Prefill | None
    prefill_text: str
    choices: list[tuple[str, str]] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)  # "nơi có…" attributes it depends on
    show_excluded: bool = False
    interpretation: str = ""
    # Decided by the records (registration, decisions: `data/prefill.yaml`): shown, not typed.
    from_records: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def item(self) -> str:
        return f"{self.owner} · {self.label}"

    @property
    def answered(self) -> bool:
        if self.plain:
            return True
        if isinstance(self.raw, dict):
            return any(v for v in self.raw.values())
        return bool(self.raw)

    @property
    def shown_value(self) -> str:
        """The typed answer in words (read-only mode)."""
        return _describe(self, self.raw, self.plain)


@dataclass
class OwnerBlock:
    """A criterion's own checks, or one sub-item (with its checks and/or its incident types)."""

    id: str
    text: str
    checks: list[CheckField]
    incident_labels: list[str]
    judgment_name: str = ""
    judgment_raw: str = ""
    judgment_kept: bool = False  # a yes/no for the whole block is stored: keep offering it
    errors: list[str] = field(default_factory=list)


@dataclass
class Section:
    """A TT 124 criterion: its text, its blocks, a note and the evidence chosen for it."""

    id: str
    text: str
    blocks: list[OwnerBlock]
    note_name: str
    note_raw: str
    evidence_name: str
    documents: list[DocOption]
    result: dict[str, Any] | None = None
    incidents: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        status = (self.result or {}).get("status", "")
        return str(STATUS_LABELS.get(status, ""))

    @property
    def chosen_documents(self) -> list[DocOption]:
        return [d for d in self.documents if d.checked]


@dataclass
class AttributeField:
    key: str
    label: str
    name: str
    raw: str
    affects: list[str]
    source: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class ScoreRow:
    """A QĐ 510 item (level 0) or sub-item (level 1). Leaves take points; derived ones (8c) do not."""

    id: str
    label: str
    max_points: int
    level: int
    is_leaf: bool
    derived: bool
    bonus: str
    self_name: str = ""
    self_raw: str = ""
    superior_name: str = ""
    superior_raw: str = ""
    reason_name: str = ""
    reason_raw: str = ""
    prefill: Prefill | None = None
    # Points the movement's records suggest (items 1–4, 6, 7): prefilled, changed only with a reason.
    suggested: Prefill | None = None
    override_name: str = ""
    override_raw: str = ""
    self_value: Any = None  # the engine's self points (prefills and derivations included)
    superior_value: Any = None
    notes: list[str] = field(default_factory=list)
    note_name: str = ""
    note_raw: str = ""
    evidence_name: str = ""
    documents: list[DocOption] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def deducted(self) -> bool:
        return _deducted(self.self_value, self.superior_raw)

    @property
    def overridden(self) -> bool:
        """Whether the unit's points differ from what its records suggest."""
        if self.suggested is None or not self.self_raw.strip():
            return False
        try:
            typed = Decimal(self.self_raw.strip().replace(",", "."))
        except InvalidOperation:
            return False
        return typed != Decimal(str(self.suggested.value))

    @property
    def chosen_documents(self) -> list[DocOption]:
        return [d for d in self.documents if d.checked]


def _deducted(self_value: Any, superior_raw: str) -> bool:
    if self_value is None or not superior_raw.strip():
        return False
    try:
        return Decimal(superior_raw.strip().replace(",", ".")) < Decimal(str(self_value))
    except InvalidOperation:
        return False


# ---- the form --------------------------------------------------------------------------------------


class AssessmentSheet:
    """The whole form for one assessment in one mode (self, review or read)."""

    def __init__(
        self,
        *,
        assessment: Assessment,
        registration: Registration | None,
        documents: Sequence[EvidenceDocument] = (),
        result: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        mode: str = READ,
        copy_self: bool = False,
    ) -> None:
        self.assessment = assessment
        self.registration = registration
        self.cycle = assessment.cycle
        self.node = assessment.node
        self.mode = mode
        self.data = data
        self.bound = data is not None
        self.result: Mapping[str, Any] = result if result is not None else (assessment.result or {})
        self.documents = list(documents)
        self.framework: TT124Framework | None = facts.tt124_for(self.cycle)
        self.criteria: CriteriaSet | None = facts.criteria_for(self.cycle, self.node)
        self.score_sheet: ScoreSheet | None = facts.sheet_for(self.cycle, self.node)
        self.prefills = facts.prefills(self.cycle, self.node, registration)
        self.score_prefills = facts.score_prefills(self.cycle, self.node, registration)
        self.suggested = facts.suggested_scores(assessment, registration)
        self.errors: list[str] = []
        self._cleaned: dict[str, Any] | None = None
        self._valid = False
        self.sections = self._sections()
        self.attributes = self._attributes()
        self.rows = self._rows(copy_self)

    # -- reading the bound data or the stored values

    def _typed(self, column: str) -> bool:
        """Whether the inputs of `column` come from the POST data (else from the stored record)."""
        if not self.bound:
            return False
        return (self.mode == SELF and column == "self") or (self.mode == REVIEW and column == "superior")

    def _get(self, name: str) -> str:
        assert self.data is not None  # noqa: S101 - only called when bound
        value = self.data.get(name, "")
        return str(value) if value is not None else ""

    def _getlist(self, name: str) -> list[str]:
        assert self.data is not None  # noqa: S101 - only called when bound
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None:
            return [str(v) for v in getlist(name)]
        value = self.data.get(name)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]

    # -- TT 124

    def _sections(self) -> list[Section]:
        if self.criteria is None or self.framework is None:
            return []
        stored = self.assessment.answers or {}
        results = {c["id"]: c for c in (self.result.get("tt124") or {}).get("criteria", [])}
        incidents = {inc.get("index"): inc for inc in self.result.get("incidents") or []}
        sections = []
        for criterion in self.criteria.criteria:
            blocks = []
            if criterion.checks:
                blocks.append(self._block(criterion.id, criterion.text_vi, criterion.checks, (), stored))
            for sub in criterion.sub_items:
                owner = criterion.sub_item_id(sub)
                blocks.append(self._block(owner, sub.text_vi, sub.checks, sub.incidents, stored))
            result = results.get(criterion.id)
            linked = [incidents[i] for i in (result or {}).get("incidents", []) if i in incidents]
            note_name, evidence_name = f"note:{criterion.id}", f"ev:{criterion.id}"
            sections.append(
                Section(
                    id=criterion.id,
                    text=criterion.text_vi,
                    blocks=blocks,
                    note_name=note_name,
                    note_raw=self._get(note_name) if self._typed("self") else self._stored_note(criterion.id),
                    evidence_name=evidence_name,
                    documents=self._doc_options(criterion.id, evidence_name),
                    result=result,
                    incidents=linked,
                )
            )
        return sections

    def _stored_note(self, item_id: str) -> str:
        return str((self.assessment.notes or {}).get(item_id, ""))

    def _doc_options(self, item_id: str, name: str) -> list[DocOption]:
        if self._typed("self"):
            chosen = set(self._getlist(name))
        else:
            chosen = {str(pk) for pk in (self.assessment.evidence or {}).get(item_id, [])}
        options = []
        for document in self.documents:
            ids = _linked_ids(document)
            linked = any(i == item_id or i.startswith(f"{item_id}.") for i in ids)
            options.append(
                DocOption(
                    id=document.pk,
                    label=str(document),
                    date=document.issue_date,
                    checked=str(document.pk) in chosen,
                    linked=linked,
                )
            )
        return options

    def _block(
        self,
        owner: str,
        text: str,
        checks: tuple[Check, ...],
        incident_types: tuple[str, ...],
        stored: Mapping[str, Any],
    ) -> OwnerBlock:
        assert self.framework is not None  # noqa: S101 - sections are built only with a framework
        value = stored.get(owner)
        judgment_name = f"j:{owner}"
        if self._typed("self"):
            judgment_raw = self._get(judgment_name)
            kept = judgment_name in (self.data or {})
        else:
            judgment_raw = yes_no(value) if isinstance(value, bool) else ""
            kept = isinstance(value, bool)
        answers = value if isinstance(value, dict) else {}
        fields = [self._check_field(owner, check, answers) for check in checks]
        labels = [
            self.framework.incident_types[code].label_vi if code in self.framework.incident_types else code
            for code in incident_types
        ]
        return OwnerBlock(
            id=owner,
            text=text,
            checks=fields,
            incident_labels=labels,
            judgment_name=judgment_name,
            judgment_raw=judgment_raw,
            judgment_kept=kept,
        )

    def _check_field(self, owner: str, check: Check, answers: Mapping[str, Any]) -> CheckField:
        assert self.framework is not None  # noqa: S101
        name = f"a:{owner}:{check.key}"
        prefill = self.prefills.get(owner, {}).get(check.key)
        choices: list[tuple[str, str]] = []
        if check.type == "rating" and check.scale in self.framework.rating_scales:
            scale: RatingScale = self.framework.rating_scales[check.scale]
            choices = [
                (code, scale.labels_vi.get(code, code)) for code in (*scale.levels, *scale.extra_values)
            ]
        stored = answers.get(check.key)
        if check.type == "set":
            extra = [c for c in (stored if isinstance(stored, list) else []) if c not in check.must_include]
            choices = [(code, str(SET_LABELS.get(code, code))) for code in (*check.must_include, *extra)]
        if self._typed("self"):
            raw, plain = self._raw_from_data(name, check.type)
        else:
            raw, plain = _raw_from_value(stored, check.type)
        attributes = self.framework.unit_attributes
        show_excluded = check.type == "ratio" and (
            self.node.kind == NodeKind.COMMUNE
            or (isinstance(stored, dict) and "excluded" in stored)
            or (prefill is not None and isinstance(prefill.value, dict) and "excluded" in prefill.value)
        )
        shell = CheckField(
            owner=owner,
            key=check.key,
            type=check.type,
            label=check.label_vi,
            name=name,
            raw=raw,
            plain=plain,
            prefill=prefill,
            prefill_text="",
            from_records=check.key in facts.prefill_map()["checks"],
            choices=choices,
            conditions=[attributes.get(a, a) for a in check.when],
            show_excluded=show_excluded,
            interpretation=check.interpretation or "",
        )
        if prefill is not None:
            raw_prefill, plain_prefill = _raw_from_value(prefill.value, check.type)
            shell.prefill_text = _describe(shell, raw_prefill, plain_prefill)
        return shell

    def _raw_from_data(self, name: str, kind: str) -> tuple[Any, str]:
        plain = self._get(f"{name}:plain") if kind != "bool" else ""
        if kind == "ratio":
            return {p: self._get(f"{name}:{p}").strip() for p in ("met", "total", "excluded")}, plain
        if kind == "trend":
            return {p: self._get(f"{name}:{p}").strip() for p in ("current", "previous_year")}, plain
        if kind == "set":
            return self._getlist(name), plain
        return self._get(name).strip(), plain

    # -- unit attributes ("nơi có")

    def _attributes(self) -> list[AttributeField]:
        if self.criteria is None or self.framework is None:
            return []
        used: dict[str, list[str]] = {}
        for criterion in self.criteria.criteria:
            for check in criterion.all_checks:
                for attribute in check.when:
                    used.setdefault(attribute, []).append(check.label_vi)
        fields = []
        stored = self.assessment.unit_facts or {}
        # In the order the criteria first use them (the stored framework is JSON: PostgreSQL's jsonb
        # does not keep the order of a mapping's keys, the criteria list it does).
        for key in used:
            label = self.framework.unit_attributes.get(key, key)
            if key == "is_general_education":
                continue  # the school level decides is_general_education (unit registry)
            name = f"attr:{key}"
            raw = self._get(name) if self._typed("self") else yes_no(stored.get(key))
            source = ""
            if key == "has_party_org" and self.registration is not None:
                source = _("Theo bản đăng ký: %(value)s") % {
                    "value": _("Có") if self.registration.has_party_org else _("Không")
                }
            fields.append(AttributeField(key, label, name, raw, sorted(set(used[key])), source))
        return fields

    # -- QĐ 510

    def _rows(self, copy_self: bool) -> list[ScoreRow]:
        sheet = self.score_sheet
        if sheet is None:
            return []
        engine = _engine_items(self.result)
        stored_self = self.assessment.self_scores or {}
        stored_superior = self.assessment.superior_scores or {}
        stored_reasons = self.assessment.superior_reasons or {}
        stored_overrides = self.assessment.self_reasons or {}
        rows: list[ScoreRow] = []
        for item in sheet.items:
            leaves: list[tuple[str, str, int, bool, int]] = []
            if item.sub_items:
                rows.append(
                    ScoreRow(
                        id=item.id,
                        label=item.label_vi,
                        max_points=item.max_points,
                        level=0,
                        is_leaf=False,
                        derived=False,
                        bonus="",
                        self_value=(engine.get(item.id) or {}).get("self"),
                        superior_value=(engine.get(item.id) or {}).get("superior"),
                        notes=list((engine.get(item.id) or {}).get("notes") or []),
                    )
                )
                for sub in item.sub_items:
                    leaves.append(
                        (item.sub_item_id(sub), sub.label_vi, sub.max_points, bool(sub.derived_from), 1)
                    )
            else:
                leaves.append((item.id, item.label_vi, item.max_points, bool(item.derived_from), 0))
            from_records = set(facts.prefill_map()["scores"])
            for leaf, label, maximum, derived, level in leaves:
                found = engine.get(leaf) or {}
                # Points the records decide (item 8a/8b from the registration) are not typed either.
                derived = derived or leaf in from_records
                bonus = ""
                if item.bonus is not None and leaf == item.id:
                    bonus = _(
                        "Tập thể %(c)s điểm, cá nhân %(i)s điểm mỗi khen thưởng, tối đa %(cap)s điểm."
                    ) % {
                        "c": item.bonus.per_collective_award,
                        "i": item.bonus.per_individual_award,
                        "cap": item.bonus.cap,
                    }
                row = ScoreRow(
                    id=leaf,
                    label=label,
                    max_points=maximum,
                    level=level,
                    is_leaf=True,
                    derived=derived,
                    bonus=bonus,
                    self_name=f"s:{leaf}",
                    superior_name=f"sup:{leaf}",
                    reason_name=f"why:{leaf}",
                    prefill=self.score_prefills.get(leaf),
                    suggested=None if derived else self.suggested.get(leaf),
                    override_name=f"ovr:{leaf}",
                    self_value=found.get("self"),
                    superior_value=found.get("superior"),
                    notes=list(found.get("notes") or []),
                )
                if not derived:
                    if self._typed("self"):
                        row.self_raw = self._get(row.self_name).strip()
                        row.override_raw = self._get(row.override_name).strip()
                    else:
                        row.self_raw = _points_raw(stored_self.get(leaf), found.get("self"))
                        row.override_raw = str(stored_overrides.get(leaf, ""))
                        if stored_self.get(leaf) is None and row.suggested is not None:
                            row.self_raw = _number_raw(row.suggested.value)
                    if self._typed("superior"):
                        row.superior_raw = self._get(row.superior_name).strip()
                        row.reason_raw = self._get(row.reason_name).strip()
                    else:
                        row.superior_raw = _points_raw(stored_superior.get(leaf), found.get("superior"))
                        row.reason_raw = str(stored_reasons.get(leaf, ""))
                    if copy_self and row.self_value is not None:
                        row.superior_raw = _number_raw(row.self_value)
                rows.append(row)
            top = next(r for r in rows if r.id == item.id)
            top.note_name, top.evidence_name = f"note:{item.id}", f"ev:{item.id}"
            top.note_raw = self._get(top.note_name) if self._typed("self") else self._stored_note(item.id)
            top.documents = self._doc_options(item.id, top.evidence_name)
        return rows

    @property
    def editable(self) -> bool:
        """Whether the checklist and the self column take input (the unit's own mode)."""
        return self.mode == SELF

    @property
    def has_sheet(self) -> bool:
        return self.score_sheet is not None

    @property
    def no_sheet_message(self) -> str:
        return str(NO_SHEET)

    @property
    def leaf_rows(self) -> list[ScoreRow]:
        return [r for r in self.rows if r.is_leaf]

    @property
    def all_errors(self) -> list[str]:
        found = list(self.errors)
        for section in self.sections:
            found += section.errors
            for block in section.blocks:
                found += block.errors
                for check in block.checks:
                    found += check.errors
        for attribute in self.attributes:
            found += attribute.errors
        for row in self.rows:
            found += row.errors
        return found

    # -- parsing

    def is_valid(self) -> bool:
        """Whether every input parsed (decided once: errors a service adds later do not count)."""
        if not self.bound:
            return False
        if self._cleaned is None:
            self._cleaned = self._parse()
            self._valid = not self.all_errors
        return self._valid

    @property
    def cleaned(self) -> dict[str, Any]:
        if not self.is_valid() or self._cleaned is None:
            raise ValueError("the sheet is not valid")
        return self._cleaned

    def self_data(self) -> dict[str, Any]:
        """The `data` of `services.assessment_save_self`."""
        cleaned = self.cleaned
        keys = ("answers", "self_scores", "self_reasons", "notes", "evidence", "unit_facts")
        return {k: cleaned[k] for k in keys}

    def _parse(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = {}
        if self.mode == SELF:
            cleaned["answers"] = self._parse_answers()
            cleaned["unit_facts"] = self._parse_attributes()
            cleaned["self_scores"], cleaned["self_reasons"] = self._parse_overrides(
                self._parse_points("self")
            )
            cleaned["notes"], cleaned["evidence"] = self._parse_notes_and_evidence()
        elif self.mode == REVIEW:
            cleaned["superior_scores"] = self._parse_points("superior")
            cleaned["reasons"] = {
                r.id: r.reason_raw for r in self.leaf_rows if r.reason_raw and not r.derived
            }
        return cleaned

    def _parse_answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for section in self.sections:
            for block in section.blocks:
                if block.judgment_raw in {YES, NO}:
                    answers[block.id] = block.judgment_raw == YES
                    continue
                values: dict[str, Any] = {}
                for check in block.checks:
                    value = _parse_check(check)
                    if value is not None:
                        values[check.key] = value
                if values:
                    answers[block.id] = values
        return answers

    def _parse_attributes(self) -> dict[str, bool]:
        found: dict[str, bool] = {}
        for attribute in self.attributes:
            if attribute.raw in {YES, NO}:
                found[attribute.key] = attribute.raw == YES
            elif attribute.raw:
                attribute.errors.append(_("%(item)s: chọn Có hoặc Không.") % {"item": attribute.label})
        return found

    def _parse_points(self, column: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for row in self.leaf_rows:
            if row.derived:
                continue
            raw = row.self_raw if column == "self" else row.superior_raw
            if not raw:
                continue
            points = _parse_points(raw, row)
            if points is not None:
                found[row.id] = points
        return found

    def _parse_overrides(self, points: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """Points equal to what the records suggest are not stored (the item keeps following the
        records); points that differ need the unit's reason, which the superior sees."""
        reasons: dict[str, str] = {}
        for row in self.leaf_rows:
            if row.suggested is None or row.id not in points:
                continue
            if Decimal(str(points[row.id])) == Decimal(str(row.suggested.value)):
                del points[row.id]
                continue
            reason = row.override_raw.strip()
            if not reason:
                row.errors.append(
                    _("Mục %(item)s: điểm tự chấm khác điểm theo hồ sơ (%(points)s), cần ghi lý do.")
                    % {"item": row.id, "points": _number_raw(row.suggested.value)}
                )
            elif len(reason) > NOTE_MAX:
                row.errors.append(_("%(item)s: lý do dài quá %(n)s ký tự.") % {"item": row.id, "n": NOTE_MAX})
            else:
                reasons[row.id] = reason
        return points, reasons

    def _parse_notes_and_evidence(self) -> tuple[dict[str, str], dict[str, list[int]]]:
        notes: dict[str, str] = {}
        evidence: dict[str, list[int]] = {}
        holders: list[Any] = [*self.sections, *(r for r in self.rows if r.evidence_name)]
        offered = {d.pk for d in self.documents}
        for holder in holders:
            note = holder.note_raw.strip()
            if len(note) > NOTE_MAX:
                holder.errors.append(
                    _("%(item)s: ghi chú dài quá %(n)s ký tự.") % {"item": holder.id, "n": NOTE_MAX}
                )
            elif note:
                notes[holder.id] = note
            raw_ids = self._getlist(holder.evidence_name)
            ids: list[int] = []
            for raw in raw_ids:
                if not _is_int(raw) or int(raw) not in offered:
                    holder.errors.append(
                        _("%(item)s: tài liệu minh chứng không thuộc hồ sơ của đơn vị năm này.")
                        % {"item": holder.id}
                    )
                    break
                ids.append(int(raw))
            if ids:
                evidence[holder.id] = sorted(set(ids))
        return notes, evidence

    def mark_unexplained(self) -> None:
        """After the service refused a deduction without reason: flag the rows concerned."""
        for row in self.leaf_rows:
            if not row.derived and row.deducted and not row.reason_raw:
                row.errors.append(
                    _("Mục %(item)s: cấp trên chấm thấp hơn điểm tự chấm, cần ghi lý do trừ điểm.")
                    % {"item": row.id}
                )


# ---- helpers -----------------------------------------------------------------------------------------


def _linked_ids(document: EvidenceDocument) -> list[str]:
    return [link.criterion_id for link in document.links.all()]


def _engine_items(result: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for item in (result.get("qd510") or {}).get("items", []):
        found[item["id"]] = item
        for sub in item.get("sub_items") or []:
            found[sub["id"]] = sub
    return found


def _number_raw(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _points_raw(stored: Any, engine_value: Any) -> str:
    """Stored points as typed; award counts (item 9 given as counts) as the engine's points."""
    if stored is None:
        return ""
    if isinstance(stored, dict):
        return _number_raw(engine_value)
    return _number_raw(stored)


def _raw_from_value(value: Any, kind: str) -> tuple[Any, str]:
    """A stored answer as the inputs show it: (raw, plain yes/no)."""
    if isinstance(value, bool):
        if kind == "bool":
            return yes_no(value), ""
        return ({} if kind in {"ratio", "trend"} else [] if kind == "set" else ""), yes_no(value)
    if kind == "ratio":
        data = value if isinstance(value, dict) else {}
        return {p: _number_raw(data.get(p)) for p in ("met", "total", "excluded")}, ""
    if kind == "trend":
        data = value if isinstance(value, dict) else {}
        return {p: _number_raw(data.get(p)) for p in ("current", "previous_year")}, ""
    if kind == "set":
        return [str(v) for v in value] if isinstance(value, list) else [], ""
    return ("" if value is None else str(value)), ""


def _describe(check: CheckField, raw: Any, plain: str) -> str:
    """An answer in words: "Có", "45/45", "3 (năm trước 4)", a rating's label, a list of rules."""
    if plain:
        text = _("Có") if plain == YES else _("Không")
        return (
            str(text)
            if check.type == "bool"
            else _("%(answer)s (không có số liệu chi tiết)") % {"answer": text}
        )
    if check.type == "bool":
        return str(_("Có") if raw == YES else _("Không") if raw == NO else "")
    if check.type == "ratio" and isinstance(raw, dict):
        if not raw.get("met") and not raw.get("total"):
            return ""
        text = f"{raw.get('met', '')}/{raw.get('total', '')}"
        if raw.get("excluded"):
            text += " " + _("(không tính %(n)s đơn vị loại trừ)") % {"n": raw["excluded"]}
        return text
    if check.type == "trend" and isinstance(raw, dict):
        if not raw.get("current") and not raw.get("previous_year"):
            return ""
        return _("năm nay %(current)s, năm trước %(previous)s") % {
            "current": raw.get("current", ""),
            "previous": raw.get("previous_year", ""),
        }
    if check.type == "rating":
        return dict(check.choices).get(str(raw), str(raw))
    if check.type == "set" and isinstance(raw, list):
        labels = dict(check.choices)
        return "; ".join(str(labels.get(str(code), code)) for code in raw)
    return str(raw)


def _is_int(raw: str) -> bool:
    """ASCII digits only (`str.isdigit` also accepts "²", which `int` refuses)."""
    return raw.isascii() and raw.isdigit()


def _non_negative(raw: str, check: CheckField, part: str = "") -> int | None:
    if _is_int(raw):
        return int(raw)
    what = f"{check.item} ({part})" if part else check.item
    check.errors.append(
        _("%(item)s: “%(value)s” không phải là số nguyên không âm.") % {"item": what, "value": raw}
    )
    return None


PART_LABELS = {
    "met": gettext_lazy("số đạt"),
    "total": gettext_lazy("tổng số"),
    "excluded": gettext_lazy("số loại trừ"),
    "current": gettext_lazy("năm nay"),
    "previous_year": gettext_lazy("năm trước"),
}


def _parse_check(check: CheckField) -> Any:
    """The engine's value for one check, or None when it is left unanswered (errors on the field)."""
    raw, plain = check.raw, check.plain
    detailed = any(raw.values()) if isinstance(raw, dict) else bool(raw)
    if plain and plain not in {YES, NO}:
        check.errors.append(_("%(item)s: chọn Có hoặc Không.") % {"item": check.item})
        return None
    if plain and detailed:
        check.errors.append(
            _("%(item)s: nhập số liệu hoặc chỉ trả lời Có/Không, không nhập cả hai.") % {"item": check.item}
        )
        return None
    if plain:
        return plain == YES
    if not detailed:
        return None
    if check.type == "bool":
        if raw not in {YES, NO}:
            check.errors.append(_("%(item)s: chọn Có hoặc Không.") % {"item": check.item})
            return None
        return raw == YES
    if check.type == "count":
        return _non_negative(str(raw), check)
    if check.type in {"ratio", "trend"}:
        return _parse_counts(check, raw)
    if check.type == "rating":
        if raw not in dict(check.choices):
            check.errors.append(_("%(item)s: mức đánh giá không hợp lệ.") % {"item": check.item})
            return None
        return raw
    if check.type == "set":
        allowed = dict(check.choices)
        unknown = [code for code in raw if code not in allowed]
        if unknown:
            check.errors.append(
                _("%(item)s: nội dung không có trong danh mục: %(codes)s.")
                % {"item": check.item, "codes": ", ".join(unknown)}
            )
            return None
        return [code for code in allowed if code in raw]
    return None


def _parse_counts(check: CheckField, raw: dict[str, str]) -> dict[str, int] | None:
    required = ("met", "total") if check.type == "ratio" else ("current", "previous_year")
    optional = ("excluded",) if check.type == "ratio" else ()
    numbers: dict[str, int] = {}
    for part in (*required, *optional):
        value = raw.get(part, "")
        if not value:
            if part in required:
                check.errors.append(
                    _("%(item)s: thiếu %(part)s (nhập đủ các ô hoặc để trống tất cả).")
                    % {"item": check.item, "part": PART_LABELS[part]}
                )
            continue
        number = _non_negative(value, check, str(PART_LABELS[part]))
        if number is not None:
            numbers[part] = number
    if check.errors:
        return None
    if check.type == "ratio":
        excluded = numbers.get("excluded", 0)
        if excluded > numbers["total"]:
            check.errors.append(
                _("%(item)s: số loại trừ (%(excluded)s) lớn hơn tổng số (%(total)s).")
                % {"item": check.item, "excluded": excluded, "total": numbers["total"]}
            )
            return None
        if numbers["met"] > numbers["total"] - excluded:
            check.errors.append(
                _("%(item)s: số đạt (%(met)s) lớn hơn số được tính (%(n)s).")
                % {"item": check.item, "met": numbers["met"], "n": numbers["total"] - excluded}
            )
            return None
    return numbers


def _parse_points(raw: str, row: ScoreRow) -> int | float | None:
    text = raw.strip().replace(",", ".")
    try:
        points = Decimal(text)
    except InvalidOperation:
        row.errors.append(
            _("Mục %(item)s: “%(value)s” không phải là số điểm.") % {"item": row.id, "value": raw}
        )
        return None
    if not points.is_finite():
        row.errors.append(
            _("Mục %(item)s: “%(value)s” không phải là số điểm.") % {"item": row.id, "value": raw}
        )
        return None
    if points < 0:
        row.errors.append(_("Mục %(item)s: điểm không được âm.") % {"item": row.id})
        return None
    if points > row.max_points:
        row.errors.append(
            _("Mục %(item)s: %(value)s điểm vượt quá điểm tối đa %(max)s.")
            % {"item": row.id, "value": raw, "max": row.max_points}
        )
        return None
    if points.as_tuple().exponent < -2:  # type: ignore[operator]
        row.errors.append(_("Mục %(item)s: điểm lấy tối đa 2 chữ số thập phân.") % {"item": row.id})
        return None
    return int(points) if points == points.to_integral_value() else float(points)

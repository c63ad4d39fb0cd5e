"""From records to the engine: the fact sheet of one unit's year, prefilled from what ANTQ knows.

Prefills come from the registration, the evidence register and the incident register; each says
where it came from (shown beside the item). What the officer typed wins over a prefill. Incidents
are never typed: the engine reads them from the register every time, so a new incident changes
the unit's result at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from antq.core.facts import RecordFact
from antq.criteria.engine import Library, evaluate_document
from antq.criteria.engine.errors import FactsError
from antq.criteria.engine.schema import CriteriaSet, Framework, ScoreSheet, TT124Framework
from antq.criteria.models import FrameworkVersion, classification_fingerprint
from antq.criteria.selectors import engine_framework, parsed_framework
from antq.cycles import derived
from antq.cycles.choices import RegistrationStatus
from antq.cycles.models import Assessment, Cycle, Registration
from antq.incidents.selectors import incidents_for_facts
from antq.org.choices import UNIT_KINDS, EducationLevel, ManagingAuthority, NodeKind
from antq.org.models import OrgNode, subtree_q

PREFILL_DATA = Path(__file__).with_name("data") / "prefill.yaml"
SENT = (RegistrationStatus.SUBMITTED, RegistrationStatus.ACCEPTED)
GENERAL_EDUCATION = {
    EducationLevel.LOWER_SECONDARY,
    EducationLevel.UPPER_SECONDARY,
    EducationLevel.MULTI_LEVEL,
}


# A value ANTQ already knows for one check (or score), the record it came from and where it is shown.
Prefill = RecordFact


# Parsed versions are kept by `criteria.selectors.engine_framework` (a cycle's versions are frozen),
# keyed by (pk, content hash, thresholds confirmed): re-reading and re-parsing the same JSON on
# every page and every save was pure cost. Only whether a confirmation exists can change: it is read
# on every call (one small query with the version ids) and is part of the key.
# Per (pk, content hash): the classification fingerprint a confirmation must name, or "" when none
# is needed (no classification, or one the file marks verified), with the flag such a version has.
_CONFIRMATION: dict[tuple[int, str], tuple[str, bool]] = {}
_LIBRARIES: dict[tuple[tuple[int, str, bool], ...], Library] = {}
_CACHE_LIMIT = 512  # far above the versions in use (national ones and the provinces' variants)


def _remember(store: dict[Any, Any], key: Any, value: Any) -> None:
    if len(store) >= _CACHE_LIMIT:
        store.clear()  # a bound for a process that lives through many threshold edits
    store[key] = value


def _parse(pk: int) -> tuple[Framework, bool]:
    """Read and parse one version with `engine_framework` (and its own confirmation check); the
    flag is whether the engine object was built with confirmed thresholds."""
    version = FrameworkVersion.objects.get(pk=pk)
    framework = engine_framework(version)
    classification = getattr(framework, "classification", None)
    flag = bool(classification is not None and classification.verified)
    content = version.content
    section = content.get("classification") if isinstance(content, dict) else None
    if isinstance(section, dict) and section.get("verified") is not True:
        _remember(_CONFIRMATION, (pk, version.content_hash), (classification_fingerprint(content), False))
    else:
        _remember(_CONFIRMATION, (pk, version.content_hash), ("", flag))
    return framework, flag


def _cycle_library(cycle: Cycle) -> Library:
    """The library of the cycle's versions: one query (ids, hashes and the fingerprints of their
    threshold confirmations, never the documents), then the parsed versions from memory."""
    rows = FrameworkVersion.objects.filter(cycles=cycle).values_list(
        "pk", "content_hash", "threshold_confirmations__classification_hash"
    )
    versions: dict[tuple[int, str], set[str]] = {}  # in the versions' own order, as `frameworks.all()`
    for pk, content_hash, confirmed in rows:
        versions.setdefault((pk, content_hash), set())
        if confirmed:
            versions[(pk, content_hash)].add(confirmed)
    keys: list[tuple[int, str, bool]] = []
    frameworks: list[Framework] = []
    for (pk, content_hash), confirmations in versions.items():
        framework: Framework | None = None
        known = _CONFIRMATION.get((pk, content_hash))
        if known is not None:
            # `criteria.selectors.thresholds_verified`: the file's own flag, or a confirmation of
            # the classification as it is now.
            fingerprint, flag = known
            if fingerprint:
                flag = fingerprint in confirmations
            framework = parsed_framework(pk, content_hash, flag)
        if framework is None:
            framework, flag = _parse(pk)
        keys.append((pk, content_hash, flag))
        frameworks.append(framework)
    key = tuple(keys)
    found = _LIBRARIES.get(key)
    if found is None:
        found = Library.of(frameworks)
        _remember(_LIBRARIES, key, found)
    return found


def library(cycle: Cycle) -> Library:
    """The engine library of the versions frozen for this cycle, built once per cycle instance
    (a page reads it several times; the versions are frozen, only a threshold confirmation can
    change what it says, and that is picked up by the next request's fresh instance)."""
    cached: Library | None = getattr(cycle, "_engine_library", None)
    if cached is None:
        cached = _cycle_library(cycle)
        cycle._engine_library = cached  # type: ignore[attr-defined]
    return cached


# The records behind an evaluation, read once per block of `reuse()` (None outside any block).
_READ_ONCE: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("antq_facts_read_once", default=None)
T = TypeVar("T")


@contextmanager
def reuse() -> Iterator[None]:
    """Inside this block the records behind an evaluation (the movement's record facts and the
    incident register) are read once per unit, registration and window, however often the block
    evaluates: a page shows the stored result, the form and a preview, a submission checks and then
    stores. Only for blocks that write none of those records; outside one, every evaluation reads
    the records as they are now."""
    if _READ_ONCE.get() is not None:
        yield
        return
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def _read_once(key: tuple[Any, ...], read: Callable[[], T]) -> T:
    found = _READ_ONCE.get()
    if found is None:
        return read()
    if key not in found:
        found[key] = read()
    return found[key]  # type: ignore[no-any-return]


def _record_facts(
    node: OrgNode, registration: Registration | None, start: dt.date, end: dt.date, year: int
) -> dict[str, Prefill]:
    registration_key = None if registration is None else (registration.pk, registration.version)
    key = ("records", node.pk, registration_key, start, end, year)
    return dict(_read_once(key, lambda: derived.record_facts(node, registration, start, end, year)))


def _incidents(node: OrgNode, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    key = ("incidents", node.pk, start, end)
    return [dict(i) for i in _read_once(key, lambda: incidents_for_facts(node=node, start=start, end=end))]


def tt124_for(cycle: Cycle) -> TT124Framework | None:
    return next(iter(library(cycle).tt124), None)


def criteria_for(cycle: Cycle, node: OrgNode) -> CriteriaSet | None:
    framework = tt124_for(cycle)
    if framework is None or node.kind not in framework.unit_types:
        return None
    return framework.criteria_for(node.kind)


def sheet_for(cycle: Cycle, node: OrgNode) -> ScoreSheet | None:
    return library(cycle).sheet_for(node.kind, cycle.year)


def window(cycle: Cycle, node: OrgNode) -> tuple[dt.date, dt.date]:
    framework = tt124_for(cycle)
    if framework is None or node.kind not in framework.unit_types:
        return dt.date(cycle.year, 1, 1), dt.date(cycle.year, 12, 31)
    return framework.window_for(node.kind).for_year(cycle.year)


def _in_q1(day: dt.date | None, year: int) -> bool:
    return day is not None and dt.date(year, 1, 1) <= day <= dt.date(year, 3, 31)


def _doc_source(label: str, document: Any) -> str:
    number = f" {document.number_symbol}" if document.number_symbol else ""
    return _("%(label)s%(number)s ngày %(date)s") % {
        "label": label,
        "number": number,
        "date": date_format(document.issue_date, "d/m/Y"),
    }


@cache
def prefill_map() -> dict[str, dict[str, str]]:
    raw: dict[str, Any] = yaml.safe_load(PREFILL_DATA.read_text(encoding="utf-8"))
    return {"checks": dict(raw.get("checks") or {}), "scores": dict(raw.get("scores") or {})}


def prefills(cycle: Cycle, node: OrgNode, registration: Registration | None) -> dict[str, dict[str, Prefill]]:
    """{criterion or sub-item id: {check key: Prefill}} for the checks ANTQ can answer."""
    criteria = criteria_for(cycle, node)
    if criteria is None:
        return {}
    known = known_facts(cycle, node, registration)
    by_key = prefill_map()["checks"]
    found: dict[str, dict[str, Prefill]] = {}
    for criterion in criteria.criteria:
        owners = [(criterion.id, criterion.checks)]
        owners += [(criterion.sub_item_id(s), s.checks) for s in criterion.sub_items]
        for owner, checks in owners:
            for check in checks:
                fact = by_key.get(check.key)
                if fact in known:
                    found.setdefault(owner, {})[check.key] = known[fact]
    return found


def known_facts(cycle: Cycle, node: OrgNode, registration: Registration | None) -> dict[str, Prefill]:
    """The facts named in `data/prefill.yaml`, as far as the records tell them."""
    known: dict[str, Prefill] = {}
    year = cycle.year
    if registration is not None and registration.status in SENT:
        registered = registration.registered_on
        # Registering early (from the previous year's window) meets "by Quý I" as well.
        known["registered_in_q1"] = Prefill(
            dt.date(year - 1, 1, 1) <= registered <= dt.date(year, 3, 31),
            _("Đăng ký phấn đấu ngày %(date)s") % {"date": date_format(registered, "d/m/Y")},
        )
        if registration.resolution is not None and registration.resolution.is_active:
            known["resolution_in_q1"] = Prefill(
                _in_q1(registration.resolution.issue_date, year),
                _doc_source(_("Nghị quyết"), registration.resolution),
            )
        if registration.plan is not None and registration.plan.is_active:
            known["plan_in_q1"] = Prefill(
                _in_q1(registration.plan.issue_date, year), _doc_source(_("Kế hoạch"), registration.plan)
            )
        if registration.commitment_total:
            met, total = registration.commitment_count, registration.commitment_total
            source = _("Bản đăng ký: %(met)s/%(total)s cam kết") % {"met": met, "total": total}
            known["household_commitments"] = Prefill({"met": met, "total": total}, source)
    if node.kind == NodeKind.COMMUNE:
        known.update(_read_once(("commune", cycle.pk, node.pk), lambda: _commune_ratios(cycle, node)))
    return known


def _commune_ratios(cycle: Cycle, commune: OrgNode) -> dict[str, Prefill]:
    """XA.4: the units under the commune that registered, and that are recognized (by decision)."""
    from antq.decisions.selectors import recognized_nodes  # decisions read cycles, not the reverse

    # TT 124 Điều 5.4: the units "under the commune's authority (or delegated to it)"; units managed
    # by the province or a ministry are recognized there and do not count for the commune.
    units = OrgNode.objects.filter(
        subtree_q(commune.path),
        kind__in=UNIT_KINDS,
        is_active=True,
        managing_authority__in=["", ManagingAuthority.COMMUNE],
    )
    total = units.count()
    excluded = units.exclude(exclusion_code="").count()
    eligible_units = units.filter(exclusion_code="")
    registered = Registration.objects.filter(cycle=cycle, node__in=eligible_units, status__in=SENT).count()
    recognized = recognized_nodes(cycle).filter(pk__in=eligible_units.values("pk")).count()
    eligible = total - excluded
    return {
        "child_units_registered": Prefill(
            {"met": registered, "total": total, "excluded": excluded},
            _("%(met)s/%(eligible)s đơn vị thuộc diện đã đăng ký")
            % {"met": registered, "eligible": eligible},
        ),
        "child_units_recognized": Prefill(
            {"met": recognized, "total": total, "excluded": excluded},
            _("%(met)s/%(eligible)s đơn vị có quyết định công nhận còn hiệu lực")
            % {"met": recognized, "eligible": eligible},
        ),
    }


def score_prefills(cycle: Cycle, node: OrgNode, registration: Registration | None) -> dict[str, Prefill]:
    """QĐ 510 points ANTQ can derive from the registration (`scores` in `data/prefill.yaml`)."""
    sheet = sheet_for(cycle, node)
    if sheet is None or registration is None:
        return {}
    sent = registration.status in SENT
    full = (
        registration.commitment_total > 0 and registration.commitment_count == registration.commitment_total
    )
    facts = {
        "registered": (sent, _("Theo bản đăng ký phấn đấu")),
        "subunits_all_committed": (
            sent and full,
            _("Bản đăng ký: %(met)s/%(total)s bộ phận cam kết")
            % {"met": registration.commitment_count, "total": registration.commitment_total},
        ),
    }
    found: dict[str, Prefill] = {}
    leaves = sheet.leaf_ids()
    for leaf, fact in prefill_map()["scores"].items():
        if leaf in leaves and fact in facts:
            earned, source = facts[fact]
            found[leaf] = Prefill(leaves[leaf] if earned else 0, source)
    return found


def suggested_scores(assessment: Assessment, registration: Registration | None) -> dict[str, Prefill]:
    """QĐ 510 points the movement's records suggest (`derived_scores` in `data/prefill.yaml`): live
    while the unit edits, as frozen at submission afterwards (the superior judges what it saw)."""
    cycle, node = assessment.cycle, assessment.node
    sheet = sheet_for(cycle, node)
    if sheet is None:
        return {}
    if not assessment.self_editable:
        # Frozen at submission (empty for assessments sent before suggestions existed).
        return derived.frozen(assessment)
    leaves = sheet.leaf_ids()
    if not any(leaf in leaves for leaf in derived.rules()):
        return {}  # a sheet without the items the records feed (a province's own): nothing to read
    start, end = window(cycle, node)
    return derived.suggest(sheet, _record_facts(node, registration, start, end, cycle.year))


def unit_facts(node: OrgNode, assessment: Assessment, registration: Registration | None) -> dict[str, Any]:
    facts: dict[str, Any] = {"type": node.kind, "name": node.name}
    if node.exclusion_code:
        facts["exclusion"] = node.exclusion_code
    if registration is not None:
        facts["has_party_org"] = registration.has_party_org
    if node.kind == NodeKind.SCHOOL:
        facts["is_general_education"] = node.education_level in GENERAL_EDUCATION
    for key in ("has_guard_force", "eligible_for_emulation", "has_party_org"):
        if key in assessment.unit_facts:
            facts[key] = bool(assessment.unit_facts[key])
    return facts


def merged_answers(assessment: Assessment, found: dict[str, dict[str, Prefill]]) -> dict[str, Any]:
    """The officer's answers, with the checks the records decide (`data/prefill.yaml`) taken from the
    records only: a registration date, a resolution's date or the commune's ratios cannot be typed.
    Where the record does not exist yet, such a check stays unanswered."""
    from_records = set(prefill_map()["checks"])
    answers: dict[str, Any] = {}
    for owner, value in assessment.answers.items():
        if isinstance(value, dict):
            kept = {k: v for k, v in value.items() if k not in from_records}
            if kept:
                answers[owner] = kept
        elif not found.get(owner):
            answers[owner] = value
    for owner, checks in found.items():
        if not isinstance(answers.get(owner, {}), dict):
            continue
        answers.setdefault(owner, {}).update({k: p.value for k, p in checks.items()})
    return answers


def fact_sheet(assessment: Assessment, registration: Registration | None = None) -> dict[str, Any]:
    """The engine's fact sheet for this assessment, from the records as they are now."""
    cycle, node = assessment.cycle, assessment.node
    start, end = window(cycle, node)
    scores: dict[str, Any] = {}
    decided = score_prefills(cycle, node, registration)
    suggested = suggested_scores(assessment, registration)
    from_records = set(prefill_map()["scores"])
    leaves = set(decided) | set(suggested) | set(assessment.self_scores) | set(assessment.superior_scores)
    for leaf in leaves:
        entry: dict[str, Any] = {}
        if leaf in from_records:
            # Points the records decide (item 8: registered, sub-units committed), in both columns;
            # without the record the item scores nothing.
            value = decided[leaf].value if leaf in decided else 0
            entry["self"] = value
            if assessment.superior_scores:
                entry["superior"] = value
        else:
            # What the unit typed wins; otherwise the points its records suggest.
            if assessment.self_scores.get(leaf) is None and leaf in suggested:
                entry["self"] = suggested[leaf].value
            elif assessment.self_scores.get(leaf) is not None:
                entry["self"] = assessment.self_scores[leaf]
            if assessment.superior_scores.get(leaf) is not None:
                entry["superior"] = assessment.superior_scores[leaf]
        if entry:
            scores[leaf] = entry
    return {
        "schema_version": 1,
        "unit": unit_facts(node, assessment, registration),
        "year": cycle.year,
        "answers": merged_answers(assessment, prefills(cycle, node, registration)),
        "incidents": _incidents(node, start, end),
        "scores": scores,
    }


@dataclass(frozen=True)
class Evaluation:
    result: dict[str, Any] | None
    problems: list[dict[str, str]]


def evaluate(assessment: Assessment, registration: Registration | None = None) -> Evaluation:
    """Run the engine on the assessment; invalid input gives the engine's problems, not an error."""
    try:
        result = evaluate_document(fact_sheet(assessment, registration), library(assessment.cycle))
    except FactsError as exc:
        return Evaluation(None, [{"path": p.path, "message": p.message} for p in exc.problems])
    return Evaluation(result, [])

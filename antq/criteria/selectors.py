"""Reads of frameworks and versions: which version applies, and whether its thresholds are confirmed."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from antq.criteria.engine import load_framework
from antq.criteria.engine.schema import Framework as EngineFramework
from antq.criteria.models import (
    Framework,
    FrameworkKind,
    FrameworkVersion,
    ThresholdConfirmation,
    classification_fingerprint,
)
from antq.org.choices import NodeKind
from antq.org.models import SEGMENT_WIDTH, OrgNode

if TYPE_CHECKING:
    from antq.accounts.scope import Scope

MAX_DERIVATION_DEPTH = 20


def nation_node() -> OrgNode | None:
    """The root of the tree: national versions are managed (and audited) there."""
    return OrgNode.objects.filter(parent__isnull=True, kind=NodeKind.NATION).order_by("path").first()


def audit_node_path(version: FrameworkVersion | None) -> str:
    """Where a version's audit events are scoped: its province, or the nation for national ones."""
    if version is not None and version.province_id is not None:
        return version.province.path  # type: ignore[union-attr]
    nation = nation_node()
    return nation.path if nation is not None else ""


def national_base(version: FrameworkVersion) -> FrameworkVersion | None:
    """The national version a variant was (possibly indirectly) derived from."""
    current: FrameworkVersion | None = version
    for _step in range(MAX_DERIVATION_DEPTH):
        if current is None or current.province_id is None:
            return current
        current = current.derived_from
    return None


def active_version(
    framework_code: str, province: OrgNode | None, on_date: dt.date
) -> FrameworkVersion | None:
    """The version that applies in `province` (or any node under it) on `on_date`.

    The latest national version in force on that date, unless the province has a variant in force
    derived from that same national version: then the variant. A variant of an older national
    version gives way to a newer national one (the province derives again from the new one).
    """
    in_force = FrameworkVersion.objects.filter(
        framework__code=framework_code, effective_from__lte=on_date
    ).select_related("framework", "province")
    newest = ("-effective_from", "-created_at", "-id")
    national = in_force.filter(province__isnull=True).order_by(*newest).first()
    if province is None:
        return national
    paths = [province.path[:end] for end in range(SEGMENT_WIDTH, len(province.path) + 1, SEGMENT_WIDTH)]
    variant = in_force.filter(province__path__in=paths).order_by(*newest).first()
    if variant is None:
        return national
    if national is None:
        return variant
    base = national_base(variant)
    return variant if base is not None and base.pk == national.pk else national


def thresholds_verified(version: FrameworkVersion) -> bool:
    """Whether the version's classification thresholds are confirmed: by the file itself
    (`classification.verified: true`) or by a recorded confirmation of the classification section
    as it is now (a confirmation of earlier thresholds no longer counts). False when the version
    has no classification (TT 124): there is nothing to classify with."""
    classification = version.content.get("classification") if isinstance(version.content, dict) else None
    if not isinstance(classification, dict):
        return False
    if classification.get("verified") is True:
        return True
    return version.threshold_confirmations.filter(
        classification_hash=classification_fingerprint(version.content)
    ).exists()


def engine_framework(version: FrameworkVersion) -> EngineFramework:
    """The engine's framework for this version, with the thresholds marked verified once confirmed
    (so the engine stops calling the classification provisional). A confirmed classification is no
    longer illustrative either: the engine refuses one marked both."""
    content = version.content
    classification = content.get("classification") if isinstance(content, dict) else None
    confirmed = (
        isinstance(classification, dict)
        and classification.get("verified") is not True
        and thresholds_verified(version)
    )
    # Parsing a version is most of an evaluation's cost. A frozen version (one a cycle uses) never
    # changes, so its parsed form is kept; one still open to edits is parsed afresh each time. The
    # engine's objects are not modified after loading.
    key = (version.pk, version.content_hash, confirmed)
    found = _ENGINE_FRAMEWORKS.get(key) if version.frozen else None
    if found is None:
        if confirmed:
            content = copy.deepcopy(content)
            content["classification"]["verified"] = True
            content["classification"].pop("illustrative", None)
        found = load_framework(content)
        if version.frozen:
            if len(_ENGINE_FRAMEWORKS) >= 512:
                _ENGINE_FRAMEWORKS.clear()  # a bound for a process living through many edits
            _ENGINE_FRAMEWORKS[key] = found
    return found


_ENGINE_FRAMEWORKS: dict[tuple[int | None, str, bool], EngineFramework] = {}


def parsed_framework(pk: int, content_hash: str, confirmed: bool) -> EngineFramework | None:
    """The frozen version already parsed by `engine_framework` in this process, if any (a caller
    that knows the key need not read the document at all)."""
    return _ENGINE_FRAMEWORKS.get((pk, content_hash, confirmed))


# --- Screens: the list, a readable outline of a document, and the diff of two documents ---------


@dataclass(frozen=True)
class ThresholdStatus:
    """How far a version's classification thresholds can be trusted (shown on every screen).

    `confirmation` is the newest confirmation that still covers the current thresholds;
    `stale_confirmation` the newest one when none does (the thresholds changed since: a new
    confirmation is needed)."""

    has_classification: bool
    verified: bool
    illustrative: bool
    confirmation: ThresholdConfirmation | None
    stale_confirmation: ThresholdConfirmation | None = None

    @property
    def provisional(self) -> bool:
        return self.has_classification and not self.verified

    @property
    def changed_since_confirmation(self) -> bool:
        return self.provisional and self.stale_confirmation is not None

    @property
    def message(self) -> str:
        """One Vietnamese sentence saying where the thresholds stand ("" without classification)."""
        if not self.has_classification:
            return ""
        if self.confirmation is not None:
            return _("Ngưỡng đã xác nhận theo văn bản %(doc)s ngày %(date)s.") % {
                "doc": self.confirmation.document_number,
                "date": f"{self.confirmation.document_date:%d/%m/%Y}",
            }
        if self.verified:
            return _("Ngưỡng đã xác minh trong tệp dữ liệu.")
        if self.stale_confirmation is not None:
            return _(
                "Ngưỡng phân loại đã thay đổi sau lần xác nhận theo văn bản %(doc)s ngày %(date)s: "
                "cần xác nhận lại theo văn bản mới; mọi kết quả phân loại là tạm tính."
            ) % {
                "doc": self.stale_confirmation.document_number,
                "date": f"{self.stale_confirmation.document_date:%d/%m/%Y}",
            }
        if self.illustrative:
            return _("Ngưỡng minh họa: mọi kết quả phân loại là tạm tính.")
        return _("Ngưỡng chưa xác nhận: mọi kết quả phân loại là tạm tính.")


def threshold_status(version: FrameworkVersion) -> ThresholdStatus:
    """Uses the prefetched `threshold_confirmations` when present (no query per version).

    Only a confirmation of the current classification section counts; a confirmed classification
    is not called illustrative."""
    classification = version.content.get("classification") if isinstance(version.content, dict) else None
    if not isinstance(classification, dict):
        return ThresholdStatus(False, False, False, None)
    confirmations = list(version.threshold_confirmations.all())  # ordered newest first
    current = classification_fingerprint(version.content)
    valid = next((c for c in confirmations if c.classification_hash == current), None)
    stale = confirmations[0] if confirmations and valid is None else None
    verified = classification.get("verified") is True or valid is not None
    illustrative = classification.get("illustrative") is True and valid is None
    return ThresholdStatus(True, verified, illustrative, valid, stale)


@dataclass
class FrameworkEntry:
    framework: Framework
    versions: list[tuple[FrameworkVersion, ThresholdStatus]] = field(default_factory=list)


def framework_list(scope: Scope) -> list[FrameworkEntry]:
    """Every framework with the versions the reader sees (national first, then province
    variants), in three queries whatever the number of versions."""
    from antq.criteria.access import visible_versions  # access imports this module

    versions = (
        visible_versions(scope)
        .select_related("framework", "province", "derived_from")
        .prefetch_related(
            Prefetch(
                "threshold_confirmations",
                queryset=ThresholdConfirmation.objects.select_related("confirmed_by"),
            )
        )
        .order_by("framework__code", "province__path", "effective_from", "id")
    )
    entries: dict[int, FrameworkEntry] = {}
    for version in versions:
        entry = entries.setdefault(version.framework_id, FrameworkEntry(version.framework))
        entry.versions.append((version, threshold_status(version)))
    return list(entries.values())


def comparable_versions(version: FrameworkVersion, scope: Scope) -> QuerySet[FrameworkVersion]:
    """Other versions of the same framework the reader sees (the "compare with…" choices)."""
    from antq.criteria.access import visible_versions

    return (
        visible_versions(scope)
        .filter(framework_id=version.framework_id)
        .exclude(pk=version.pk)
        .select_related("province")
        .order_by("province__path", "effective_from", "id")
    )


@dataclass(frozen=True)
class OutlineRow:
    """One criterion / sheet item (depth 0) or sub-item (depth 1) of a document, for display and diff."""

    key: str  # the full id: `TT124.KDC.4`, `TT124.KDC.4.a`, `QD510.CQ.5.c`
    depth: int
    text: str
    points: int | None = None
    incidents: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class OutlineSection:
    title: str
    rows: tuple[OutlineRow, ...]


def _labels(raw: Any) -> tuple[str, ...]:
    return tuple(str(c.get("label_vi", c.get("key", ""))) for c in raw or [] if isinstance(c, dict))


def _strings(raw: Any) -> tuple[str, ...]:
    return tuple(str(x) for x in raw or [])


def outline(content: dict[str, Any]) -> list[OutlineSection]:
    """The document's criteria (TT 124, one section per criteria set) or items (QĐ 510 sheet)."""
    if content.get("framework") == FrameworkKind.TT124:
        sections = []
        for name, body in (content.get("criteria_sets") or {}).items():
            rows: list[OutlineRow] = []
            for crit in (body or {}).get("criteria") or []:
                if not isinstance(crit, dict):
                    continue
                cid = str(crit.get("id", ""))
                reused = _strings(crit.get("reuse")) or _strings(crit.get("include"))
                note = ", ".join(reused)
                if crit.get("reuse_sub_items_of"):
                    note = f"{crit['reuse_sub_items_of']}: {note}"
                rows.append(
                    OutlineRow(
                        cid, 0, str(crit.get("text_vi", "")), checks=_labels(crit.get("checks")), note=note
                    )
                )
                for sub in crit.get("sub_items") or []:
                    if isinstance(sub, dict):
                        rows.append(
                            OutlineRow(
                                f"{cid}.{sub.get('id', '')}",
                                1,
                                str(sub.get("text_vi", "")),
                                incidents=_strings(sub.get("incidents")),
                                checks=_labels(sub.get("checks")),
                            )
                        )
            article = (body or {}).get("article", "")
            sections.append(OutlineSection(f"{name} ({article})" if article else name, tuple(rows)))
        return sections
    rows = []
    for item in content.get("items") or []:
        if not isinstance(item, dict):
            continue
        iid = str(item.get("id", ""))
        bonus = item.get("bonus")
        note = ""
        if isinstance(bonus, dict):
            note = _("Điểm thưởng: tập thể %(c)s, cá nhân %(i)s, tối đa %(cap)s") % {
                "c": bonus.get("per_collective_award"),
                "i": bonus.get("per_individual_award"),
                "cap": bonus.get("cap"),
            }
        elif item.get("derived_from"):
            note = str(item["derived_from"])
        rows.append(
            OutlineRow(
                iid,
                0,
                str(item.get("label_vi", "")),
                item.get("max_points"),
                _strings(item.get("linked_incidents")),
                note=note,
            )
        )
        for sub in item.get("sub_items") or []:
            if isinstance(sub, dict):
                rows.append(
                    OutlineRow(
                        f"{iid}.{sub.get('id', '')}",
                        1,
                        str(sub.get("label_vi", "")),
                        sub.get("max_points"),
                        _strings(sub.get("linked_incidents")),
                        note=str(sub.get("derived_from") or ""),
                    )
                )
    return [OutlineSection(_("Các mục chấm điểm"), tuple(rows))]


def threshold_levels(content: dict[str, Any]) -> list[dict[str, Any]]:
    classification = content.get("classification")
    if not isinstance(classification, dict):
        return []
    return [lv for lv in classification.get("levels") or [] if isinstance(lv, dict)]


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class DiffRow:
    key: str
    change: Change
    old: OutlineRow | None
    new: OutlineRow | None
    fields: tuple[str, ...] = ()  # what differs for CHANGED: "text", "points", "incidents", "checks"


@dataclass(frozen=True)
class VersionDiff:
    rows: tuple[DiffRow, ...]
    unchanged: int
    header: tuple[tuple[str, Any, Any], ...]  # (field, old, new) for top-level fields that differ

    @property
    def empty(self) -> bool:
        return not self.rows and not self.header


DIFF_FIELDS = ("text", "points", "incidents", "checks", "note")
HEADER_FIELDS = ("title_vi", "version", "effective_from", "verified", "total_max", "applies_to")


def _flat(content: dict[str, Any]) -> dict[str, OutlineRow]:
    return {row.key: row for section in outline(content) for row in section.rows}


def version_diff(old: dict[str, Any], new: dict[str, Any]) -> VersionDiff:
    """What changed from `old` to `new` (two documents of the same framework), by item id:
    added, removed, changed (text, points, incidents, checks); plus header fields and thresholds.
    Pure Python over the two JSON documents: no query."""
    before, after = _flat(old), _flat(new)
    rows: list[DiffRow] = []
    unchanged = 0
    for key, row in after.items():
        if key not in before:
            rows.append(DiffRow(key, Change.ADDED, None, row))
            continue
        differs = tuple(f for f in DIFF_FIELDS if getattr(before[key], f) != getattr(row, f))
        if differs:
            rows.append(DiffRow(key, Change.CHANGED, before[key], row, differs))
        else:
            unchanged += 1
    rows.extend(DiffRow(key, Change.REMOVED, row, None) for key, row in before.items() if key not in after)
    header = [
        (name, old.get(name), new.get(name)) for name in HEADER_FIELDS if old.get(name) != new.get(name)
    ]
    old_levels = {lv.get("code"): lv.get("min") for lv in threshold_levels(old)}
    new_levels = {lv.get("code"): lv.get("min") for lv in threshold_levels(new)}
    for code in dict.fromkeys([*old_levels, *new_levels]):
        if old_levels.get(code) != new_levels.get(code):
            header.append((f"classification.{code}.min", old_levels.get(code), new_levels.get(code)))
    return VersionDiff(tuple(rows), unchanged, tuple(header))

"""The criteria a node's documents may support in a year, read from the stored framework versions.

For a node and a cycle year: the TT 124 criteria set of the node's unit type, and the items of every
QĐ 510 sheet that applies to it, each in the version in force at the end of the unit type's
evaluation window (the province's variant where one is in force), picked as
`antq.criteria.evaluation.stored_library` picks them. A residential area or a commune may have no
QĐ 510 sheet: it then has TT 124 only.

Date rules are data too: a check whose key ends in `_in_q1` (TT 124 "Quý I hằng năm") marks its
criterion as needing documents dated in the first quarter of the cycle year; nothing names a
criterion in code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from antq.criteria.engine import load_framework
from antq.criteria.engine.schema import Check, ScoreSheet, TT124Framework
from antq.criteria.evaluation import TT124_CODE
from antq.criteria.models import Framework, FrameworkKind, FrameworkVersion
from antq.criteria.selectors import active_version
from antq.org.choices import NodeKind
from antq.org.models import SEGMENT_WIDTH, OrgNode

# The engine's unit types (TT 124 `unit_types`, QĐ 510 `applies_to`) by kind of node.
ENGINE_UNIT_TYPE: dict[str, str] = {
    NodeKind.RESIDENTIAL_AREA: "residential_area",
    NodeKind.AGENCY: "agency",
    NodeKind.ENTERPRISE: "enterprise",
    NodeKind.SCHOOL: "school",
    NodeKind.COMMUNE: "commune",
}


@dataclass(frozen=True)
class DateRule:
    """A period of the cycle year that checks with this key suffix require (e.g. Quý I)."""

    suffix: str
    label: str | Promise
    start: tuple[int, int]  # (month, day)
    end: tuple[int, int]

    def bounds(self, year: int) -> tuple[dt.date, dt.date]:
        return dt.date(year, *self.start), dt.date(year, *self.end)

    def contains(self, day: dt.date, year: int) -> bool:
        first, last = self.bounds(year)
        return first <= day <= last


# TT 124 Điều 4–7 khoản 1: "Quý I hằng năm". The data marks those checks `*_in_q1`.
DATE_RULES: tuple[DateRule, ...] = (DateRule("_in_q1", _("Quý I"), (1, 1), (3, 31)),)


def rules_for(checks: tuple[Check, ...]) -> tuple[DateRule, ...]:
    return tuple(rule for rule in DATE_RULES if any(c.key.endswith(rule.suffix) for c in checks))


@dataclass(frozen=True)
class CriterionOption:
    """A criterion (depth 0) or sub-item (depth 1) a document may be linked to."""

    id: str
    text: str
    depth: int
    framework: str
    date_rules: tuple[DateRule, ...] = ()

    def label(self, limit: int = 160) -> str:
        text = self.text if len(self.text) <= limit else self.text[: limit - 1].rstrip() + "…"
        return f"{self.id} · {text}" if text else self.id


@dataclass(frozen=True)
class CriteriaSection:
    title: str
    framework: str
    version_label: str
    options: tuple[CriterionOption, ...]


_NATURAL = re.compile(r"(\d+)")


def natural_key(criterion_id: str) -> tuple[Any, ...]:
    """TT124.KDC.2 before TT124.KDC.10."""
    # The split alternates text and digit runs: convert by position. `str.isdigit()` would also
    # take "²" (a digit to Unicode, not to `int()`), and a str among ints cannot be compared.
    parts = _NATURAL.split(criterion_id)
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


@dataclass(frozen=True)
class Catalogue:
    """Every criterion id a node may link documents to in a year, in the frameworks' order."""

    unit_type: str | None
    year: int
    sections: tuple[CriteriaSection, ...] = ()
    _index: dict[str, tuple[int, CriterionOption]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        position = 0
        for section in self.sections:
            for option in section.options:
                self._index.setdefault(option.id, (position, option))
                position += 1

    @property
    def empty(self) -> bool:
        return not self._index

    def get(self, criterion_id: str) -> CriterionOption | None:
        found = self._index.get(criterion_id)
        return found[1] if found else None

    def __contains__(self, criterion_id: object) -> bool:
        return criterion_id in self._index

    def unknown(self, ids: list[str] | set[str] | tuple[str, ...]) -> list[str]:
        return sorted({i for i in ids if i not in self._index}, key=natural_key)

    def sort_ids(self, ids: list[str] | set[str] | tuple[str, ...]) -> list[str]:
        """Known ids in the frameworks' order, then unknown ones (stale links) naturally sorted."""
        far = len(self._index)
        return sorted(set(ids), key=lambda i: (self._index.get(i, (far, None))[0], natural_key(i)))

    def outline(self) -> list[tuple[CriteriaSection, list[tuple[CriterionOption, list[CriterionOption]]]]]:
        """Sections, each with its criteria and their sub-items (for a nested checkbox list)."""
        result = []
        for section in self.sections:
            rows: list[tuple[CriterionOption, list[CriterionOption]]] = []
            for option in section.options:
                if option.depth and rows:
                    rows[-1][1].append(option)
                else:
                    rows.append((option, []))
            result.append((section, rows))
        return result

    def choices(self, limit: int = 160) -> list[tuple[str, list[tuple[str, str]]]]:
        """Grouped choices (one group per framework); texts cut at `limit` characters."""
        return [
            (section.title, [(o.id, ("— " if o.depth else "") + o.label(limit)) for o in section.options])
            for section in self.sections
        ]


# Parsed documents by content hash: a version's content is immutable under its hash, and parsing
# (full validation) costs more than the queries that find the versions.
_PARSED: dict[str, Any] = {}
_PARSED_MAX = 64


def _parsed(version: FrameworkVersion) -> Any:
    found = _PARSED.get(version.content_hash)
    if found is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        found = _PARSED[version.content_hash] = load_framework(version.content)
    return found


def _tt124_section(framework: TT124Framework, unit_type: str, label: str) -> CriteriaSection | None:
    if unit_type not in framework.unit_types:
        return None
    criteria_set = framework.criteria_for(unit_type)
    options: list[CriterionOption] = []
    for criterion in criteria_set.criteria:
        options.append(
            CriterionOption(
                criterion.id, criterion.text_vi, 0, framework.framework, rules_for(criterion.all_checks)
            )
        )
        for sub in criterion.sub_items:
            text = sub.text_vi or "; ".join(
                framework.incident_types[code].label_vi
                for code in sub.incidents
                if code in framework.incident_types
            )
            options.append(
                CriterionOption(
                    criterion.sub_item_id(sub), text, 1, framework.framework, rules_for(sub.checks)
                )
            )
    title = f"{framework.unit_types[unit_type].label_vi}: TT 124/2021/TT-BCA, {criteria_set.article}"
    return CriteriaSection(title, TT124_CODE, label, tuple(options))


def _sheet_section(sheet: ScoreSheet, code: str, label: str) -> CriteriaSection:
    options: list[CriterionOption] = []
    for item in sheet.items:
        options.append(CriterionOption(item.id, item.label_vi, 0, code))
        options.extend(
            CriterionOption(item.sub_item_id(sub), sub.label_vi, 1, code) for sub in item.sub_items
        )
    return CriteriaSection(sheet.title_vi, code, label, tuple(options))


def catalogue_for(node: OrgNode, year: int) -> Catalogue:
    """The criteria `node` may link documents to for `year` (empty when nothing is loaded)."""
    unit_type = ENGINE_UNIT_TYPE.get(node.kind)
    if unit_type is None:
        return Catalogue(None, year)
    sections: list[CriteriaSection] = []
    # As in evaluation.stored_library: the version in force on 31/12 tells the window's end, the
    # version in force on that day is the one that applies.
    end = dt.date(year, 12, 31)
    tt124 = active_version(TT124_CODE, node, end)
    if tt124 is not None:
        first = _parsed(tt124)
        end = first.window_end(unit_type, year) if isinstance(first, TT124Framework) else end
        tt124 = active_version(TT124_CODE, node, end)
    if tt124 is not None:
        framework = _parsed(tt124)
        if isinstance(framework, TT124Framework):
            section = _tt124_section(framework, unit_type, tt124.label)
            if section is not None:
                sections.append(section)
    codes = Framework.objects.filter(kind=FrameworkKind.QD510).order_by("code").values_list("code", flat=True)
    for code in codes:
        version = active_version(code, node, end)
        if version is None:
            continue
        sheet = _parsed(version)
        if isinstance(sheet, ScoreSheet) and unit_type in sheet.applies_to:
            sections.append(_sheet_section(sheet, code, version.label))
    return Catalogue(unit_type, year, tuple(sections))


class CatalogueCache:
    """Catalogues of one request, shared by the documents of the same province, kind and year."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str, int], Catalogue] = {}

    def get(self, node: OrgNode, year: int) -> Catalogue:
        key = (node.path[: 2 * SEGMENT_WIDTH], node.kind, year)
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = catalogue_for(node, year)
        return found

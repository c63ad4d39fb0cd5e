"""The approval-authority table: who decides on which unit, and through whom (rules as data).

The defaults (post-2025, inferred, see `data/authorities.yaml`) apply unless the province has set
its own rows for the year (`ApprovalAuthority`). Rows are keyed by unit kind × managing authority;
a row with a blank managing authority matches every unit of that kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from antq.cycles.models import Cycle
from antq.decisions.choices import AuthorityLevel
from antq.decisions.models import ApprovalAuthority
from antq.org.choices import UNIT_KINDS, ManagingAuthority, NodeKind
from antq.org.models import OrgNode

DATA = Path(__file__).with_name("data") / "authorities.yaml"
ANY = ""
# Kinds that appear in the table, in display order.
TABLE_KINDS = (
    NodeKind.RESIDENTIAL_AREA,
    NodeKind.AGENCY,
    NodeKind.ENTERPRISE,
    NodeKind.SCHOOL,
    NodeKind.COMMUNE,
)


@dataclass(frozen=True)
class AuthorityRule:
    """One row of the table: units of `unit_kind` managed at `managing_authority` ("" = any)."""

    unit_kind: str
    managing_authority: str
    level: str
    decider_title: str
    routed_via: str
    source: str
    confidence: str = "inferred"
    # Set when the row is the province's own (then `source` is the province's document).
    province_row: ApprovalAuthority | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.unit_kind, self.managing_authority)

    @property
    def overridden(self) -> bool:
        return self.province_row is not None


@dataclass(frozen=True)
class Authority:
    """Who decides on one unit in one cycle; `issuer_node` is the commune or province node whose
    committee issues the decision (None for the ministry, which does not issue in ANTQ)."""

    level: str
    decider_title: str
    routed_via: str
    issuer_node: OrgNode | None
    source: str
    overridden: bool


@cache
def _defaults() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return raw


def default_note() -> str:
    return str(_defaults().get("note_vi", ""))


def default_rules() -> dict[tuple[str, str], AuthorityRule]:
    """The defaults of `data/authorities.yaml`, by (unit kind, managing authority)."""
    rules = {}
    for row in _defaults()["rules"]:
        managing = "" if row["managing_authority"] == "any" else str(row["managing_authority"])
        rule = AuthorityRule(
            unit_kind=str(row["unit_kind"]),
            managing_authority=managing,
            level=str(row["level"]),
            decider_title=str(row["decider_title"]),
            routed_via=str(row.get("routed_via") or ""),
            source=str(row.get("source") or ""),
            confidence=str(row.get("confidence") or "inferred"),
        )
        rules[rule.key] = rule
    return rules


def rules_for(province: OrgNode, year: int) -> dict[tuple[str, str], AuthorityRule]:
    """The effective table of a province for a year: defaults overlaid with its own rows (one query)."""
    rules = dict(default_rules())
    for row in ApprovalAuthority.objects.filter(province=province, year=year):
        rules[(row.unit_kind, row.managing_authority)] = AuthorityRule(
            unit_kind=row.unit_kind,
            managing_authority=row.managing_authority,
            level=row.level,
            decider_title=row.decider_title,
            routed_via=row.routed_via,
            source=row.basis,
            confidence="province",
            province_row=row,
        )
    return rules


def managing_key(node: OrgNode, province: OrgNode) -> str:
    """The managing authority of a unit; blank means the level it hangs under (no query)."""
    if node.managing_authority:
        return node.managing_authority
    if node.kind in UNIT_KINDS:
        return ManagingAuthority.PROVINCE if node.parent_id == province.pk else ManagingAuthority.COMMUNE
    return ANY


def resolve(
    rules: dict[tuple[str, str], AuthorityRule], node: OrgNode, province: OrgNode
) -> AuthorityRule | None:
    """The row that applies to `node`: the exact (kind, managing authority) row, else the kind's "any" row."""
    managing = managing_key(node, province)
    return rules.get((node.kind, managing)) or rules.get((node.kind, ANY))


def issuer_node(level: str, node: OrgNode, province: OrgNode) -> OrgNode | None:
    """The commune (the unit's own) or the province whose committee issues at `level`."""
    if level == AuthorityLevel.PROVINCE:
        return province
    if level == AuthorityLevel.COMMUNE and node.kind != NodeKind.COMMUNE:
        return (
            OrgNode.objects.filter(path__in=node.ancestor_paths(), kind=NodeKind.COMMUNE)
            .order_by("-depth")
            .first()
        )
    return None


def authority_for(node: OrgNode, cycle: Cycle) -> Authority | None:
    """Who decides on `node` in `cycle` (None for a node kind the table does not cover)."""
    rule = resolve(rules_for(cycle.province, cycle.year), node, cycle.province)
    if rule is None:
        return None
    return Authority(
        level=rule.level,
        decider_title=rule.decider_title,
        routed_via=rule.routed_via,
        issuer_node=issuer_node(rule.level, node, cycle.province),
        source=rule.source,
        overridden=rule.overridden,
    )


@dataclass(frozen=True)
class TableRow:
    """One line of the table screen: the effective rule and the default it replaces, if any."""

    rule: AuthorityRule
    default: AuthorityRule | None

    @property
    def overridden(self) -> bool:
        return self.rule.overridden

    @property
    def kind_label(self) -> str:
        return str(NodeKind(self.rule.unit_kind).label)

    @property
    def managing_label(self) -> str:
        if not self.rule.managing_authority:
            return ""
        return str(ManagingAuthority(self.rule.managing_authority).label)

    @property
    def level_label(self) -> str:
        return str(AuthorityLevel(self.rule.level).label)


def authority_table(province: OrgNode, year: int) -> list[TableRow]:
    """Every row in force for the province and year, in a stable order, defaults alongside."""
    defaults = default_rules()
    effective = rules_for(province, year)
    order: dict[str, int] = {str(kind): index for index, kind in enumerate(TABLE_KINDS)}
    managing_order = {ANY: 0, **{m: i + 1 for i, m in enumerate(ManagingAuthority.values)}}
    keys = sorted(effective, key=lambda k: (order.get(k[0], 99), managing_order.get(k[1], 99)))
    return [TableRow(effective[key], defaults.get(key)) for key in keys]

"""The wording of decisions and the names derived from the tree:
"Phường Quy Nhơn" → "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN", "phường Quy Nhơn", place "Quy Nhơn".

The fixed sentences come from the template files of `antq.doctemplates` (`recognition_decision`,
`classification_decision`), so a province's replacement applies to its decisions.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from antq.doctemplates.choices import TemplateKind
from antq.doctemplates.services import wording
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

DATA = Path(__file__).with_name("data") / "texts.yaml"
# Division words a node's name may start with, longest first ("Thành phố" before "Thị").
DIVISIONS = ("Thành phố", "Đặc khu", "Phường", "Thị trấn", "Tỉnh", "Xã")
COMMITTEE = "ỦY BAN NHÂN DÂN"
TEMPLATE_KINDS = {
    "recognition": TemplateKind.RECOGNITION_DECISION,
    "classification": TemplateKind.CLASSIFICATION_DECISION,
}


@cache
def texts() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return raw


def lower_name(node: OrgNode) -> str:
    """The name as written inside a sentence: "phường Quy Nhơn", "tỉnh Gia Lai"."""
    name = node.name.strip()
    return name[:1].lower() + name[1:] if name else name


def place_name(node: OrgNode) -> str:
    """The place in the dateline (NĐ 30: the locality's name without its division word)."""
    name = node.name.strip()
    prefixes = [node.division] if node.division else []
    for prefix in [*prefixes, *DIVISIONS]:
        if prefix and name.lower().startswith(prefix.lower() + " "):
            return name[len(prefix) + 1 :].strip()
    return name


def committee_name(node: OrgNode) -> str:
    """ "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN"."""
    return f"{COMMITTEE} {node.name.strip().upper()}"


def level_key(issuer: OrgNode) -> str:
    return "province" if issuer.kind == NodeKind.PROVINCE else "commune"


def decision_wording(kind: str, issuer: OrgNode, **context: Any) -> dict[str, Any]:
    """The fields of the decision template in force for the issuer's province, filled in;
    `issuer` and `parent` are named from the tree, the rest comes from `context`."""
    parent = issuer.parent
    values = {
        "issuer": lower_name(issuer),
        "parent": lower_name(parent) if parent is not None else "",
        **context,
    }
    return wording(TEMPLATE_KINDS[kind], issuer, values)


def default_proposal_by(issuer: OrgNode, kind: str = "recognition") -> str:
    return str(decision_wording(kind, issuer)["proposal_by"][level_key(issuer)])


def default_bases(kind: str, issuer: OrgNode | None = None) -> list[str]:
    if issuer is None:
        return [str(line) for line in wording(TEMPLATE_KINDS[kind], None, {})["bases"]]
    return [str(line) for line in decision_wording(kind, issuer)["bases"]]


def default_recipients(issuer: OrgNode, kind: str = "recognition") -> list[str]:
    return [str(line) for line in decision_wording(kind, issuer)["recipients"][level_key(issuer)]]


def kind_words(kinds: set[str]) -> str:
    """ "khu dân cư, cơ sở giáo dục" for the kinds present, in the fixed order of the data file."""
    words = texts()["kind_words"]
    return ", ".join(str(word) for kind, word in words.items() if kind in kinds)


def default_draft_fields(issuer: OrgNode, kind: str) -> dict[str, Any]:
    """What a new draft starts with (every field stays editable until issue)."""
    fields = decision_wording(kind, issuer)
    level = level_key(issuer)
    return {
        "place": place_name(issuer),
        "symbol": "QĐ-UBND",
        "signer_title": "CHỦ TỊCH",
        "proposal_by": fields["proposal_by"][level],
        "bases": "\n".join(fields["bases"]),
        "recipients": "\n".join(fields["recipients"][level]),
    }

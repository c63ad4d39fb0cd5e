"""Default wording of decisions (`data/texts.yaml`) and the names derived from the tree:
"Phường Quy Nhơn" → "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN", "phường Quy Nhơn", place "Quy Nhơn"."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from antq.org.choices import NodeKind
from antq.org.models import OrgNode

DATA = Path(__file__).with_name("data") / "texts.yaml"
# Division words a node's name may start with, longest first ("Thành phố" before "Thị").
DIVISIONS = ("Thành phố", "Đặc khu", "Phường", "Thị trấn", "Tỉnh", "Xã")
COMMITTEE = "ỦY BAN NHÂN DÂN"


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


def fill(template: str, **values: Any) -> str:
    return template.format(**values)


def default_proposal_by(issuer: OrgNode) -> str:
    return fill(texts()["proposal_by"][level_key(issuer)], issuer=lower_name(issuer))


def default_bases(kind: str) -> list[str]:
    lines = list(texts()["common_bases"])
    if kind == "classification":
        lines += list(texts()["classification_bases"])
    return lines


def default_recipients(issuer: OrgNode) -> list[str]:
    parent = issuer.parent
    return [
        fill(line, parent=lower_name(parent) if parent is not None else "", issuer=lower_name(issuer))
        for line in texts()["recipients"][level_key(issuer)]
    ]


def kind_words(kinds: set[str]) -> str:
    """ "khu dân cư, cơ sở giáo dục" for the kinds present, in the fixed order of the data file."""
    words = texts()["kind_words"]
    return ", ".join(str(word) for kind, word in words.items() if kind in kinds)


def default_draft_fields(issuer: OrgNode, kind: str) -> dict[str, Any]:
    """What a new draft starts with (every field stays editable until issue)."""
    return {
        "place": place_name(issuer),
        "symbol": "QĐ-UBND",
        "signer_title": "CHỦ TỊCH",
        "proposal_by": default_proposal_by(issuer),
        "bases": "\n".join(default_bases(kind)),
        "recipients": "\n".join(default_recipients(issuer)),
    }

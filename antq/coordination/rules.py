"""The minimums of QĐ 510 item 4 as data (`data/rules.yaml`), read once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).with_name("data") / "rules.yaml"


@dataclass(frozen=True)
class CoordinationRules:
    min_agreements: int
    min_executions: int
    min_reviews: int
    min_campaigns: int
    source: str


def _positive(raw: dict[str, Any], key: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{RULES_FILE.name}: '{key}' must be a whole number ≥ 1, got {value!r}")
    return value


def parse(raw: dict[str, Any]) -> CoordinationRules:
    """Validate the file's content (a wrong value fails loudly at start-up, not in a score)."""
    source = raw.get("source") or {}
    if not source.get("document") or not source.get("articles"):
        raise ValueError(f"{RULES_FILE.name}: 'source' must cite the document and its articles")
    return CoordinationRules(
        min_agreements=_positive(raw, "min_agreements"),
        min_executions=_positive(raw, "min_executions"),
        min_reviews=_positive(raw, "min_reviews"),
        min_campaigns=_positive(raw, "min_campaigns"),
        source=f"{source['document']}, {source['articles']}",
    )


@cache
def rules() -> CoordinationRules:
    return parse(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))

"""Which units TT 124 leaves out of scope, read from `data/exclusions.yaml` (rules are data)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

RULES_FILE = Path(__file__).parent / "data" / "exclusions.yaml"


@dataclass(frozen=True)
class ExclusionRule:
    code: str
    kind: str
    when: dict[str, list[Any]]
    label_vi: str
    label_en: str

    def matches(self, kind: str, attrs: dict[str, Any]) -> bool:
        if kind != self.kind:
            return False
        return all(attrs.get(name) in values for name, values in self.when.items())

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "vi").startswith("en") else self.label_vi


@cache
def exclusion_rules() -> tuple[ExclusionRule, ...]:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return tuple(ExclusionRule(**rule) for rule in data["rules"])


def exclusion_code(kind: str, attrs: dict[str, Any]) -> str:
    """The code of the first exclusion rule that applies, or "" if the unit is eligible."""
    for rule in exclusion_rules():
        if rule.matches(kind, attrs):
            return rule.code
    return ""


def exclusion_label(code: str) -> str:
    for rule in exclusion_rules():
        if rule.code == code:
            return rule.label
    return code

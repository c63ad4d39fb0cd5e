"""The rules of the initiatives app as data: the seeded catalogue of types (`data/types.yaml`) and
the rating levels of the yearly evaluation (`data/ratings.yaml`), read and checked here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).with_name("data")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class CatalogueError(ValueError):
    """A data file of the app is malformed (the message names the file and the entry)."""


@dataclass(frozen=True)
class RatingLevel:
    code: str
    label: str
    effective: bool


@dataclass(frozen=True)
class Ratings:
    source: str
    target_effective_share: float
    levels: tuple[RatingLevel, ...]

    def label(self, code: str) -> str:
        return next((level.label for level in self.levels if level.code == code), code)

    def choices(self) -> list[tuple[str, str]]:
        return [(level.code, level.label) for level in self.levels]

    @property
    def effective_codes(self) -> frozenset[str]:
        return frozenset(level.code for level in self.levels if level.effective)


def _read(name: str) -> dict[str, Any]:
    raw = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise CatalogueError(f"{name}: expected a mapping")
    return raw


def check_indicators(raw: Any, where: str) -> list[dict[str, str]]:
    """A list of {key, label, unit} with distinct keys of lower-case letters, digits and underscores."""
    if not isinstance(raw, list):
        raise CatalogueError(f"{where}: indicators must be a list")
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise CatalogueError(f"{where}, indicator {i}: expected a mapping")
        key, label, unit = (str(item.get(k) or "").strip() for k in ("key", "label", "unit"))
        if not KEY_RE.match(key) or key in seen or not label:
            raise CatalogueError(f"{where}, indicator {i}: bad or repeated key, or no label")
        seen.add(key)
        out.append({"key": key, "label": label, "unit": unit})
    return out


@cache
def seeded_types() -> tuple[dict[str, Any], ...]:
    """The types of `data/types.yaml`, checked (code, name, description, indicators)."""
    raw = _read("types.yaml").get("types")
    if not isinstance(raw, list) or not raw:
        raise CatalogueError("types.yaml: `types` must be a non-empty list")
    out: list[dict[str, Any]] = []
    codes: set[str] = set()
    for item in raw:
        code = str(item.get("code") or "")
        if not KEY_RE.match(code) or code in codes or not item.get("name"):
            raise CatalogueError(f"types.yaml: bad, repeated or unnamed type {code!r}")
        codes.add(code)
        out.append(
            {
                "code": code,
                "name": str(item["name"]).strip(),
                "description": str(item.get("description") or "").strip(),
                "indicators": check_indicators(item.get("indicators") or [], f"types.yaml › {code}"),
            }
        )
    return tuple(out)


@cache
def ratings() -> Ratings:
    """The rating levels of `data/ratings.yaml`, best first, and which count as effective."""
    raw = _read("ratings.yaml")
    levels = []
    for item in raw.get("levels") or []:
        code, label = str(item.get("code") or ""), str(item.get("label") or "")
        if not KEY_RE.match(code) or not label:
            raise CatalogueError(f"ratings.yaml: bad level {item!r}")
        levels.append(RatingLevel(code, label, bool(item.get("effective"))))
    if not levels or not any(level.effective for level in levels):
        raise CatalogueError("ratings.yaml: needs levels, at least one of them effective")
    return Ratings(
        source=str(raw.get("source") or ""),
        target_effective_share=float(raw.get("target_effective_share") or 0),
        levels=tuple(levels),
    )


def sync_types(type_model: Any) -> int:
    """Create the seeded types missing from the database (matched by code); returns how many.

    Idempotent, and it never changes a type that exists: an administrator may have deactivated it
    or reworded it. `type_model` is the model class (the historical one inside a migration)."""
    existing = set(type_model.objects.values_list("code", flat=True))
    created = 0
    for order, item in enumerate(seeded_types(), start=1):
        if item["code"] in existing:
            continue
        type_model.objects.create(
            code=item["code"],
            name=item["name"],
            description=item["description"],
            indicators=item["indicators"],
            order=order * 10,
            is_active=True,
        )
        created += 1
    return created

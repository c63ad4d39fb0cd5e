"""The outreach targets taken from the law (`data/targets.yaml`), read once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import yaml

TARGETS_FILE = Path(__file__).with_name("data") / "targets.yaml"


@dataclass(frozen=True)
class Targets:
    reach_share: Fraction  # exact: 16/25 is below 70%, 18/25 is not
    reach_source: str
    festival_month: int
    festival_day: int
    festival_source: str

    def festival_date(self, year: int) -> dt.date:
        return dt.date(year, self.festival_month, self.festival_day)


@cache
def targets() -> Targets:
    raw = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))
    reach, festival = raw["reach"], raw["festival_day"]
    share = Fraction(str(reach["share"]))
    if not 0 < share <= 1:
        raise ValueError(f"{TARGETS_FILE}: reach.share must be in (0, 1]")
    return Targets(
        reach_share=share,
        reach_source=str(reach["source"]),
        festival_month=int(festival["month"]),
        festival_day=int(festival["day"]),
        festival_source=str(festival["source"]),
    )

"""A set of framework versions, and the choice of which one applies to a unit and year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import FrameworkError, Problem, Problems
from .frameworks import read_document, validate_framework
from .schema import Framework, ScoreSheet, TT124Framework

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Library:
    tt124: tuple[TT124Framework, ...]
    sheets: tuple[ScoreSheet, ...]

    @classmethod
    def of(cls, frameworks: list[Framework]) -> Library:
        return cls(
            tuple(f for f in frameworks if isinstance(f, TT124Framework)),
            tuple(f for f in frameworks if isinstance(f, ScoreSheet)),
        )

    def tt124_for(self, year: int, version: str | None = None) -> TT124Framework | None:
        """The pinned version, else the latest one in force at the end of the year's window."""
        if version is not None:
            return next((f for f in self.tt124 if f.version == version), None)
        candidates = [f for f in self.tt124 if f.effective_from <= dt.date(year, 12, 31)]
        return max(candidates, key=lambda f: (f.effective_from, f.version), default=None)

    def sheet_for(self, unit_type: str, year: int, version: str | None = None) -> ScoreSheet | None:
        candidates = [s for s in self.sheets if unit_type in s.applies_to]
        if version is not None:
            return next((s for s in candidates if s.version == version), None)
        candidates = [s for s in candidates if s.effective_from <= dt.date(year, 12, 31)]
        return max(candidates, key=lambda s: (s.effective_from, s.version), default=None)

    @property
    def unit_types(self) -> set[str]:
        return {name for f in self.tt124 for name in f.unit_types}


def load_library(directory: str | Path | None = None) -> Library:
    """Load every `*.yaml` under `directory` (default: the packaged data). All-or-nothing."""
    root = Path(directory) if directory is not None else DATA_DIR
    problems = Problems()
    frameworks: list[Framework] = []
    for path in sorted(root.rglob("*.yaml")):
        try:
            data, file = read_document(path)
        except FrameworkError as exc:
            problems.items.extend(exc.problems)
            continue
        file_problems = Problems(file)
        framework = validate_framework(data, file_problems)
        problems.extend(file_problems)
        if framework is not None:
            frameworks.append(framework)
    library = Library.of(frameworks)
    _cross_check(library, problems)
    if problems:
        raise FrameworkError(problems.items)
    return library


def _cross_check(library: Library, problems: Problems) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    everything: list[Framework] = [*library.tt124, *library.sheets]
    for fw in everything:
        name = f"{fw.framework}/{fw.sheet}" if isinstance(fw, ScoreSheet) else fw.framework
        key = (fw.framework, name, fw.version)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            problems.add("version", f"phiên bản {name} {fw.version} xuất hiện nhiều lần")
    incident_codes = {code for f in library.tt124 for code in f.incident_types}
    unit_types = library.unit_types
    for score_sheet in library.sheets:
        file = f"{score_sheet.framework}/{score_sheet.sheet}.{score_sheet.version}"
        for i, unit_type in enumerate(score_sheet.applies_to):
            if unit_type not in unit_types:
                problems.items.append(
                    _problem(
                        file,
                        f"applies_to[{i}]",
                        f"loại đơn vị không có trong bộ tiêu chí TT 124: {unit_type!r}",
                    )
                )
        for item in score_sheet.items:
            for code in item.linked_incidents + tuple(c for s in item.sub_items for c in s.linked_incidents):
                if code not in incident_codes:
                    problems.items.append(
                        _problem(file, item.id, f"loại sự việc liên kết không tồn tại: {code!r}")
                    )


def _problem(file: str, path: str, message: str) -> Problem:
    return Problem(path=path, message=message, file=file)

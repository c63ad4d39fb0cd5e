"""A set of framework versions, and the choice of which one applies to a unit and year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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

    def tt124_for(
        self, year: int, version: str | None = None, unit_type: str | None = None
    ) -> TT124Framework | None:
        """The pinned version (whether in force or not: see `not_in_force`), else the latest one in
        force on the last day of the unit type's evaluation window for `year` (each version's own
        window; 31/12 when the unit type is unknown)."""
        if version is not None:
            return next((f for f in self.tt124 if f.version == version), None)
        candidates = [f for f in self.tt124 if f.effective_from <= f.window_end(unit_type, year)]
        return max(candidates, key=lambda f: (f.effective_from, f.version), default=None)

    def sheet_for(
        self, unit_type: str, year: int, version: str | None = None, *, on: dt.date | None = None
    ) -> ScoreSheet | None:
        """The pinned sheet, else the latest one for the unit type in force on `on` (the last day of
        the unit's TT 124 window; default 31/12 of `year`)."""
        candidates = [s for s in self.sheets if unit_type in s.applies_to]
        if version is not None:
            return next((s for s in candidates if s.version == version), None)
        last_day = on if on is not None else dt.date(year, 12, 31)
        candidates = [s for s in candidates if s.effective_from <= last_day]
        return max(candidates, key=lambda s: (s.effective_from, s.version), default=None)

    @property
    def unit_types(self) -> set[str]:
        return {name for f in self.tt124 for name in f.unit_types}


def not_in_force(what: str, version: str, effective_from: dt.date, end: dt.date, year: int) -> str | None:
    """The refusal of a pinned version that is not yet in force at the end of the window, or None."""
    if effective_from <= end:
        return None
    return (
        f"{what} phiên bản {version!r} có hiệu lực từ {effective_from:%d/%m/%Y}, sau ngày kết thúc kỳ "
        f"đánh giá năm {year} ({end:%d/%m/%Y}): không áp dụng được cho năm này"
    )


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
    problems.items.extend(cross_check(frameworks))
    if problems:
        raise FrameworkError(problems.items)
    return library


def cross_check(frameworks: Sequence[Framework], files: Sequence[str] | None = None) -> list[Problem]:
    """Problems between files (each file being valid on its own): a version given twice, a sheet for
    a unit type no TT 124 version has, a sheet item linked to an unknown incident type.

    `files`, parallel to `frameworks`, names the file of each one in the problems (default: a name
    built from the framework and version)."""
    library = Library.of(list(frameworks))
    names = {id(fw): name for fw, name in zip(frameworks, files, strict=True)} if files else {}
    problems = Problems()
    _cross_check(library, problems, names)
    return problems.items


def _cross_check(library: Library, problems: Problems, names: dict[int, str]) -> None:
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
        file = names.get(
            id(score_sheet), f"{score_sheet.framework}/{score_sheet.sheet}.{score_sheet.version}"
        )
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

"""Errors that list every problem at once, each with where it is and why (in Vietnamese)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.path or '(gốc)'}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        data = {"path": self.path, "message": self.message}
        if self.file:
            data["file"] = self.file
        return data


class ProblemsError(ValueError):
    """Base class: carries the full list of problems."""

    title = "Dữ liệu không hợp lệ"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = [f"{self.title} ({len(self.problems)} lỗi):"] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class FrameworkError(ProblemsError):
    title = "Bộ tiêu chí không hợp lệ"


class FactsError(ProblemsError):
    title = "Phiếu dữ kiện không hợp lệ"


class Problems:
    """Collects problems while walking a document; `raise_if_any` turns them into one error."""

    def __init__(self, file: str = "") -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(Problem(path=path, message=message, file=self.file))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

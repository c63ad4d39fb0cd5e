"""Repeated timing of one operation: median and 95th percentile, after a warm-up run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Measure:
    median_ms: float
    p95_ms: float
    runs: int


def measure(
    fn: Callable[[], Any], *, repeat: int, warmup: int = 1, teardown: Callable[[], Any] | None = None
) -> Measure:
    """Time `fn` `repeat` times (after `warmup` untimed runs that fill caches and connections);
    `teardown`, untimed, after each run (removing what the operation wrote, say)."""
    for _ in range(warmup):
        fn()
        if teardown is not None:
            teardown()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
        if teardown is not None:
            teardown()
    samples.sort()
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    return Measure(median_ms=statistics.median(samples), p95_ms=p95, runs=len(samples))


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table: the operation, its size, ours and the baseline's times."""

    operation: str
    size: str
    ours: Measure
    baseline: Measure | None = None
    baseline_name: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline.median_ms:
            return None
        return self.ours.median_ms / self.baseline.median_ms

    def as_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "size": self.size,
            "median_ms": round(self.ours.median_ms, 2),
            "p95_ms": round(self.ours.p95_ms, 2),
            "runs": self.ours.runs,
            "baseline": self.baseline_name,
            "baseline_median_ms": round(self.baseline.median_ms, 2) if self.baseline else None,
            "baseline_p95_ms": round(self.baseline.p95_ms, 2) if self.baseline else None,
            "ratio": round(self.ratio, 2) if self.ratio is not None else None,
            "note": self.note,
        }


def table(rows: list[Row]) -> str:
    """The rows as a fixed-width text table (what `antq bench` prints)."""
    head = ("operation", "size", "median ms", "p95 ms", "baseline ms", "ratio", "note")
    lines = [head]
    for row in rows:
        d = row.as_dict()
        lines.append(
            (
                d["operation"],
                d["size"],
                f"{d['median_ms']:.1f}",
                f"{d['p95_ms']:.1f}",
                "" if d["baseline_median_ms"] is None else f"{d['baseline_median_ms']:.1f}",
                "" if d["ratio"] is None else f"{d['ratio']:.2f}",
                d["note"],
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines)


def growth_table(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """Two runs of `antq bench` side by side (same operations on a smaller and a larger dataset):
    each operation's median in both and their ratio, as text and as rows."""
    earlier = {row["operation"]: row for row in before["rows"]}
    rows = []
    for row in after["rows"]:
        old = earlier.get(row["operation"])
        if old is None:
            continue
        rows.append(
            {
                "operation": row["operation"],
                "size_before": old["size"],
                "size_after": row["size"],
                "median_before_ms": old["median_ms"],
                "median_after_ms": row["median_ms"],
                "growth": round(row["median_ms"] / old["median_ms"], 2) if old["median_ms"] else None,
            }
        )
    head = ("operation", f"{before['units']:,} units", "ms", f"{after['units']:,} units", "ms", "growth")
    lines = [head]
    for r in rows:
        lines.append(
            (
                r["operation"],
                r["size_before"],
                f"{r['median_before_ms']:.1f}",
                r["size_after"],
                f"{r['median_after_ms']:.1f}",
                "" if r["growth"] is None else f"{r['growth']:.2f}",
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    text = "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines)
    return text, rows


__all__ = ["Measure", "Row", "asdict", "growth_table", "measure", "table"]

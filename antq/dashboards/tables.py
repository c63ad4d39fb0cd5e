"""The dashboard's tables as plain rows for XLSX (synchronous download or background job):
Vietnamese headers, numbers as numbers, shares as fractions with a percent format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from antq.dashboards import selectors
from antq.dashboards.board import KIND_LABELS, Board
from antq.org.models import OrgNode

CHUNK = 500  # rows completed (statuses, criteria) per round trip when writing a whole list


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    formats: dict[int, str]  # column index -> number format
    filename: str


def _share(numerator: int, denominator: int | None) -> float | None:
    return numerator / denominator if denominator else None


def cards_table(board: Board) -> Table:
    """One row per metric and target: actual, numerator, denominator, target, status."""
    headers = [
        _("Chỉ số"),
        _("Loại đơn vị"),
        _("Tử số"),
        _("Mẫu số"),
        _("Thực hiện"),
        _("Chỉ tiêu"),
        _("Kế hoạch giao chỉ tiêu"),
        _("Đánh giá"),
    ]
    rows: list[list[Any]] = []
    for card in board.cards:
        actual = (
            _share(card.figure.numerator, card.figure.denominator) if card.is_share else card.figure.numerator
        )
        if not card.rows:
            rows.append(
                [
                    card.metric.label,
                    _("Tất cả"),
                    card.figure.numerator,
                    card.figure.denominator,
                    actual,
                    "",
                    "",
                    str(card.status.label),
                ]
            )
        for row in card.rows:
            value = _share(row.numerator, row.denominator) if card.is_share else row.numerator
            rows.append(
                [
                    card.metric.label,
                    row.label or _("Tất cả"),
                    row.numerator,
                    row.denominator,
                    value,
                    f"{row.target.symbol} {row.target.display_value}",
                    f"{row.target.plan_code} · {row.target.plan_node_name}",
                    str(row.status.label),
                ]
            )
    title = _("Chỉ tiêu năm %(year)s — %(node)s") % {"year": board.year, "node": board.node.name}
    return Table(
        title=title,
        headers=headers,
        rows=rows,
        formats={2: "0", 3: "0", 4: "0.0%"},
        filename=f"chi-tieu-{board.node.code}-{board.year}.xlsx",
    )


def _list_headers(spec: selectors.UnitList) -> list[str]:
    headers = [
        _("STT"),
        _("Mã đơn vị"),
        _("Tên đơn vị"),
        _("Loại"),
        _("Trực thuộc"),
        _("Đăng ký"),
        _("Tự đánh giá"),
        _("Xếp loại"),
        _("Lý do trả lại"),
    ]
    if spec.show_criteria:
        headers.append(_("Tiêu chí không đạt"))
    if spec.show_deadlines:
        headers += [_("Hạn đăng ký"), _("Hạn tự đánh giá")]
    return headers


def list_rows(spec: selectors.UnitList, rows: list[selectors.UnitRow], start: int) -> Iterator[list[Any]]:
    for number, row in enumerate(rows, start=start):
        line: list[Any] = [
            number,
            row.node.code,
            row.node.name,
            str(KIND_LABELS.get(row.node.kind, row.node.kind)),
            row.node.parent.name if row.node.parent else "",
            row.registration,
            row.assessment,
            row.classification,
            row.return_reason,
        ]
        if spec.show_criteria:
            line.append("; ".join(f"{cid}: {text}" for cid, text in row.failing))
        if spec.show_deadlines:
            dates: list[dt.date | None] = [due for _label, due in row.deadlines[:2]]
            line += dates + [None] * (2 - len(dates))
        yield line


def list_table(
    node: OrgNode,
    year: int,
    which: str,
    filters: selectors.ListFilters,
    today: dt.date,
    progress: Any = None,
) -> Table:
    """The whole list, completed CHUNK units at a time (a few queries per chunk)."""
    spec = selectors.LISTS[which]
    qs = selectors.unit_list(node, year, which, filters, today)
    total = qs.count()
    out: list[list[Any]] = []
    chunk: list[OrgNode] = []

    def flush() -> None:
        completed = selectors.rows_for(chunk, year, with_deadlines=spec.show_deadlines)
        out.extend(list_rows(spec, completed, start=len(out) + 1))
        chunk.clear()
        if progress is not None:
            progress(len(out), total)

    for unit in qs.iterator(chunk_size=CHUNK):
        chunk.append(unit)
        if len(chunk) == CHUNK:
            flush()
    if chunk:
        flush()
    headers = _list_headers(spec)
    formats: dict[int, str] = {0: "0"}
    if spec.show_deadlines:
        formats.update({len(headers) - 2: "dd/mm/yyyy", len(headers) - 1: "dd/mm/yyyy"})
    title = f"{spec.title} — {(filters.child or node).name} — {year}"
    return Table(
        title=str(title),
        headers=headers,
        rows=out,
        formats=formats,
        filename=f"{which}-{(filters.child or node).code}-{year}.xlsx",
    )

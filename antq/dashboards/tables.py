"""The dashboard's tables as `antq.core.xlsx.Table` sheets (synchronous download or background job):
Vietnamese headers, counts as numbers, each share as the text the dashboard shows beside the
numerator and denominator (so that a spreadsheet never rounds a value across its verdict)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from antq.core.xlsx import DATE, INTEGER, Table
from antq.dashboards import selectors
from antq.dashboards.board import KIND_LABELS, Board
from antq.org.models import OrgNode

# Rows read from the database per round trip, and completed (statuses, criteria) per batch.
FETCH = 2000
CHUNK = 500
DEADLINE_COLUMNS = ("registration", "self_assessment")  # cycles.calendar codes, in column order


def cards_table(board: Board) -> Table:
    """One row per metric and target: numerator, denominator, actual (as shown), target, status."""
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
        if not card.rows:
            figure = card.figure
            rows.append(
                [
                    card.metric.label,
                    _("Tất cả"),
                    figure.numerator,
                    figure.denominator,
                    card.shown,
                    "",
                    "",
                    str(card.status.label),
                ]
            )
        for row in card.rows:
            rows.append(
                [
                    card.metric.label,
                    row.label or _("Tất cả"),
                    row.numerator,
                    row.denominator,
                    row.shown,
                    row.target.text,
                    f"{row.target.plan_code} · {row.target.plan_node_name}",
                    str(row.status.label),
                ]
            )
    title = _("Chỉ tiêu năm %(year)s — %(node)s") % {"year": board.year, "node": board.node.name}
    return Table(title=title, headers=headers, rows=rows, formats={2: INTEGER, 3: INTEGER}, total=len(rows))


def cards_filename(board: Board) -> str:
    return f"chi-tieu-{board.node.code}-{board.year}.xlsx"


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
            # By code: a kind without a registration rule leaves "Hạn đăng ký" empty.
            line += [row.due(code) for code in DEADLINE_COLUMNS]
        yield line


def _unit_rows(qs: QuerySet[OrgNode], spec: selectors.UnitList, year: int) -> Iterator[list[Any]]:
    """The list's rows, read FETCH units per round trip and completed CHUNK at a time: never the
    whole (national) list in memory."""
    units = qs.iterator(chunk_size=FETCH)
    number = 1
    while chunk := list(islice(units, CHUNK)):
        completed = selectors.rows_for(chunk, year, with_deadlines=spec.show_deadlines)
        yield from list_rows(spec, completed, start=number)
        number += len(chunk)


def list_table(node: OrgNode, year: int, which: str, filters: selectors.ListFilters, today: dt.date) -> Table:
    """The whole list as a sheet whose rows are read lazily while it is written; `total` (one
    count query) lets the exports app report progress once, as rows are written."""
    spec = selectors.LISTS[which]
    qs = selectors.unit_list(node, year, which, filters, today)
    headers = _list_headers(spec)
    formats: dict[int, str] = {0: INTEGER}
    if spec.show_deadlines:
        formats.update({len(headers) - 2: DATE, len(headers) - 1: DATE})
    return Table(
        title=list_title(node, year, which, filters),
        headers=headers,
        rows=_unit_rows(qs, spec, year),
        formats=formats,
        total=qs.count(),
    )


def list_title(node: OrgNode, year: int, which: str, filters: selectors.ListFilters) -> str:
    """ "Đơn vị chưa đăng ký — Xã A — 2026" (with the unit type when the list is filtered by one)."""
    title = str(selectors.LISTS[which].title)
    if filters.kind:
        title += f" ({str(KIND_LABELS.get(filters.kind, filters.kind)).lower()})"
    return f"{title} — {(filters.child or node).name} — {year}"


def list_filename(node: OrgNode, year: int, which: str, filters: selectors.ListFilters) -> str:
    return f"{which}-{(filters.child or node).code}-{year}.xlsx"

"""The reporting board as a table (XLSX): one row per child, then one row per level's rates."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from antq.core.numbers import count_text, share
from antq.core.xlsx import DATE, DATETIME, PERCENT
from antq.reports.choices import ReportStatus, level_of
from antq.reports.selectors import Board


def _ratio(numerator: int, denominator: int) -> float | None:
    """The share as Excel stores a percentage (0.123 shows 12,3%), rounded half up as on screen."""
    value = share(numerator, denominator)
    return None if value is None else float(value / 100)


def board_table(board: Board) -> tuple[str, list[str], list[list[Any]], list[str | None]]:
    """(sheet title, headers, rows, formats) of a board."""
    headers = [
        _("Đơn vị"),
        _("Mã"),
        _("Tình hình"),
        _("Trạng thái báo cáo"),
        _("Hạn gửi"),
        _("Gửi lần đầu lúc"),
        _("Tỷ lệ báo cáo"),
        _("Tỷ lệ đúng hạn"),
        _("Kỳ báo cáo"),
    ]
    formats: list[str | None] = [None, None, None, None, DATE, DATETIME, PERCENT, PERCENT, None]
    period = board.definition.period_text(board.year)
    rows: list[list[Any]] = []
    for row in board.rows:
        report = row.report
        state = row.state_label + (_(" (quá hạn)") if row.overdue else "")
        rows.append(
            [
                row.node.name,
                row.node.code,
                state,
                str(ReportStatus(report.status).label) if report is not None else _("Chưa lập"),
                report.deadline
                if report is not None
                else board.definition.deadline_for(level_of(row.node.kind), board.year),
                report.submitted_at if report is not None else None,
                None,
                None,
                period,
            ]
        )
    for level in board.levels:
        rows.append(
            [
                _("%(level)s: %(reported)s/%(expected)s đã báo cáo, %(on_time)s đúng hạn")
                % {
                    "level": level.label,
                    "reported": count_text(level.reported),
                    "expected": count_text(level.expected),
                    "on_time": count_text(level.on_time),
                },
                "",
                "",
                "",
                level.deadline,
                None,
                _ratio(level.reported, level.expected),
                _ratio(level.on_time, level.expected),
                period,
            ]
        )
    title = _("Tình hình báo cáo %(year)s") % {"year": board.year}
    return title, [str(h) for h in headers], rows, formats

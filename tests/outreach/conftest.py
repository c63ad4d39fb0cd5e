"""Fixtures of the outreach app: real XLSX files built with openpyxl, sessions recorded through the
services, evidence documents of a unit."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from antq.accounts.scope import Scope
from antq.evidence.models import DocType, EvidenceDocument
from antq.org.models import OrgNode
from antq.outreach import services
from antq.outreach.choices import AttendanceMode, Audience, SessionKind
from antq.outreach.models import OutreachSession

HEADER = ("STT", "Họ và tên", "Số CCCD / Mã nhân viên", "Bộ phận / Lớp / Tổ", "Năm sinh")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(
    rows: Sequence[Sequence[Any]], *, header: Sequence[Any] = HEADER, above: Sequence[Sequence[Any]] = ()
) -> bytes:
    """A real workbook: optional title rows, the header, the rows."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in above:
        sheet.append(list(row))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "danh-sach.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


def people_rows(first: int, count: int) -> list[list[Any]]:
    """`count` valid rows with identifiers first..first+count-1 (as text: CCCD keep leading zeros)."""
    return [
        [i + 1, f"Nguyễn Văn {i:03d}", f"0520{i:08d}", f"Tổ {i % 3 + 1}", 1980 + i % 30]
        for i in range(first, first + count)
    ]


def session_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": SessionKind.PROPAGANDA,
        "held_on": dt.date(2025, 3, 10),
        "topic": "Phòng, chống lừa đảo qua mạng",
        "audiences": [Audience.RESIDENTS],
        "place": "Nhà văn hóa tổ dân phố 1",
        "delivery": "",
        "attendance_mode": AttendanceMode.LIST,
        "headcount": None,
        "evidence": None,
        "note": "",
    }
    data.update(overrides)
    return data


SessionFn = Callable[..., OutreachSession]


@pytest.fixture
def make_session(unit_officer: User, tree: Any) -> SessionFn:
    """Record a session as the unit officer (or `by`) on the unit (or `node`)."""

    def _make(node: OrgNode | None = None, *, by: User | None = None, **overrides: Any) -> OutreachSession:
        actor = by or unit_officer
        return services.session_create(
            by=actor, scope=Scope.for_user(actor), node=node or tree.unit, data=session_data(**overrides)
        )

    return _make


def evidence(
    node: OrgNode, by: User, *, year: int = 2025, title: str = "Biên bản", image: bool = False
) -> EvidenceDocument:
    """An evidence document row (a fixture: the evidence app's upload is tested there)."""
    return EvidenceDocument.objects.create(
        node=node,
        year=year,
        doc_type=DocType.ANH if image else DocType.BIEN_BAN,
        issue_date=dt.date(year, 3, 10),
        title=title,
        file=f"{year}/x.{'jpg' if image else 'pdf'}",
        original_name="x.jpg" if image else "x.pdf",
        content_type="image/jpeg" if image else "application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=by,
    )

"""Real files for upload tests, built in memory (and the uploads wrapping them)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from antq.accounts.scope import Scope
from antq.evidence import services
from antq.evidence.models import DocType, EvidenceDocument
from antq.org.models import OrgNode

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 30, 200)).save(out, "JPEG")
    return out.getvalue()


def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("Nghị quyết của Chi bộ về công tác bảo đảm an ninh, trật tự năm 2026")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Hộ gia đình", "Đăng ký"])  # type: ignore[union-attr]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def plain_zip() -> bytes:
    return zip_of({"ghi-chu.txt": b"khong phai van ban Office"})


def docm() -> bytes:
    """A DOCX with a VBA project added (what a macro-enabled .docm holds)."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    members = {name: source.read(name) for name in source.namelist()}
    members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro"
    return zip_of(members)


def pptx_like() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """The browser's content type is whatever it claims: the checks never read it."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def metadata(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "doc_type": DocType.NGHI_QUYET,
        "number_symbol": "13-NQ/CB",
        "issue_date": dt.date(2026, 2, 10),
        "issuer": "Chi bộ Tổ dân phố 1",
        "title": "Nghị quyết về công tác bảo đảm ANTT năm 2026",
    }
    data.update(overrides)
    return data


def make(
    user: User,
    node: OrgNode,
    *,
    year: int = 2026,
    name: str = "nghi-quyet.pdf",
    content: bytes = PDF,
    criterion_ids: tuple[str, ...] = (),
    **overrides: Any,
) -> EvidenceDocument:
    return services.evidence_create(
        by=user,
        scope=Scope.for_user(user),
        node=node,
        year=year,
        data=metadata(**overrides),
        upload=upload(name, content),
        criterion_ids=criterion_ids,
    )


def stored_files(location: Path) -> list[Path]:
    return sorted(p for p in location.rglob("*") if p.is_file()) if location.exists() else []

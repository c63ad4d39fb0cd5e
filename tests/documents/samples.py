"""Sample decisions and certificates shaped like the ones the decisions app will issue, and readers."""

from __future__ import annotations

import datetime
import io
import subprocess

import pytest
from pypdf import PdfReader

from antq.documents import Annex, Certificate, OfficialDocument

TRICKY_NAME = "Công ty <A&B> “Hưng Thịnh”"
FORMULA = '=HYPERLINK("http://x")'
SIGNED_ON = datetime.date(2026, 11, 5)


def unit_name(index: int) -> str:
    """A unit name that fits one table line, with the letters fonts most often lack (ộ, ư, ơ, ẫ, ỹ)."""
    return f"Tổ dân phố Trường Xuân Đông số {index:03d}"


def decision(rows: int = 3, **overrides: object) -> OfficialDocument:
    """A "Quyết định công nhận" with an annex of `rows` units."""
    names = [unit_name(i + 1) for i in range(rows)]
    if rows >= 2:
        names[1] = TRICKY_NAME
    fields: dict[str, object] = {
        "issuer_parent": "ỦY BAN NHÂN DÂN TỈNH GIA LAI",
        "issuer": "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN",
        "number": "125",
        "symbol": "QĐ-UBND",
        "place": "Quy Nhơn",
        "date": SIGNED_ON,
        "subject": "Về việc công nhận khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục đạt tiêu chuẩn "
        "“An toàn về an ninh, trật tự” năm 2026",
        "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN",
        "bases": [
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
            "Căn cứ Thông tư số 124/2021/TT-BCA ngày 28 tháng 12 năm 2021 của Bộ trưởng Bộ Công an;",
            "Theo đề nghị của Trưởng Công an phường Quy Nhơn.",
        ],
        "articles": [
            f"Điều 1. Công nhận {rows} đơn vị đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2026 "
            "(có danh sách kèm theo).",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
            "Điều 3. Trưởng Công an phường và các đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành.",
        ],
        "recipients": ["Như Điều 3", "Công an tỉnh Gia Lai (b/c)", "- Lưu: VT, CAP."],
        "signer_prefix": "KT. CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": "Nguyễn Văn Ẩn",
        "annex": Annex(
            title="DANH SÁCH ĐƠN VỊ ĐẠT TIÊU CHUẨN “AN TOÀN VỀ AN NINH, TRẬT TỰ” NĂM 2026",
            issued_by="Chủ tịch Ủy ban nhân dân phường Quy Nhơn",
            columns=["STT", "Tên đơn vị", "Loại hình", "Ghi chú"],
            rows=[
                [str(i + 1), name, "Khu dân cư", FORMULA if i == 2 else ""] for i, name in enumerate(names)
            ],
        ),
    }
    fields.update(overrides)
    return OfficialDocument(**fields)  # type: ignore[arg-type]


def certificate(**overrides: object) -> Certificate:
    """A "Giấy công nhận" for one residential area."""
    fields: dict[str, object] = {
        "issuer": "ỦY BAN NHÂN DÂN\nPHƯỜNG QUY NHƠN",
        "unit_name": "Tổ dân phố 1, phường Quy Nhơn",
        "year": 2026,
        "place": "Quy Nhơn",
        "date": SIGNED_ON,
        "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN",
        "decision_ref": "Quyết định số 125/QĐ-UBND ngày 05 tháng 11 năm 2026",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Trần Thị Bình",
    }
    fields.update(overrides)
    return Certificate(**fields)  # type: ignore[arg-type]


def pdf_pages(data: bytes) -> list[str]:
    """The text of each PDF page, as pypdf extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def png_page(data: bytes, tmp_path_factory: pytest.TempPathFactory, page: int = 1, dpi: int = 60) -> bytes:
    """One page of the PDF as PNG bytes, through poppler's pdftoppm."""
    folder = tmp_path_factory.mktemp("png")
    source = folder / "doc.pdf"
    source.write_bytes(data)
    subprocess.run(
        [
            "/usr/bin/pdftoppm",
            "-r",
            str(dpi),
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            source,
            folder / "page",
        ],
        check=True,
        timeout=60,
    )
    return (folder / "page.png").read_bytes()

"""The PDF a decision or a certificate becomes: text read back with pypdf, layout checked by pixels."""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image
from pypdf import PdfReader

from antq.documents import OfficialDocument, render_pdf
from antq.documents.pdf import official_html
from tests.documents.samples import (
    FORMULA,
    TRICKY_NAME,
    certificate,
    decision,
    pdf_pages,
    png_page,
    unit_name,
)

DPI = 60
MM = DPI / 25.4  # pixels per millimetre at 60 dpi


@pytest.fixture(scope="module")
def big_pdf() -> tuple[bytes, float]:
    """The 500-row decision and how long it took to render."""
    start = time.perf_counter()
    data = render_pdf(decision(rows=500))
    return data, time.perf_counter() - start


def ink(image: Image.Image, box: tuple[float, float, float, float]) -> int:
    """How many dark pixels lie in the box (left, top, right, bottom), in pixels."""
    region = image.crop(tuple(round(v) for v in box)).convert("L")
    return sum(1 for value in region.get_flattened_data() if value < 128)


def ink_center_x(image: Image.Image, box: tuple[float, float, float, float]) -> float:
    """The mean x of the dark pixels in the box, in page pixels."""
    left = round(box[0])
    region = image.crop(tuple(round(v) for v in box)).convert("L")
    width = region.width
    xs = [i % width for i, value in enumerate(region.get_flattened_data()) if value < 128]
    return left + sum(xs) / len(xs)


def flat(text: str) -> str:
    """Whitespace collapsed, so a line the layout wrapped still matches."""
    return " ".join(text.split())


def compact(text: str) -> str:
    """Whitespace removed, for cells a narrow column wrapped inside a word."""
    return re.sub(r"\s+", "", text)


def test_text_keeps_every_diacritic(small_pdf: bytes) -> None:
    pages = [flat(text) for text in pdf_pages(small_pdf)]
    first = pages[0]
    for expected in [
        "ỦY BAN NHÂN DÂN TỈNH GIA LAI",
        "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/QĐ-UBND",
        "Quy Nhơn, ngày 05 tháng 11 năm 2026",
        "QUYẾT ĐỊNH",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN",
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "Nơi nhận:",
        "- Lưu: VT, CAP.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn Ẩn",
    ]:
        assert expected in first, expected
    assert "{" not in "".join(pages)  # no template syntax leaks into the document
    annex = pages[1]
    assert "PHỤ LỤC" in annex
    assert "Kèm theo Quyết định số 125/QĐ-UBND ngày 05 tháng 11 năm 2026" in annex
    assert unit_name(1) in annex and unit_name(3) in annex


def test_page_is_a4_and_fonts_are_times_compatible(small_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(small_pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    # A fallback font (DejaVu) appears when the installed Liberation Serif lacks Vietnamese letters such
    # as "ộ" or "ư" (fonts-liberation 1.x): install fonts-liberation2.
    assert fonts and all("Liberation-Serif" in f or "Times" in f for f in fonts), fonts


def test_page_one_layout_by_pixels(small_pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    image = Image.open(io.BytesIO(png_page(small_pdf, tmp_path_factory, dpi=DPI)))
    width, height = image.size
    assert width == pytest.approx(210 * MM, abs=1) and height == pytest.approx(297 * MM, abs=1)
    left, right, top, bottom = 30 * MM, (210 - 15) * MM, 20 * MM, (297 - 20) * MM
    split = left + (right - left) * 0.42
    # Nothing in the margins: page 1 carries no page number, and the heading stays inside the text box.
    assert ink(image, (0, 0, width, top - 2)) == 0
    assert ink(image, (0, 0, left - 2, height)) == 0
    assert ink(image, (right + 2, 0, width, height)) == 0
    assert ink(image, (0, bottom + 2, width, height)) == 0
    # The heading: issuing body top-left, national name top-right, each centred in its column.
    heading = (top, top + 12 * MM)
    assert ink(image, (left, heading[0], split, heading[1])) > 50
    assert ink(image, (split, heading[0], right, heading[1])) > 50
    assert ink_center_x(image, (left, heading[0], split, heading[1])) == pytest.approx(
        (left + split) / 2, abs=6
    )
    assert ink_center_x(image, (split, heading[0], right, heading[1])) == pytest.approx(
        (split + right) / 2, abs=6
    )
    # The body below the heading is justified: its lines reach both sides of the text box.
    body = (top + 60 * MM, top + 120 * MM)
    assert ink(image, (left, body[0], left + 10 * MM, body[1])) > 0
    assert ink(image, (right - 10 * MM, body[0], right, body[1])) > 0


def test_five_hundred_rows_all_present_paginated_with_repeated_header(big_pdf: tuple[bytes, float]) -> None:
    data, seconds = big_pdf
    assert seconds < 15, f"500-row decision took {seconds:.1f} s"
    pages = pdf_pages(data)
    assert len(pages) >= 10
    annex_start = next(i for i, text in enumerate(pages) if "PHỤ LỤC" in text)
    assert annex_start == 1
    annex_pages = pages[annex_start:]
    for text in annex_pages:
        assert "STT" in text and "Tên đơn vị" in text  # the thead repeats on every page
    joined = "\n".join(annex_pages)
    for index in range(1, 501):
        if index != 2:
            assert unit_name(index) in joined, unit_name(index)
    assert compact(TRICKY_NAME) in compact(joined) and compact(FORMULA) in compact(joined)
    # Units appear once and in order across the pages.
    positions = [joined.index(unit_name(i)) for i in range(3, 501)]
    assert positions == sorted(positions)
    # The annex numbers its own pages: its second page shows "2" in the top margin, its first none.
    # (pypdf extracts the margin box last.)
    assert annex_pages[1].split()[-1] == "2"
    assert annex_pages[2].split()[-1] == "3"
    assert annex_pages[0].split()[-1] not in {"1", "2"}


def test_user_text_is_escaped_in_html_and_verbatim_in_pdf() -> None:
    doc = decision(signer_name='A <b>&amp; "B"</b>', subject=f"Về việc {TRICKY_NAME} <script>x</script>")
    html = official_html(doc)
    assert "<b>&amp;" not in html and "<script>" not in html
    assert "Công ty &lt;A&amp;B&gt;" in html
    text = "\n".join(pdf_pages(render_pdf(doc)))
    assert 'A <b>&amp; "B"</b>' in text
    assert TRICKY_NAME in text
    assert "<script>x</script>" in text


def test_no_external_resource_is_fetched() -> None:
    # Escaping already stops markup; the fetcher is the second lock should a template ever forget it.
    from antq.documents.pdf import _to_pdf

    data = _to_pdf('<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">ok')
    assert "ok" in pdf_pages(data)[0]


def test_decision_without_annex_or_recipients_is_one_page() -> None:
    doc: OfficialDocument = decision(annex=None, recipients=[], issuer_parent="")
    pages = pdf_pages(render_pdf(doc))
    assert len(pages) == 1
    assert "Nơi nhận" not in pages[0] and "PHỤ LỤC" not in pages[0]


def test_certificates_one_landscape_page_each(tmp_path_factory: pytest.TempPathFactory) -> None:
    long_name = (
        "Công ty TNHH Thương mại và Dịch vụ Vận tải <A&B> Hưng Thịnh Phát Quy Nhơn – Chi nhánh Gia Lai"
    )
    data = render_pdf([certificate(), certificate(unit_name=long_name)])
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)
    pages = pdf_pages(data)
    assert "GIẤY CÔNG NHẬN" in pages[0] and "Tổ dân phố 1, phường Quy Nhơn" in pages[0]
    assert "Đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2026" in pages[0]
    assert "Quy Nhơn, ngày 05 tháng 11 năm 2026" in pages[0]
    assert "<A&B>" in pages[1]
    image = Image.open(io.BytesIO(png_page(data, tmp_path_factory, page=2, dpi=DPI)))
    w, h = image.size
    # The frame is drawn near every edge, and the signer's name sits in the lower right quarter.
    assert ink(image, (0, h * 0.4, 15 * MM, h * 0.6)) > 0
    assert ink(image, (w - 15 * MM, h * 0.4, w, h * 0.6)) > 0
    assert ink(image, (w / 2, h * 0.7, w - 15 * MM, h - 15 * MM)) > 0


def test_single_certificate_is_accepted() -> None:
    assert len(pdf_pages(render_pdf(certificate()))) == 1

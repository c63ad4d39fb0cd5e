"""Issue 6 in a real Chromium: the province officer drills down from the province's dashboard to a
commune, to the list of units failing a criterion, to one unit, and downloads its score sheet.

The data is `make run`'s demo (three communes of Gia Lai, the year 2026 as it stands in late November):
in the home commune a residential area had a serious fire, so its submitted assessment fails TT 124's
criterion on incidents. The server's clock is set to that day, so "this year" is the demo's year.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from docx import Document
from playwright.sync_api import Browser, expect

from antq.criteria import loader
from antq.demo.data import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_DAY = dt.datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    real = timezone.now
    offset = DEMO_DAY - real()
    monkeypatch.setattr(timezone, "now", lambda: real() + offset)
    loader.apply(loader.read_files())
    # As `antq load_demo` runs it: in one transaction (PostgreSQL refuses row locks outside one).
    with transaction.atomic():
        load_demo(communes_limit=3)


def test_province_officer_drills_down_to_a_failing_unit_and_downloads_its_score_sheet(
    demo: None, browser: Browser, live_server: Any, tmp_path: Any
) -> None:
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("tinh.canbo")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    # The province: its target cards, then its communes as rows of the table by child node.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Bảng điều hành").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tỉnh Gia Lai")
    expect(page.get_by_text("Tỷ lệ đơn vị đăng ký phong trào").first).to_be_visible()
    page.get_by_role("rowheader").get_by_role("link", name="Phường Quy Nhơn", exact=True).click()

    # The commune, one click below; then the list of units failing a criterion.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phường Quy Nhơn")
    page.get_by_role("link", name="Đơn vị không đạt tiêu chí").first.click()
    rows = page.get_by_role("row").filter(has_text="TT124.KDC.4")
    expect(rows).to_have_count(1)
    unit_name = rows.get_by_role("link").first.inner_text()

    # The unit's year, its assessment, and the score sheet with both columns.
    rows.get_by_role("link", name=unit_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(unit_name)
    page.get_by_role("link", name="Mở phiếu đánh giá").click()
    sheet = page.locator("a[href*='score-sheet'][href$='docx']").first
    with page.expect_download() as info:
        sheet.click()
    download = info.value
    assert download.failure() is None
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = Document(io.BytesIO(path.read_bytes()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join([*(p.text for p in document.paragraphs), *cells])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "BẢNG CHẤM ĐIỂM" in text and unit_name in text
    # A residential area has no verified QĐ 510 sheet yet (domain README): the sheet says so
    # instead of printing an empty table.
    assert "Chưa có bảng chấm điểm theo Quyết định số 510/QĐ-BCA-V05 áp dụng cho khu dân cư" in text
    context.close()

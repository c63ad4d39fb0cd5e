"""The movement's records (issue 5) in a real Chromium, as their users keep them.

1. An agency's officer records an initiative and logs its activity, two tuyên truyền sessions whose
   attendance lists come from XLSX files (people overlap: each is counted once), a coordination
   agreement with the commune police and the festival day, marked held; the self-assessment then shows
   the points of QĐ 510 items 2, 3, 4a and 7 suggested from those records, each linking to its source.
2. The province issues its plan; the commune police drafts the commune's plan from it, sees the
   inherited targets and tasks, moves a deadline past the province's (warning) and downloads the DOCX.
3. The commune police rates the commune's teams: too many "xuất sắc" for the "tốt" ones, and a team
   younger than 9 months, are refused at submission with messages that say so.

Only what no user of these screens would do is set up in Python (the tree and the users, the
frameworks and the catalogue of initiative types, the cycle opened and the registration accepted,
teams recorded earlier). The server's clock is moved into 2027, as in test_full_cycle.py: the forms
refuse dates after "today" and the rules count windows of the cycle year.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import Workbook
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.cycles import services as cycle_services
from antq.forces import services as force_services
from antq.forces.choices import TeamKind
from antq.initiatives.catalogue import sync_types
from antq.initiatives.models import InitiativeType
from antq.org.choices import NodeKind
from tests import factories as f
from tests.cycles.helpers import complete_registration, open_cycle
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2027
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
COMMUNE = "Phường Quy Nhơn"
AGENCY = "Trung tâm Y tế phường Quy Nhơn"
AGENCY_OPTION = f"{AGENCY} — {COMMUNE}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---- the server's clock, the people ---------------------------------------------------------------


class Clock:
    """`django.utils.timezone.now` (hence `localdate`) moved to a day of the cycle year, still ticking.
    The live server runs in a thread of this process, so it reads the same function."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._real = timezone.now
        self._offset = dt.timedelta(0)
        monkeypatch.setattr(timezone, "now", lambda: self._real() + self._offset)

    def set(self, day: dt.date) -> None:
        target = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=HCM)
        self._offset = target - self._real()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


class People:
    """One browser context per user, logged in on first use."""

    def __init__(self, browser: Browser, base: str) -> None:
        self.browser = browser
        self.base = base
        self.contexts: list[BrowserContext] = []
        self.pages: dict[str, Page] = {}

    def __call__(self, username: str) -> Page:
        if username not in self.pages:
            context = self.browser.new_context(locale="vi-VN", accept_downloads=True)
            context.set_default_timeout(10_000)
            self.contexts.append(context)
            page = context.new_page()
            page.goto(f"{self.base}/accounts/login/")
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible()
            self.pages[username] = page
        return self.pages[username]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def people(browser: Browser, live_server: Any) -> Iterator[People]:
    found = People(browser, live_server.url)
    yield found
    found.close()


def status(page: Page) -> Locator:
    """The messages shown after an action."""
    return page.get_by_role("status").filter(has=page.locator("li"))


def field(page: Page, label: str) -> Locator:
    """The input of a form field by its whole label (a required field's label ends with " *")."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}(\s*\*)?\s*$"))


def movement(page: Page, area: str) -> None:
    """Phong trào (main menu) → the card of one of its areas (its title, then what it feeds)."""
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Phong trào").click()
    areas = page.get_by_test_id("movement-areas")
    # A "/" left bare would end the pattern once Playwright hands it to the page as a JS regex.
    title = re.escape(area).replace("/", r"\/")
    areas.get_by_role("link", name=re.compile(f"^{title}")).click()


def download(page: Page, link: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    got = info.value
    assert got.failure() is None
    path = folder / got.suggested_filename
    got.save_as(path)
    return path


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# ---- 1. the agency's records feed its score sheet -------------------------------------------------

# Two attendance lists of the agency's staff. Three people attended both sessions (one of them typed
# with spaces in the CCCD number), and the second file lists one person twice: 9 different people.
FIRST_LIST = [
    ("Nguyễn Văn An", "052085000101", "Phòng Hành chính", 1985),
    ("Trần Thị Bình", "052090000102", "Phòng Hành chính", 1990),
    ("Lê Văn Cường", "052078000103", "Khoa Khám bệnh", 1978),
    ("Phạm Thị Dung", "052088000104", "Khoa Khám bệnh", 1988),
    ("Hoàng Văn Em", "052092000105", "Khoa Dược", 1992),
    ("Võ Thị Giang", "052095000106", "Khoa Dược", 1995),
]
SECOND_LIST = [
    ("Lê Văn Cường", "052 078 000 103", "Khoa Khám bệnh", 1978),
    ("Phạm Thị Dung", "052088000104", "Khoa Khám bệnh", 1988),
    ("Võ Thị Giang", "052095000106", "Khoa Dược", 1995),
    ("Đặng Văn Hải", "052080000107", "Đội xe", 1980),
    ("Bùi Thị Lan", "052093000108", "Phòng Tài vụ", 1993),
    ("Đặng Văn Hải", "052080000107", "Đội xe", 1980),
    ("Ngô Văn Minh", "052087000109", "Bảo vệ", 1987),
]
STAFF = 10  # the agency's people (danh bạ đơn vị): 9 of 10 reached = 90%, QĐ 510 item 2's threshold


def attendance_xlsx(rows: list[tuple[str, str, str, int]]) -> bytes:
    """An attendance list as a unit fills in the template: a title row, the header, one row a person."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["DANH SÁCH NGƯỜI THAM DỰ"])
    sheet.append(["STT", "Họ và tên", "Số CCCD / Mã nhân viên", "Bộ phận / Lớp / Tổ", "Năm sinh"])
    for number, (name, identifier, group, born) in enumerate(rows, start=1):
        sheet.append([number, name, identifier, group, born])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def agency_year(clock: Clock, tree, province_officer, commune_police) -> Any:
    """The agency, its officer, the 2027 cycle opened in February and its registration accepted."""
    sync_types(InitiativeType)  # the seeded catalogue (a transactional test flushes migration data)
    agency = f.unit(tree.commune, AGENCY, "X21583-CQ01", kind=NodeKind.AGENCY, people_count=STAFF)
    officer = f.user_with_role("coquan.canbo", Role.UNIT_OFFICER, agency)
    clock.set(dt.date(YEAR, 2, 20))
    cycle = open_cycle(province_officer, tree.province, YEAR)
    registration = complete_registration(officer, cycle, agency)
    registration = cycle_services.registration_submit(
        by=officer,
        scope=Scope.for_user(officer),
        registration=registration,
        expected_version=registration.version,
    )
    cycle_services.registration_accept(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        registration=registration,
        expected_version=registration.version,
    )
    clock.set(dt.date(YEAR, 10, 20))
    return agency


def record_initiative(page: Page) -> str:
    """The initiative and one activity logged in the year; returns the detail page's address."""
    movement(page, "Mô hình tự phòng, tự quản, tự bảo vệ, tự hòa giải")
    page.get_by_role("link", name="Ghi nhận mô hình").click()
    expect(page.get_by_label("Đơn vị (hoặc xã)")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Loại mô hình").select_option(label="Camera an ninh")
    page.get_by_label("Tên mô hình").fill("Camera an ninh Trung tâm Y tế")
    page.get_by_label("Mô tả, cách thức hoạt động").fill(
        "12 camera quanh khuôn viên, chia sẻ hình ảnh với Công an phường."
    )
    page.get_by_label("Họ tên người phụ trách").fill("Nguyễn Văn An")
    page.get_by_label("Ngày bắt đầu hoạt động").fill(f"{YEAR - 1}-09-01")
    page.get_by_role("button", name="Lưu").click()
    expect(status(page)).to_contain_text("Đã ghi nhận mô hình.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Camera an ninh Trung tâm Y tế")
    detail = page.url

    page.get_by_role("link", name="Ghi nhận hoạt động").click()
    page.get_by_label("Ngày hoạt động").fill(f"{YEAR}-06-12")
    page.get_by_label("Nội dung hoạt động").fill(
        "Trích xuất hình ảnh giúp Công an phường xác minh vụ mất xe."
    )
    page.get_by_label("Số camera đang hoạt động (camera)").fill("12")
    page.get_by_role("button", name="Ghi nhận").click()
    expect(status(page)).to_contain_text("Đã ghi nhận hoạt động.")
    expect(page.get_by_role("row").filter(has_text="12/06/2027")).to_contain_text("vụ mất xe")
    return detail


def record_session(
    page: Page, held_on: str, topic: str, filename: str, rows: list[tuple[str, str, str, int]]
) -> Locator:
    """A tuyên truyền session with a list, then its XLSX checked; returns the preview (not yet confirmed)."""
    movement(page, "Tuyên truyền, tập huấn")
    page.get_by_role("link", name="Ghi nhận buổi tuyên truyền, tập huấn").click()
    page.get_by_label("Đơn vị (hoặc xã)").select_option(label=AGENCY_OPTION)
    field(page, "Tuyên truyền").check()
    page.get_by_label("Ngày tổ chức").fill(held_on)
    page.get_by_label("Chủ đề, nội dung").fill(topic)
    page.get_by_label("Cán bộ, công chức, viên chức").check()
    field(page, "Địa điểm").fill("Hội trường Trung tâm Y tế")
    field(page, "Hình thức").select_option(label="Hội nghị, buổi nói chuyện")
    page.get_by_label("Danh sách người tham dự (nhập từ tệp Excel)").check()
    page.get_by_role("button", name="Lưu").click()
    expect(status(page)).to_contain_text("Đã ghi nhận buổi tuyên truyền, tập huấn.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nhập danh sách người tham dự")

    page.get_by_label("Tệp danh sách (.xlsx)").set_input_files(
        {"name": filename, "mimeType": XLSX, "buffer": attendance_xlsx(rows)}
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    preview = page.locator(".panel").filter(
        has=page.get_by_role("heading", name="Tệp hợp lệ: kiểm tra rồi xác nhận")
    )
    expect(preview).to_contain_text(filename)
    return preview


def fact(preview: Locator, label: str) -> Locator:
    """The value of a line of the import preview."""
    return preview.locator(f"dt:text-is('{label}') + dd")


def record_sessions(page: Page) -> None:
    preview = record_session(
        page, f"{YEAR}-03-15", "Phổ biến Luật Phòng, chống ma túy", "danh-sach-15-3.xlsx", FIRST_LIST
    )
    expect(fact(preview, "Số người trong tệp")).to_have_text("6")
    expect(fact(preview, "Lần đầu tham dự tại đơn vị")).to_have_text("6")
    page.get_by_role("button", name="Xác nhận và ghi").click()
    expect(status(page)).to_contain_text(
        "Đã nhập danh sách: thêm 6 người vào buổi (6 người lần đầu tham dự tại đơn vị, "
        "0 người đã có trong danh sách buổi)."
    )
    expect(page.get_by_text("6 người theo danh sách")).to_be_visible()

    preview = record_session(
        page, f"{YEAR}-06-10", "Phòng, chống lừa đảo qua mạng", "danh-sach-10-6.xlsx", SECOND_LIST
    )
    # 7 rows, 6 people; 3 of them already attended the first session (found by their CCCD number).
    expect(fact(preview, "Số người trong tệp")).to_have_text("6")
    expect(fact(preview, "Sẽ thêm vào danh sách buổi")).to_have_text("6")
    expect(fact(preview, "Lần đầu tham dự tại đơn vị")).to_have_text("3")
    expect(preview.get_by_role("listitem").filter(has_text="Dòng 8")).to_contain_text(
        "Trùng người ở dòng 6: chỉ tính một lần."
    )
    page.get_by_role("button", name="Xác nhận và ghi").click()
    expect(status(page)).to_contain_text(
        "Đã nhập danh sách: thêm 6 người vào buổi (3 người lần đầu tham dự tại đơn vị, "
        "0 người đã có trong danh sách buổi)."
    )
    attendance = page.get_by_role("table")
    expect(attendance.get_by_role("row")).to_have_count(7)  # the header and 6 people
    expect(attendance.get_by_role("row").filter(has_text="Lê Văn Cường")).to_contain_text("052078000103")


def record_agreement(page: Page) -> None:
    movement(page, "Phối hợp với Công an")
    page.get_by_role("link", name="Ghi nhận quy chế, kế hoạch phối hợp").click()
    field(page, "Đơn vị").select_option(label=AGENCY_OPTION)
    page.get_by_label("Loại văn bản").select_option(label="Quy chế phối hợp")
    page.get_by_label("Số, ký hiệu").fill("12/QC-PH")
    page.get_by_label("Trích yếu").fill("Quy chế phối hợp bảo đảm an ninh, trật tự tại Trung tâm Y tế")
    page.get_by_label("Ngày ký").fill(f"{YEAR}-01-15")
    page.get_by_label("Đơn vị Công an phối hợp").fill("Công an phường Quy Nhơn")
    page.get_by_role("button", name="Ghi nhận").click()
    expect(status(page)).to_contain_text("Đã ghi nhận quy chế phối hợp")
    expect(page.get_by_role("heading", level=1)).to_contain_text("12/QC-PH")


def record_festival(page: Page) -> None:
    movement(page, "Ngày hội toàn dân bảo vệ ANTQ (19/8)")
    page.get_by_role("link", name="Lập kế hoạch Ngày hội").click()
    page.get_by_label("Đơn vị (hoặc xã)").select_option(label=AGENCY_OPTION)
    expect(field(page, "Năm")).to_have_value(str(YEAR))
    expect(page.get_by_label("Ngày dự kiến")).to_have_value(f"{YEAR}-08-19")
    page.get_by_label("Tự tổ chức").check()
    field(page, "Địa điểm").fill("Sân Trung tâm Y tế")
    page.get_by_role("button", name="Lưu").click()
    expect(status(page)).to_contain_text("Đã ghi kế hoạch Ngày hội toàn dân bảo vệ ANTQ.")

    page.get_by_role("link", name="Ghi nhận đã tổ chức").click()
    expect(page.get_by_label("Ngày tổ chức")).to_have_value(f"{YEAR}-08-19")
    page.get_by_label("Số người tham dự").fill("85")
    page.get_by_label("Các hoạt động đã tổ chức").fill("Văn nghệ, thi tìm hiểu pháp luật, ký cam kết.")
    page.get_by_role("button", name="Ghi nhận đã tổ chức").click()
    expect(status(page)).to_contain_text("Đã ghi nhận Ngày hội đã tổ chức.")
    expect(
        page.get_by_text("Ngày hội toàn dân bảo vệ ANTQ tổ chức ngày 19/08/2027, 85 người tham dự")
    ).to_be_visible()


def open_self_assessment(page: Page) -> None:
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Kỳ đánh giá").click()
    page.get_by_role("link", name=str(YEAR), exact=True).click()
    page.get_by_role("link", name=f"Năm đánh giá của {AGENCY}").click()
    page.get_by_role("button", name="Bắt đầu tự đánh giá").click()
    expect(page.get_by_role("heading", name=re.compile(f"Đánh giá, chấm điểm năm {YEAR}"))).to_be_visible()


def follow(page: Page, leaf: str, heading: str | re.Pattern[str]) -> Page:
    """Open the source of the suggestion of `leaf` in a new tab, as a reader checking it would, and
    check it is the record (its heading); the caller looks further, then closes the tab."""
    with page.context.expect_page() as opened:
        page.get_by_test_id(f"suggested-{leaf}").get_by_role("link").click(modifiers=["ControlOrMeta"])
    record = opened.value
    expect(record.get_by_role("heading", level=1)).to_contain_text(heading)
    return record


def test_an_agencys_records_suggest_its_points_with_links_to_them(people: People, agency_year):
    officer = people("coquan.canbo")
    initiative = record_initiative(officer)
    record_sessions(officer)
    record_agreement(officer)
    record_festival(officer)

    open_self_assessment(officer)
    expected = {
        "QD510.CQ.2": (
            3,
            "9 người khác nhau theo danh sách 2 buổi; trên 10 người của đơn vị — đạt 90%, yêu cầu từ 90%",
        ),
        "QD510.CQ.3": (5, "Ngày hội toàn dân bảo vệ ANTQ tổ chức ngày 19/08/2027, 85 người tham dự"),
        "QD510.CQ.4.a": (1, "Quy chế phối hợp số 12/QC-PH ký ngày 15/01/2027 với Công an phường Quy Nhơn"),
        "QD510.CQ.7": (
            10,
            "Mô hình «Camera an ninh Trung tâm Y tế» (1 hoạt động trong kỳ, chưa được đánh giá năm 2027)",
        ),
    }
    for leaf, (points, source) in expected.items():
        suggestion = officer.get_by_test_id(f"suggested-{leaf}")
        expect(suggestion).to_contain_text(f"Theo hồ sơ: {points} điểm")
        expect(suggestion.get_by_role("link")).to_have_text(source)
        # The self column starts from the suggestion.
        expect(field(officer, f"Tự chấm mục {leaf}")).to_have_value(str(points))

    link = officer.get_by_test_id("suggested-QD510.CQ.7").get_by_role("link")
    expect(link).to_have_attribute("href", initiative.removeprefix(people.base))
    record = follow(officer, "QD510.CQ.7", "Camera an ninh Trung tâm Y tế")
    expect(record.get_by_role("row").filter(has_text="12/06/2027")).to_contain_text("vụ mất xe")
    record.close()
    record = follow(officer, "QD510.CQ.4.a", "Quy chế phối hợp số 12/QC-PH")
    expect(record.get_by_text("Công an phường Quy Nhơn", exact=True)).to_be_visible()
    record.close()
    record = follow(officer, "QD510.CQ.3", re.compile("Ngày hội"))
    expect(record.get_by_text("85 người tham dự")).to_be_visible()
    record.close()
    record = follow(officer, "QD510.CQ.2", "Tuyên truyền, tập huấn")
    sessions = record.get_by_role("table").get_by_role("row")
    expect(sessions).to_have_count(3)  # the header and the two sessions, each with its list of 6
    expect(sessions.filter(has_text="Phổ biến Luật Phòng, chống ma túy")).to_contain_text("6 (danh sách)")
    expect(sessions.filter(has_text="Phòng, chống lừa đảo qua mạng")).to_contain_text("6 (danh sách)")
    record.close()


# ---- 2. the commune's plan drafted from the province's --------------------------------------------

PROVINCE_TARGET = "Tỷ lệ cơ quan, doanh nghiệp, cơ sở giáo dục đạt chuẩn “An toàn về ANTT”"
PROVINCE_TASK = "Tổ chức Ngày hội toàn dân bảo vệ ANTQ ở 100% xã, phường"


def issue_province_plan(page: Page) -> None:
    movement(page, "Kế hoạch")
    page.get_by_role("link", name="Lập kế hoạch mới").click()
    page.get_by_label("Cấp ban hành").select_option(label="Tỉnh Gia Lai")
    expect(field(page, "Năm")).to_have_value(str(YEAR))
    page.get_by_label("Trích yếu").fill(f"Thực hiện phong trào toàn dân bảo vệ ANTQ năm {YEAR}")
    page.get_by_label("Mục đích, yêu cầu").fill(
        "1. Mục đích: nâng cao chất lượng phong trào.\n2. Yêu cầu: bám sát chỉ tiêu, nhiệm vụ."
    )
    page.get_by_label("Tổ chức thực hiện").fill("Công an tỉnh là cơ quan thường trực, theo dõi, đôn đốc.")
    page.get_by_role("button", name="Lưu").click()
    expect(status(page)).to_contain_text("Đã tạo dự thảo kế hoạch. Hãy thêm chỉ tiêu và nhiệm vụ.")

    page.get_by_role("link", name="Thêm chỉ tiêu").click()
    field(page, "Chỉ tiêu").fill(PROVINCE_TARGET)
    field(page, "Đo bằng").select_option(label="Tỷ lệ (%)")
    page.get_by_label("Giá trị").fill("85")
    page.get_by_label("Của (đối tượng)").fill("cơ quan, doanh nghiệp, cơ sở giáo dục đăng ký phong trào")
    field(page, "Cơ quan").check()
    page.get_by_role("button", name="Lưu").click()
    expect(status(page)).to_contain_text("Đã lưu.")

    page.get_by_role("link", name="Thêm nhiệm vụ").click()
    page.get_by_label("Nội dung").fill(PROVINCE_TASK)
    page.get_by_label("Biện pháp").fill("Xây dựng kế hoạch, bố trí kinh phí, tổ chức trước ngày 19/8.")
    page.get_by_label("Đơn vị chủ trì").fill("Công an tỉnh")
    page.get_by_label("Thời hạn").fill(f"{YEAR}-08-19")
    page.get_by_role("button", name="Lưu").click()
    expect(status(page)).to_contain_text("Đã lưu.")

    page.get_by_role("link", name="Ban hành", exact=True).click()
    field(page, "Số").fill("45")
    expect(page.get_by_label("Ngày ban hành")).to_have_value(f"{YEAR}-02-10")
    page.get_by_label("Chức vụ người ký").fill("CHỦ TỊCH")
    page.get_by_label("Họ tên người ký").fill("Phạm Anh Tuấn")
    page.get_by_role("button", name="Ban hành", exact=True).click()
    expect(status(page)).to_contain_text("Đã ban hành kế hoạch.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("45/KH-UBND")


def test_the_commune_drafts_its_plan_from_the_provinces_and_downloads_it(
    people: People, clock: Clock, tmp_path: Path, tree, province_officer, commune_police
):
    clock.set(dt.date(YEAR, 2, 10))
    issue_province_plan(people("tinh.canbo"))

    police = people("xa.congan")
    movement(police, "Kế hoạch")
    police.get_by_role("link", name=f"Thực hiện phong trào toàn dân bảo vệ ANTQ năm {YEAR}").click()
    police.get_by_role("link", name=f"Lập kế hoạch thực hiện cho {COMMUNE}").click()
    expect(police.get_by_label("Kế hoạch cấp trên")).to_have_value(re.compile(r"\d+"))
    police.get_by_role("button", name="Lập dự thảo").click()
    expect(status(police)).to_contain_text(
        "Đã lập dự thảo kế hoạch thực hiện: chỉ tiêu và nhiệm vụ được sao từ kế hoạch cấp trên."
    )
    expect(police.get_by_role("link", name="45/KH-UBND")).to_be_visible()  # the parent plan
    target = police.get_by_role("row").filter(has_text=PROVINCE_TARGET).get_by_role("cell")
    expect(target.nth(2)).to_have_text(re.compile("^85% cơ quan"))  # inherited as it is …
    expect(target.nth(4)).to_have_text(re.compile("^85% cơ quan"))  # … beside the province's value
    task = police.get_by_role("row").filter(has_text=PROVINCE_TASK)
    expect(task).to_contain_text("09/08/2027")  # back-scheduled: 10 days before the province's 19/08
    expect(task).to_contain_text("Công an phường Quy Nhơn")
    expect(police.locator("#plan-warnings")).to_have_count(0)

    task.get_by_role("link", name="Sửa").click()
    expect(police.get_by_role("note").filter(has_text="Kế thừa từ kế hoạch cấp trên")).to_contain_text(
        f"{PROVINCE_TASK} (hạn 19/08/2027)"
    )
    police.get_by_label("Thời hạn").fill(f"{YEAR}-08-25")
    police.get_by_role("button", name="Lưu").click()
    warning = "Hạn 25/08/2027 muộn hơn hạn của kế hoạch cấp trên (19/08/2027)"
    expect(status(police)).to_contain_text(warning)
    expect(police.locator("#plan-warnings")).to_contain_text(f"1. {warning}")
    expect(police.get_by_role("row").filter(has_text=PROVINCE_TASK)).to_contain_text(warning)

    docx = download(police, "Tải DOCX", tmp_path)
    document = Document(io.BytesIO(docx.read_bytes()))
    paragraphs = [nfc(p.text.strip()) for p in document.paragraphs if p.text.strip()]
    cells = [nfc(c.text) for t in document.tables for r in t.rows for c in r.cells]
    flat = " ".join(" ".join([*paragraphs, *cells]).split())
    headings = [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. CHỈ TIÊU",
        "III. NỘI DUNG, BIỆN PHÁP",
        "IV. TỔ CHỨC THỰC HIỆN",
    ]
    positions = [paragraphs.index(h) for h in headings]
    assert positions == sorted(positions), paragraphs
    assert "Nơi nhận" in flat
    assert f"{PROVINCE_TARGET}: 85%" in flat
    assert PROVINCE_TASK in flat
    assert "Thời hạn: 25/08/2027" in flat
    assert "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN" in flat


# ---- 3. the commune's rating round ----------------------------------------------------------------

TEAMS = {  # name → founding day
    "Tổ bảo vệ ANTT Tổ dân phố 1": dt.date(YEAR - 2, 5, 1),
    "Tổ bảo vệ ANTT Tổ dân phố 2": dt.date(YEAR - 2, 5, 1),
    "Tổ bảo vệ ANTT Tổ dân phố 3": dt.date(YEAR - 1, 3, 1),
    "Tổ bảo vệ ANTT Tổ dân phố 4": dt.date(YEAR, 3, 1),  # 7 months at the evaluation date
}
NEW_TEAM = "Tổ bảo vệ ANTT Tổ dân phố 4"


@pytest.fixture
def teams(clock: Clock, tree, commune_police) -> None:
    """The commune's grassroots teams, recorded earlier by the commune police."""
    clock.set(dt.date(YEAR, 10, 30))
    scope = Scope.for_user(commune_police)
    for number, (name, founded) in enumerate(TEAMS.items(), start=1):
        area = (
            tree.unit
            if number == 1
            else f.unit(tree.commune, f"Tổ dân phố {number}, phường Quy Nhơn", f"X21583-KDC0{number}")
        )
        force_services.team_create(
            by=commune_police,
            scope=scope,
            node=area,
            kind=TeamKind.GRASSROOTS_TEAM,
            data={"name": name, "founded_on": founded},
        )


def rate(page: Page, team: str, level: str) -> None:
    field(page, f"Mức xếp loại {team}").select_option(label=level)


def test_the_round_refuses_too_many_excellent_teams_and_a_team_under_nine_months(people: People, teams):
    police = people("xa.congan")
    movement(police, "Tổ bảo vệ ANTT, lực lượng bảo vệ")
    police.get_by_role("link", name="Các đợt xếp loại tổ bảo vệ ANTT").click()
    police.get_by_label("Xã, phường, đặc khu").select_option(label=COMMUNE)
    expect(police.get_by_label("Năm đánh giá")).to_have_value(str(YEAR))
    police.get_by_label("Ngày đánh giá").fill(f"{YEAR}-10-30")
    police.get_by_role("button", name="Lập đợt xếp loại").click()
    expect(status(police)).to_contain_text(f"Đã lập đợt xếp loại năm {YEAR}.")

    # The young team's row comes with its reason; the police rate it anyway, and one "xuất sắc" for
    # two "tốt" (20% of 2 is 0 in whole teams).
    young_reason = field(police, f"Lý do không xếp loại {NEW_TEAM}")
    expect(young_reason).to_have_value("too_new")
    rate(police, "Tổ bảo vệ ANTT Tổ dân phố 1", "Hoàn thành xuất sắc nhiệm vụ")
    rate(police, "Tổ bảo vệ ANTT Tổ dân phố 2", "Hoàn thành tốt nhiệm vụ")
    rate(police, "Tổ bảo vệ ANTT Tổ dân phố 3", "Hoàn thành tốt nhiệm vụ")
    rate(police, NEW_TEAM, "Hoàn thành nhiệm vụ")
    young_reason.select_option(label="—")
    allowed = police.locator('[data-allowed="team"]')
    expect(allowed).to_have_text("0")
    expect(allowed).to_have_class(re.compile("msg-error"))
    police.get_by_role("button", name="Lưu bản xếp loại").click()
    expect(status(police)).to_contain_text("Đã lưu bản xếp loại.")

    police.get_by_role("button", name="Trình Chủ tịch UBND xã phê duyệt").click()
    quota = "Số tổ xếp loại Hoàn thành xuất sắc (1) vượt 20% số tổ Hoàn thành tốt (2): tối đa 0."
    too_new = f"Tổ {NEW_TEAM} mới hoạt động 7 tháng (từ 01/03/{YEAR}), chưa đủ 9 tháng để xếp loại."
    # The refusal counts the breaches; each is said once on the page: the quota in its box, the
    # young team beside its row.
    expect(status(police)).to_contain_text("Chưa trình được: bản xếp loại còn 2 lỗi")
    expect(police.get_by_text(quota, exact=True)).to_have_count(1)
    expect(police.get_by_role("heading", level=1)).to_contain_text("Đang dự thảo")
    # The same messages stay beside the rows while they are not corrected.
    expect(police.get_by_role("row").filter(has_text=NEW_TEAM)).to_contain_text(too_new)

    # Corrected: the first team rated "tốt", the young one not rated (too new): the round goes up.
    rate(police, "Tổ bảo vệ ANTT Tổ dân phố 1", "Hoàn thành tốt nhiệm vụ")
    rate(police, NEW_TEAM, "—")
    field(police, f"Lý do không xếp loại {NEW_TEAM}").select_option(value="too_new")
    police.get_by_role("button", name="Lưu bản xếp loại").click()
    expect(status(police)).to_contain_text("Đã lưu bản xếp loại.")
    police.get_by_role("button", name="Trình Chủ tịch UBND xã phê duyệt").click()
    expect(status(police)).to_contain_text("Đã trình Chủ tịch UBND xã phê duyệt.")
    expect(police.get_by_role("heading", level=1)).to_contain_text("Đã trình Chủ tịch UBND xã")

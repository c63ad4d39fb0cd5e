"""Attendance lists from a spreadsheet (XLSX): read and check every row, write nothing.

`read_attendance(upload)` checks the file by its content (an Office Open XML workbook, not a name
ending in .xlsx), its size and its number of rows, finds the header row (the first of the first
rows naming the "Họ và tên" column, so a title above the table is fine), and checks every data row:
each bad row is listed with its row number, its column and a Vietnamese message, and nothing is
written unless the whole file is valid (`services.attendance_import` applies it in one transaction).

People are keyed like `Participant.key`: the identifier (CCCD or staff number) in capitals, letters
and digits only, an all-digit one without its leading zeros (a CCCD typed into a number cell of
Excel loses them: "001085012345" and 1085012345 are the same person; the identifier shown is padded
back to 12 digits when a number cell held 10 or 11); without an identifier, the folded name and the
year of birth. A row with neither an
identifier nor a year of birth is refused: two people of the same name could not be told apart.
The same person twice in one file is counted once (a notice, not an error); the same identifier
with two different names is an error (one of them is mistyped).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.core.errors import DomainError
from antq.core.text import fold
from antq.core.xlsx import guarded_rows

# Caps of an attendance list (not the law's: the server's). Settings may lower or raise them.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000
# An XLSX is a zip: refuse archives that expand far beyond the upload limit (zip bombs).
MAX_EXPANSION = 20
# The header is looked for in the first rows (a file may have a title above the table).
HEADER_SEARCH_ROWS = 10
MIN_BIRTH_YEAR = 1900
ZIP_MAGIC = b"PK\x03\x04"
CCCD_DIGITS = 12

FULL_NAME = "full_name"
IDENTIFIER = "identifier"
GROUP = "group"
BIRTH_YEAR = "birth_year"

# The headers of the template. Part of the file format, not UI text: not translated.
HEADERS = {
    FULL_NAME: "Họ và tên",
    IDENTIFIER: "Số CCCD / Mã nhân viên",
    GROUP: "Bộ phận / Lớp / Tổ",
    BIRTH_YEAR: "Năm sinh",
}
MAX_LENGTHS = {FULL_NAME: 200, IDENTIFIER: 40, GROUP: 200}

_NON_ALNUM = re.compile(r"[^a-z0-9]")
_NON_ALNUM_UPPER = re.compile(r"[^A-Z0-9]")


def _header_key(text: str) -> str:
    return _NON_ALNUM.sub("", fold(text))


# Headers as users commonly write them; "STT" columns are ignored.
_ALIASES = {
    "hovaten": FULL_NAME,
    "hoten": FULL_NAME,
    "hotennguoithamdu": FULL_NAME,
    "socccdmanhanvien": IDENTIFIER,
    "cccdmanhanvien": IDENTIFIER,
    "socccd": IDENTIFIER,
    "cccd": IDENTIFIER,
    "socancuoccongdan": IDENTIFIER,
    "socancuoc": IDENTIFIER,
    "sodinhdanh": IDENTIFIER,
    "sodinhdanhcanhan": IDENTIFIER,
    "manhanvien": IDENTIFIER,
    "manv": IDENTIFIER,
    "mahocsinh": IDENTIFIER,
    "masinhvien": IDENTIFIER,
    "bophanloptot": GROUP,
    "bophanlopto": GROUP,
    "bophan": GROUP,
    "lop": GROUP,
    "to": GROUP,
    "phongban": GROUP,
    "donvi": GROUP,
    "namsinh": BIRTH_YEAR,
}
_IGNORED = {"stt", "sothutu", "tt", "ghichu", "kyten", "chuky"}


class AttendanceFileError(DomainError):
    """The file cannot be read as a spreadsheet at all; the message is for the user."""


def max_bytes() -> int:
    return int(getattr(settings, "OUTREACH_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "OUTREACH_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def normalize_identifier(text: str) -> str:
    """ "001 085-012345" → "001085012345": capitals, letters and digits only."""
    return _NON_ALNUM_UPPER.sub("", fold(text).upper())


def identifier_key(text: str) -> str:
    """The identifier as a key: `normalize_identifier`, and for an all-digit identifier without its
    leading zeros ("001085012345" → "1085012345"). A CCCD typed into a number cell of Excel loses
    its leading zeros; both spellings must key the same person. Identifiers with letters (staff or
    student numbers) keep their zeros: "NV007" and "NV7" stay different."""
    normalized = normalize_identifier(text)
    if normalized.isdigit():
        return normalized.lstrip("0") or "0"
    return normalized


def name_birth_key(full_name: str, birth_year: int | None) -> str:
    """The key of a person without an identifier: folded name and year of birth."""
    return f"nb:{fold(full_name)}|{birth_year or ''}"


def person_key(*, full_name: str, identifier: str, birth_year: int | None) -> str:
    """The participant's key within a node (see `Participant.key`)."""
    key = identifier_key(identifier)
    if key:
        return f"id:{key}"
    return name_birth_key(full_name, birth_year)


def displayed_identifier(raw: Any, text: str) -> str:
    """The identifier as shown: as typed, except that a number cell of 10 or 11 digits is padded
    back to the 12 digits of a CCCD (its province code starts with 0, which Excel drops from a
    number). Only the display: the key (`identifier_key`) ignores leading zeros anyway."""
    if (
        isinstance(raw, int | float)
        and not isinstance(raw, bool)
        and text.isdigit()
        and 10 <= len(text) <= 11
    ):
        return text.zfill(CCCD_DIGITS)
    return text


@dataclass(frozen=True)
class Person:
    """One person of the list, as read from its first row."""

    row: int
    full_name: str
    identifier: str
    group: str
    birth_year: int | None
    key: str


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class AttendanceFile:
    """What a file holds: its people (each once), the bad rows, and notices that do not block."""

    people: list[Person] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notices: list[RowError] = field(default_factory=list)
    data_rows: int = 0

    @property
    def valid(self) -> bool:
        return not self.errors and bool(self.people)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))


# --- The file --------------------------------------------------------------------------------


def _stream(upload: File) -> IO[bytes]:  # type: ignore[type-arg]
    fh = getattr(upload, "file", upload)
    fh.seek(0)
    return fh  # type: ignore[no-any-return]


def check_file(upload: File) -> None:  # type: ignore[type-arg]
    """Size and type by content; raises AttendanceFileError with a Vietnamese message."""
    size = upload.size or 0
    if size == 0:
        raise AttendanceFileError(_("Tệp rỗng."))
    if size > max_bytes():
        raise AttendanceFileError(
            _("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": f"{max_bytes() / (1024 * 1024):g}"}
        )
    fh = _stream(upload)
    head = fh.read(8)
    fh.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise AttendanceFileError(
            _("Tệp Excel 97-2003 (.xls) không được hỗ trợ. Hãy lưu lại dưới dạng .xlsx.")
        )
    if not head.startswith(ZIP_MAGIC):
        raise AttendanceFileError(_("Tệp không phải là tệp Excel (.xlsx) hợp lệ."))
    try:
        with zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise AttendanceFileError(_("Tệp Excel bị hỏng, không mở được.")) from exc
    finally:
        fh.seek(0)
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        # Another zip: a Word document, an archive…
        raise AttendanceFileError(_("Tệp không phải là tệp Excel (.xlsx) hợp lệ."))
    if sum(info.file_size for info in infos) > max_bytes() * MAX_EXPANSION:
        raise AttendanceFileError(_("Tệp Excel có nội dung giải nén quá lớn."))


def _rows(upload: File) -> Iterable[Sequence[Any]]:  # type: ignore[type-arg]
    from openpyxl import load_workbook

    fh = _stream(upload)
    try:
        workbook = load_workbook(io.BytesIO(fh.read()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise AttendanceFileError(
            _("Không đọc được tệp Excel. Hãy mở và lưu lại bằng Excel rồi thử lại.")
        ) from exc
    finally:
        fh.seek(0)
    try:
        if not workbook.worksheets:
            raise AttendanceFileError(_("Tệp Excel không có trang tính nào."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a wrong declared dimension must not drop rows
        # A damaged file may open and break only while its rows are read.
        yield from guarded_rows(sheet.iter_rows(values_only=True), _unreadable)
    finally:
        workbook.close()


def _unreadable(exc: Exception) -> AttendanceFileError:
    return AttendanceFileError(_("Không đọc được tệp Excel. Hãy mở và lưu lại bằng Excel rồi thử lại."))


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).replace("\u00a0", " ").strip()


def _layout(header: Sequence[Any]) -> dict[str, int] | None:
    """Column index of each known field, if this row is the header (it names "Họ và tên")."""
    lookup = {_header_key(h): name for name, h in HEADERS.items()} | _ALIASES
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = lookup.get(_header_key(_text(raw)))
        if name is not None and name not in found:
            found[name] = index
    return found if FULL_NAME in found else None


def _birth_year(raw: Any) -> int:
    """A year of birth from a number, a date or "1985"; ValueError otherwise."""
    if isinstance(raw, datetime | date):
        return raw.year
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError
        return int(raw)
    if isinstance(raw, int):
        return raw
    text = _text(raw)
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError
    return int(text)


def read_attendance(upload: File) -> AttendanceFile:  # type: ignore[type-arg]
    """Check the file and every row (no database): see the module's docstring."""
    check_file(upload)
    result = AttendanceFile()
    layout: dict[str, int] | None = None
    this_year = timezone.localdate().year
    first_row: dict[str, Person] = {}
    limit = max_rows()
    for number, values in enumerate(_rows(upload), start=1):
        if layout is None:
            layout = _layout(values)
            if layout is None and number >= HEADER_SEARCH_ROWS:
                break
            continue
        cells = {name: values[index] if index < len(values) else None for name, index in layout.items()}
        if not any(_text(v) for v in cells.values()):
            continue  # a blank row
        result.data_rows += 1
        if result.data_rows > limit:
            raise AttendanceFileError(
                _("Tệp có hơn %(n)s dòng người tham dự: hãy chia thành nhiều tệp.")
                % {"n": f"{limit:,}".replace(",", ".")}
            )
        person = _person(number, cells, result, this_year)
        if person is None:
            continue
        earlier = first_row.get(person.key)
        if earlier is None:
            first_row[person.key] = person
            result.people.append(person)
        elif fold(earlier.full_name) != fold(person.full_name):
            column = HEADERS[IDENTIFIER] if person.key.startswith("id:") else HEADERS[FULL_NAME]
            result.error(
                number,
                column,
                _("Trùng số CCCD / mã nhân viên với dòng %(row)s nhưng khác tên (“%(name)s”).")
                % {"row": earlier.row, "name": earlier.full_name},
            )
        else:
            result.notices.append(
                RowError(
                    number,
                    HEADERS[FULL_NAME],
                    _("Trùng người ở dòng %(row)s: chỉ tính một lần.") % {"row": earlier.row},
                )
            )
    if layout is None:
        raise AttendanceFileError(
            _(
                "Không tìm thấy dòng tiêu đề có cột “Họ và tên” trong %(n)s dòng đầu của trang tính thứ "
                "nhất. Hãy dùng tệp mẫu."
            )
            % {"n": HEADER_SEARCH_ROWS}
        )
    if result.data_rows == 0:
        raise AttendanceFileError(_("Tệp không có dòng người tham dự nào dưới dòng tiêu đề."))
    return result


def _person(number: int, cells: dict[str, Any], result: AttendanceFile, this_year: int) -> Person | None:
    errors_before = len(result.errors)
    values: dict[str, str] = {}
    for name in (FULL_NAME, IDENTIFIER, GROUP):
        text = _text(cells.get(name))
        if name == FULL_NAME:
            text = " ".join(text.split())
            if not text:
                result.error(number, HEADERS[name], _("Không được để trống họ và tên."))
        if len(text) > MAX_LENGTHS[name]:
            result.error(number, HEADERS[name], _("Dài quá %(n)s ký tự.") % {"n": MAX_LENGTHS[name]})
        values[name] = text
    values[IDENTIFIER] = displayed_identifier(cells.get(IDENTIFIER), values[IDENTIFIER])
    if values[IDENTIFIER] and not normalize_identifier(values[IDENTIFIER]):
        result.error(number, HEADERS[IDENTIFIER], _("Số CCCD / mã nhân viên phải có chữ hoặc số."))
    birth_year: int | None = None
    raw_year = cells.get(BIRTH_YEAR)
    if _text(raw_year):
        try:
            birth_year = _birth_year(raw_year)
        except ValueError:
            result.error(number, HEADERS[BIRTH_YEAR], _("Năm sinh phải là một năm có 4 chữ số (ví dụ 1985)."))
        else:
            if not MIN_BIRTH_YEAR <= birth_year <= this_year:
                result.error(
                    number,
                    HEADERS[BIRTH_YEAR],
                    _("Năm sinh phải từ %(min)s đến %(max)s.") % {"min": MIN_BIRTH_YEAR, "max": this_year},
                )
                birth_year = None
    if values[FULL_NAME] and not values[IDENTIFIER] and _text(raw_year) == "":
        result.error(
            number,
            HEADERS[IDENTIFIER],
            _("Cần số CCCD / mã nhân viên, hoặc ít nhất năm sinh, để phân biệt những người trùng họ tên."),
        )
    if len(result.errors) > errors_before:
        return None
    return Person(
        row=number,
        full_name=values[FULL_NAME],
        identifier=values[IDENTIFIER],
        group=values[GROUP],
        birth_year=birth_year,
        key=person_key(full_name=values[FULL_NAME], identifier=values[IDENTIFIER], birth_year=birth_year),
    )


# --- The template ----------------------------------------------------------------------------


def template_workbook() -> bytes:
    """A small XLSX to fill in: the header row, identifier column stored as text, and a sheet of
    instructions (the first sheet holds no example row, so an unchanged template imports nobody)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = "Danh sách"
    headers = ["STT", *HEADERS.values()]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (6, 32, 26, 26, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    # CCCD numbers start with 0: a number cell would drop it.
    for row in range(2, 1002):
        sheet.cell(row=row, column=3).number_format = "@"
    guide = workbook.create_sheet("Hướng dẫn")
    for line in (
        "Mỗi người tham dự một dòng ở trang “Danh sách”; không đổi tên các cột.",
        "Họ và tên: bắt buộc.",
        "Số CCCD / Mã nhân viên: nên điền (mã học sinh, sinh viên cũng được); nếu không có, phải "
        "điền Năm sinh để phân biệt người trùng tên.",
        "Bộ phận / Lớp / Tổ và Năm sinh: không bắt buộc.",
        "Một người có trong danh sách nhiều buổi chỉ được tính một lần khi tính tỷ lệ tham gia.",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

"""Spreadsheets going out: unit exports and the import template.

Both use the import's columns (`importing.COLUMNS`), so an export edited in Excel imports back.
An export also ends with a few read-only columns (`importing.REPORT_HEADERS`: parent's name,
status, eligibility) so that it reads as a report; the import skips them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Re-exported: the import screens name the content type through this module.
from antq.core.xlsx import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE
from antq.core.xlsx import safe_cell
from antq.org.choices import NodeKind
from antq.org.eligibility import exclusion_rules
from antq.org.models import OrgNodeQuerySet
from antq.units.importing import (
    COLUMNS,
    EXAMPLE_CODE_SUFFIX,
    HEADERS,
    PARENT,
    REPORT_HEADERS,
    vietnamese_labels,
)

EXPORT_CHUNK = 2000

# Headers of an export: the importable columns, then the read-only ones.
EXPORT_HEADERS: tuple[str, ...] = (*HEADERS, *REPORT_HEADERS)
# values_list lookups, in column order; the parent's name comes in the same query (a join).
_LOOKUPS = tuple("parent__code" if c.field == PARENT else c.field for c in COLUMNS)
_REPORT_LOOKUPS = ("parent__name", "is_active", "exclusion_code")
_TEXT_COLUMNS = {"code", PARENT, "tax_code", "contact_phone"}
TEMPLATE_ROWS = 1000
_WIDTHS = {"code": 18, "name": 40, "kind": 16, PARENT: 14, "address": 40, "contact_email": 28}
_REPORT_WIDTHS = (36, 18, 40)


def _bool_text(value: bool) -> str:
    # Fixed Vietnamese words, like the headers: they are file format, read back by the import.
    return "có" if value else "không"


def _report_texts() -> tuple[tuple[str, str], str, dict[str, str]]:
    """(active, inactive), eligible, exclusion code -> label: the read-only columns' values.

    Vietnamese whatever the user's language, like the choice labels of the other columns: the
    file is the same for everyone.
    """
    exclusions = {rule.code: rule.label_vi for rule in exclusion_rules()}
    return ("Đang hoạt động", "Ngừng hoạt động"), "Thuộc diện xét", exclusions


def _header_row(sheet: WriteOnlyWorksheet) -> list[WriteOnlyCell]:
    bold = Font(bold=True)
    cells = []
    for header in EXPORT_HEADERS:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cells.append(cell)
    return cells


def _prepare(sheet: Any, *, report: bool = False) -> None:
    widths = [_WIDTHS.get(column.field, 16) for column in COLUMNS]
    if report:
        widths.extend(_REPORT_WIDTHS)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _format(values: tuple[Any, ...], labels: dict[str, dict[str, str]]) -> list[Any]:
    row: list[Any] = []
    for column, value in zip(COLUMNS, values, strict=True):
        if column.datatype in {"kind", "choice"}:
            row.append(labels[column.field].get(value, value) if value else None)
        elif column.datatype == "bool":
            row.append(_bool_text(bool(value)))
        elif value == "":
            row.append(None)
        else:
            row.append(value)
    return row


def unit_rows(units: OrgNodeQuerySet) -> Iterator[list[Any]]:
    """Export rows of `units`: one query streamed in chunks, no model instances."""
    labels = vietnamese_labels()
    (active, inactive), eligible, exclusions = _report_texts()
    width = len(_LOOKUPS)
    rows = units.values_list(*_LOOKUPS, *_REPORT_LOOKUPS).iterator(chunk_size=EXPORT_CHUNK)
    for values in rows:
        parent_name, is_active, exclusion_code = values[width:]
        yield [
            *_format(values[:width], labels),
            parent_name,
            active if is_active else inactive,
            exclusions.get(exclusion_code, exclusion_code) if exclusion_code else eligible,
        ]


def write_units(units: OrgNodeQuerySet, out: IO[bytes]) -> int:
    """Write `units` as XLSX to `out` (streaming, constant memory per row); returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Đơn vị"))
    _prepare(sheet, report=True)
    sheet.append(_header_row(sheet))
    count = 0
    for row in unit_rows(units):
        sheet.append([safe_cell(sheet, value) for value in row])
        count += 1
    workbook.save(out)
    return count


def write_template(out: IO[bytes], *, parent_code: str) -> None:
    """The import template: the headers, one example row and a sheet explaining the columns."""
    labels = vietnamese_labels()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Đơn vị")
    _prepare(sheet)
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example = {
        # The suffix marks it: the import refuses it if the file is uploaded unchanged.
        "code": f"{parent_code}{EXAMPLE_CODE_SUFFIX}",
        "name": _("Tổ dân phố 1 (dòng ví dụ: sửa hoặc xoá trước khi nhập)"),
        "kind": labels["kind"][NodeKind.RESIDENTIAL_AREA],
        PARENT: parent_code,
        "short_name": _("TDP 1"),
        "address": _("Số 1 đường Lê Lợi"),
        "managing_authority": labels["managing_authority"]["commune"],
        "is_armed_forces": _bool_text(False),
        "people_count": 320,
        "subunit_count": 3,
        "contact_name": "Nguyễn Văn A",
        "contact_phone": "0912345678",
        "contact_email": "tdp1@example.vn",
    }
    sheet.append([example.get(c.field) for c in COLUMNS])
    # Codes and phone numbers are text: keep Excel from turning "0912..." into 912...
    for index, column in enumerate(COLUMNS, start=1):
        if column.field in _TEXT_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=TEMPLATE_ROWS, min_col=index, max_col=index):
                cell.number_format = "@"

    guide = workbook.create_sheet(_("Hướng dẫn"))
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 90
    guide.append([_("Cột"), _("Cách ghi")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    notes = {
        "code": _(
            "Bắt buộc. Mã duy nhất của đơn vị; nhập lại cùng mã sẽ cập nhật, không tạo trùng. Không phân "
            "biệt chữ hoa, chữ thường (mã được lưu bằng chữ in hoa)."
        ),
        "name": _("Bắt buộc. Tên chính thức của đơn vị."),
        "kind": _("Bắt buộc với đơn vị mới: %(values)s.") % {"values": ", ".join(labels["kind"].values())},
        PARENT: _(
            "Bắt buộc. Mã xã, phường, đặc khu (ví dụ X21583) hoặc mã tỉnh (ví dụ T52) mà đơn vị trực thuộc."
        ),
        "managing_authority": ", ".join(labels["managing_authority"].values()),
        "enterprise_size": _("Bắt buộc với doanh nghiệp: %(values)s.")
        % {"values": ", ".join(labels["enterprise_size"].values())},
        "education_level": _("Bắt buộc với cơ sở giáo dục: %(values)s.")
        % {"values": ", ".join(labels["education_level"].values())},
        "is_armed_forces": _('Ghi "có" hoặc "không".'),
        "people_count": _("Khu dân cư: số hộ gia đình; đơn vị khác: số cán bộ, người lao động. Số nguyên."),
        "subunit_count": _("Số phòng, ban, tổ, đội trực thuộc. Số nguyên."),
    }
    for column in COLUMNS:
        guide.append([column.header, notes.get(column.field, "")])
    guide.append([])
    guide.append(
        [
            _("Lưu ý"),
            _(
                "Chỉ trang tính đầu tiên được nhập. Dòng 1 là tiêu đề cột; tệp CSV phải lưu "
                "với bảng mã UTF-8. Cột không bắt buộc có thể bỏ."
            ),
        ]
    )
    guide.append(
        [
            _("Ô để trống"),
            _(
                "Với đơn vị đã có, ô để trống nghĩa là giữ nguyên giá trị hiện có: nhập tệp không bao "
                "giờ xoá dữ liệu. Muốn xoá một giá trị, hãy sửa đơn vị trong danh bạ. Với đơn vị mới, "
                "ô trống là chưa có thông tin."
            ),
        ]
    )
    guide.append(
        [
            _("Dòng ví dụ"),
            _(
                "Dòng 2 của trang Đơn vị là dòng ví dụ (mã kết thúc bằng %(suffix)s): hãy xoá hoặc thay "
                "bằng dữ liệu thật; nếu còn, tệp sẽ bị báo lỗi ở dòng đó."
            )
            % {"suffix": EXAMPLE_CODE_SUFFIX},
        ]
    )
    guide.append(
        [
            _("Tệp xuất từ danh bạ"),
            _("Các cột %(columns)s chỉ để đọc: khi nhập lại, hệ thống bỏ qua các cột này.")
            % {"columns": ", ".join(REPORT_HEADERS)},
        ]
    )
    workbook.save(out)

"""Spreadsheets going out: unit exports and the import template.

Both use the import's columns (`importing.COLUMNS`), so an export edited in Excel imports back.
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

from antq.org.choices import NodeKind
from antq.org.models import OrgNodeQuerySet
from antq.units.importing import COLUMNS, HEADERS, PARENT, vietnamese_labels

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_CHUNK = 2000

# Spreadsheet programs read a cell starting with one of these as a formula ("CSV/formula injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# values_list lookups, in column order.
_LOOKUPS = tuple("parent__code" if c.field == PARENT else c.field for c in COLUMNS)
_TEXT_COLUMNS = {"code", PARENT, "tax_code", "contact_phone"}
TEMPLATE_ROWS = 1000
_WIDTHS = {"code": 18, "name": 40, "kind": 16, PARENT: 14, "address": 40, "contact_email": 28}


def _bool_text(value: bool) -> str:
    # Fixed Vietnamese words, like the headers: they are file format, read back by the import.
    return "có" if value else "không"


def safe_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """`value`, or a text cell that no spreadsheet evaluates when it would look like a formula.

    The cell is typed as text and carries Excel's quote-prefix flag (what Excel itself does for
    '=...): it shows exactly as stored and stays text when edited. The value is not altered, so
    re-importing the export gives back the same data (a literal ' prefix would not).
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def _header_row(sheet: WriteOnlyWorksheet) -> list[WriteOnlyCell]:
    bold = Font(bold=True)
    cells = []
    for header in HEADERS:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cells.append(cell)
    return cells


def _prepare(sheet: Any) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column.field, 16)
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
    for values in units.values_list(*_LOOKUPS).iterator(chunk_size=EXPORT_CHUNK):
        yield _format(values, labels)


def write_units(units: OrgNodeQuerySet, out: IO[bytes]) -> int:
    """Write `units` as XLSX to `out` (streaming, constant memory per row); returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Đơn vị"))
    _prepare(sheet)
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
        "code": f"{parent_code}-VD01",
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
        "code": _("Bắt buộc. Mã duy nhất của đơn vị; nhập lại cùng mã sẽ cập nhật, không tạo trùng."),
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
                "với bảng mã UTF-8. Cột không bắt buộc có thể bỏ; khi cột có mặt, ô trống sẽ "
                "xoá giá trị cũ của đơn vị đã có."
            ),
        ]
    )
    workbook.save(out)

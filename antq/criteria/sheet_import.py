"""Read a QĐ 510 score sheet from a table (Mục, Tiểu mục, Nội dung, Điểm tối đa): an XLSX file
(`read_rows`) or the rows typed in the creation form; both feed `parse_sheet_table`.

The law leaves the residential-area and commune sheets unknown, so an administrator types them from
the document they hold. This module turns the table into a sheet document in the engine's format
and validates it with the engine's `load_framework`; every problem is reported with its spreadsheet
row. Nothing here writes: `services.sheet_import_create` does, only for a sheet without problems.

A row with a Mục and no Tiểu mục starts an item; a row with a Tiểu mục is a sub-item of the item
above (its Mục may be left blank). An item with sub-items may leave its points blank: they are
the sum of its sub-items.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from antq.core.xlsx import guarded_rows
from antq.criteria.engine import FrameworkError, load_framework

HEADERS = ("Mục", "Tiểu mục", "Nội dung", "Điểm tối đa")
MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024
# An XLSX is a zip: refuse archives that expand far beyond the upload limit (zip bombs).
MAX_EXPANSION = 20
# Rows looked at, blank ones included: a sheet of a million formatted but empty rows is refused
# rather than walked.
MAX_SCANNED_ROWS = 20 * MAX_ROWS
ZIP_MAGIC = b"PK\x03\x04"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Unit types whose QĐ 510 sheet is not known (the law text was not found): the only ones imported.
UNIT_TYPE_CODES = {"residential_area": "KDC", "commune": "XA"}

# The four levels are verified (provincial decisions); their point thresholds are not. An imported
# sheet gets them as illustrative placeholders (a share of its total), flagged as such, so that the
# province can later set the real thresholds on it (`framework_variant_set_thresholds`).
LEVELS = (
    ("xuat_sac", "Xuất sắc", 90),
    ("kha", "Khá", 70),
    ("trung_binh", "Trung bình", 50),
    ("yeu", "Yếu", 0),
)

_PATH = re.compile(r"^items\[(\d+)\](?:\.sub_items\[(\d+)\])?")


@dataclass(frozen=True)
class RowProblem:
    row: int | None  # spreadsheet row (1 = header); None for the sheet as a whole
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("Bảng: %(msg)s") % {"msg": self.message}
        return _("Dòng %(row)d: %(msg)s") % {"row": self.row, "msg": self.message}


class SheetImportError(ValueError):
    """The table cannot become a valid sheet; `problems` lists every reason with its row."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class SheetMeta:
    """What the form says about the sheet (the table holds only its items)."""

    unit_type: str
    sheet: str  # short code in the framework code `qd510-<sheet>`
    label: str
    title: str
    effective_from: dt.date
    source_document: str  # the document cited by the administrator; "" when none
    verified: bool  # the administrator confirms the table matches `source_document`
    typed: bool = False  # the rows were typed in the creation form, not read from an XLSX file


@dataclass
class _Built:
    items: list[dict[str, Any]] = field(default_factory=list)
    item_rows: list[int] = field(default_factory=list)
    sub_rows: list[list[int]] = field(default_factory=list)
    blank_points: list[bool] = field(default_factory=list)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _points(value: Any) -> int | None | str:
    """An integer ≥ 0, None when blank, or the reason it is not valid."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return _("điểm tối đa phải là số nguyên không âm")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit()):
            return _("điểm tối đa phải là số nguyên không âm, nhận được “%(v)s”") % {"v": value}
        value = int(value)
    if not isinstance(value, int) or value < 0:
        return _("điểm tối đa phải là số nguyên không âm, nhận được “%(v)s”") % {"v": value}
    return value


def _unreadable(exc: Exception | None = None) -> SheetImportError:
    return SheetImportError([RowProblem(None, _("không đọc được tệp Excel (.xlsx)"))])


def _check_archive(upload: IO[bytes]) -> None:
    """An Office Open XML workbook (by content, not name) whose parts do not expand far beyond
    the upload limit (a zip bomb of a few MB can hold gigabytes of blank XML)."""
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != ZIP_MAGIC:
        raise _unreadable()
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable(exc) from exc
    finally:
        upload.seek(0)
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise _unreadable()
    if sum(info.file_size for info in infos) > MAX_BYTES * MAX_EXPANSION:
        raise SheetImportError([RowProblem(None, _("tệp Excel có nội dung giải nén quá lớn"))])


def read_rows(upload: IO[bytes]) -> list[tuple[int, tuple[Any, ...]]]:
    """The data rows of the first worksheet with their row numbers; checks the header.

    Whatever the bytes, the answer is the rows or a `SheetImportError`: a damaged workbook can
    fail anywhere in openpyxl (while opening, or only when a row is read)."""
    from openpyxl import load_workbook

    _check_archive(upload)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise _unreadable(exc) from exc
    try:
        if not workbook.worksheets:
            raise SheetImportError([RowProblem(None, _("tệp Excel không có trang tính nào"))])
        sheet = workbook.worksheets[0]
        # The declared size is not trusted: a forged "A1:XFD1048576" would be read as a million
        # rows of 16,384 cells.
        sheet.reset_dimensions()
        rows = guarded_rows(sheet.iter_rows(values_only=True), _unreadable)
        header = tuple(_cell_text(v) for v in next(rows, ()))[: len(HEADERS)]
        if tuple(h.casefold() for h in header) != tuple(h.casefold() for h in HEADERS):
            raise SheetImportError(
                [RowProblem(1, _("tiêu đề cột phải là: %(cols)s") % {"cols": ", ".join(HEADERS)})]
            )
        out: list[tuple[int, tuple[Any, ...]]] = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_SCANNED_ROWS:
                raise SheetImportError(
                    [
                        RowProblem(
                            None, _("bảng có quá %(n)d dòng, kể cả dòng trống") % {"n": MAX_SCANNED_ROWS}
                        )
                    ]
                )
            cells = tuple(values[: len(HEADERS)]) + (None,) * (len(HEADERS) - len(values))
            if all(_cell_text(v) == "" for v in cells):
                continue
            out.append((number, cells))
            if len(out) > MAX_ROWS:
                raise SheetImportError([RowProblem(None, _("bảng có quá %(n)d dòng") % {"n": MAX_ROWS})])
        return out
    finally:
        workbook.close()


def _item_id(unit_code: str, mark: str) -> str:
    # "1" → "QD510.KDC.1"; an id already written in full is kept.
    return mark if "." in mark else f"QD510.{unit_code}.{mark}"


def _build(rows: Iterable[tuple[int, tuple[Any, ...]]], unit_code: str) -> tuple[_Built, list[RowProblem]]:
    built = _Built()
    problems: list[RowProblem] = []
    for number, (mark_raw, sub_raw, text_raw, points_raw) in rows:
        mark, sub, text = _cell_text(mark_raw), _cell_text(sub_raw), _cell_text(text_raw)
        points = _points(points_raw)
        if isinstance(points, str):
            problems.append(RowProblem(number, points))
            points = None
        if not text:
            problems.append(RowProblem(number, _("thiếu nội dung (cột Nội dung)")))
        if sub:
            if not built.items:
                problems.append(RowProblem(number, _("tiểu mục đứng trước mọi mục")))
                continue
            parent = built.items[-1]
            if mark and _item_id(unit_code, mark) != parent["id"]:
                problems.append(
                    RowProblem(
                        number,
                        _("tiểu mục “%(sub)s” ghi mục “%(mark)s” nhưng đứng dưới mục “%(parent)s”")
                        % {"sub": sub, "mark": mark, "parent": parent["id"]},
                    )
                )
            if points is None:
                problems.append(RowProblem(number, _("tiểu mục phải có điểm tối đa")))
            parent.setdefault("sub_items", []).append(
                {"id": sub, "label_vi": text, "max_points": points or 0}
            )
            built.sub_rows[-1].append(number)
            continue
        if not mark:
            problems.append(RowProblem(number, _("thiếu mục (cột Mục) hoặc tiểu mục (cột Tiểu mục)")))
            continue
        built.items.append({"id": _item_id(unit_code, mark), "label_vi": text, "max_points": points or 0})
        built.item_rows.append(number)
        built.sub_rows.append([])
        built.blank_points.append(points is None)
    for item, blank, number in zip(built.items, built.blank_points, built.item_rows, strict=True):
        subs = item.get("sub_items") or []
        if blank and subs:
            item["max_points"] = sum(s["max_points"] for s in subs)
        elif blank:
            problems.append(RowProblem(number, _("mục không có tiểu mục phải có điểm tối đa")))
    if not built.items and not problems:
        problems.append(RowProblem(None, _("bảng không có mục nào")))
    return built, problems


def _classification(total: int) -> dict[str, Any] | None:
    mins = [total * share // 100 for _code, _label, share in LEVELS]
    if any(mins[i] <= mins[i + 1] for i in range(len(mins) - 1)):
        return None  # too few points for four distinct placeholder thresholds: leave them out
    return {
        "based_on": "superior",
        "verified": False,
        "illustrative": True,
        "note_vi": "Ngưỡng điểm minh họa (tỷ lệ của tổng điểm), CHƯA được xác minh với văn bản gốc; "
        "mọi kết quả phân loại chỉ là tạm tính.",
        "levels": [
            {"code": code, "label_vi": label, "min": minimum}
            for (code, label, _share), minimum in zip(LEVELS, mins, strict=True)
        ],
    }


def sheet_content(items: list[dict[str, Any]], meta: SheetMeta) -> dict[str, Any]:
    """The sheet document in the engine's format (what the data files under `data/qd510/` hold)."""
    total = sum(int(item.get("max_points") or 0) for item in items)
    origin = "nhập trên giao diện" if meta.typed else "nhập từ tệp XLSX"
    document = meta.source_document or f"Chưa có: bảng {origin}, chưa đối chiếu văn bản gốc"
    content: dict[str, Any] = {
        "framework": "qd510",
        "sheet": meta.sheet,
        "version": meta.label,
        "title_vi": meta.title,
        "effective_from": meta.effective_from.isoformat(),
        "verified": meta.verified,
        "source": {
            "document": document,
            "verification": (
                "Người quản trị xác nhận bảng khớp văn bản đã dẫn"
                if meta.verified
                else f"Chưa xác minh: {origin}, chỉ mang tính minh họa"
            ),
        },
        "applies_to": [meta.unit_type],
        "total_max": total,
        "columns": {"self": {"label_vi": "Tự chấm"}, "superior": {"label_vi": "Cấp trên chấm"}},
        "items": items,
    }
    classification = _classification(total)
    if classification is not None:
        content["classification"] = classification
    return content


def _row_of(path: str, built: _Built) -> int | None:
    match = _PATH.match(path)
    if match is None:
        return None
    item = int(match.group(1))
    if item >= len(built.item_rows):
        return None
    if match.group(2) is not None:
        sub = int(match.group(2))
        subs = built.sub_rows[item]
        return subs[sub] if sub < len(subs) else built.item_rows[item]
    return built.item_rows[item]


def parse_sheet_table(rows: Iterable[tuple[int, tuple[Any, ...]]], meta: SheetMeta) -> dict[str, Any]:
    """Build and validate the sheet from `(row number, (Mục, Tiểu mục, Nội dung, Điểm tối đa))`
    rows, whether read from a file or typed in the form; raise `SheetImportError` listing every
    problem by row."""
    built, problems = _build(rows, UNIT_TYPE_CODES.get(meta.unit_type, "KHAC"))
    content = sheet_content(built.items, meta)
    try:
        load_framework(content)
    except FrameworkError as exc:
        reported = {p.row for p in problems}
        for problem in exc.problems:
            row = _row_of(problem.path, built)
            # A row already reported by the table check would only be reported twice.
            if row is None or row not in reported:
                field_name = problem.path.rpartition(".")[2] if row is not None else problem.path
                problems.append(RowProblem(row, f"{field_name}: {problem.message}"))
    if problems:
        raise SheetImportError(sorted(problems, key=lambda p: (p.row is not None, p.row or 0)))
    return content


def write_template(out: IO[bytes]) -> None:
    """The XLSX template: the four columns and an example (to be deleted) of an item with sub-items."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    # A new workbook's first sheet replaced by a named one (avoids the Optional `active`).
    workbook.remove(workbook.worksheets[0])
    sheet = workbook.create_sheet("Bang cham diem")
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["1", None, "Ví dụ: nội dung mục 1 (xoá dòng ví dụ này)", 10])
    sheet.append([None, "a", "Ví dụ: tiểu mục a của mục 1", 4])
    sheet.append([None, "b", "Ví dụ: tiểu mục b của mục 1", 6])
    for column, width in zip("ABCD", (10, 10, 80, 14), strict=True):
        sheet.column_dimensions[column].width = width
    workbook.save(out)

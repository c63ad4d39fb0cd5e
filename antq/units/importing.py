"""Importing units from a spreadsheet (XLSX or CSV): check every row, then write all or nothing.

Flow: `store_upload` checks the upload by its content and keeps it under MEDIA_ROOT/imports/ with a
random name; the `validate_import` task reads it (`read_file`, no database) and checks it against
the database (`check_rows`: two bulk lookups), which gives an `ImportPlan`: what to create, update
or leave alone, and every bad row; the rows of a valid file are kept next to it as JSON. The user
sees the errors, or confirms; the `apply_import` task then re-checks those rows against the
database as it is at that moment and applies the plan in one transaction. Progress goes to the
cache, which the web processes poll.

The stored rows also keep the version of every existing unit they were checked against: a unit
edited after the check fails the whole import, so the file's older values never overwrite an edit.

A blank cell means "no change": the template has every column, and an officer who fills only a few
of them must not wipe the others on existing units. Clearing a value is done on the unit's form.
Codes (of units and of parents) are matched regardless of case and stored in capitals, like
`prepare_node` does.

Files: the upload and its rows hold contact details, so none may outlive its job. Whoever ends a
job deletes them: the worker for INVALID, DONE and FAILED, and for a job cancelled while being
checked (the worker may still be reading the upload, or about to write the rows); the user's
cancel of a READY job (no worker holds it) or of a job whose worker is presumed dead.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import numberformat, timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit import chain
from antq.audit.models import AuditAction, AuditEvent
from antq.audit.services import diff
from antq.core.errors import DomainError
from antq.core.text import fold
from antq.core.xlsx import guarded_rows
from antq.core.xlsx_fast import ReaderStopped, fast_rows
from antq.org.choices import (
    UNIT_KINDS,
    UNIT_PARENT_KINDS,
    EducationLevel,
    EnterpriseSize,
    ManagingAuthority,
    NodeKind,
)
from antq.org.models import OrgNode
from antq.org.services import UNIT_FIELDS, allocate_child_paths_many, prepare_node
from antq.units import import_writes
from antq.units.models import ImportJob

logger = logging.getLogger(__name__)

Status = ImportJob.Status

# Only the first errors are kept on the job: a user fixes a file from the top, and a JSON column
# holding 250,000 messages would make the result page unusable anyway.
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 1000  # rows between two progress reports (one cache write each)
PROGRESS_TTL = 6 * 3600
# Rows per INSERT/UPDATE round: the backend caps it further (SQLite: 999 parameters per query).
WRITE_CHUNK = 5000
# An XLSX is a zip: refuse archives that expand far beyond the upload limit (zip bombs).
MAX_EXPANSION = 20

PARENT = "parent_code"
STATUSES_CANCELLABLE = (Status.VALIDATING, Status.READY)
STATUSES_RUNNING = (Status.VALIDATING, Status.APPLYING)
# A running job without progress for this long is presumed interrupted (worker killed, server
# restarted): its creator may cancel it (settings.IMPORT_STALE_AFTER_MINUTES).
DEFAULT_STALE_AFTER_MINUTES = 60
# Codes named in a message; the rest are counted.
MAX_NAMED_CODES = 10
# Units listed, with what changes, on the page where the user confirms an import.
PREVIEW_LIMIT = 200
# The template's example row has a code ending with this: uploaded unchanged, it must not become
# a unit named "(dòng ví dụ: sửa hoặc xoá trước khi nhập)".
EXAMPLE_CODE_SUFFIX = "-VD01"


# --- Columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str  # a name of UNIT_FIELDS, or PARENT
    # The header in the template and in exports. It is part of the file format, not UI text: it is
    # not translated, so that a file exported in English still imports.
    header: str
    datatype: str = "text"  # text | kind | choice | bool | int | email
    required: bool = False
    choices: type[models.TextChoices] | None = None


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã", required=True),
    Column("name", "Tên", required=True),
    Column("kind", "Loại", "kind"),
    Column(PARENT, "Mã đơn vị cấp trên", required=True),
    Column("short_name", "Tên ngắn"),
    Column("address", "Địa chỉ"),
    Column("managing_authority", "Cấp quản lý", "choice", choices=ManagingAuthority),
    Column("enterprise_size", "Quy mô DN", "choice", choices=EnterpriseSize),
    Column("tax_code", "Mã số thuế"),
    Column("education_level", "Cấp học", "choice", choices=EducationLevel),
    Column("is_armed_forces", "Lực lượng vũ trang", "bool"),
    Column("people_count", "Số hộ / số người", "int"),
    Column("subunit_count", "Số đầu mối", "int"),
    Column("contact_name", "Người liên hệ"),
    Column("contact_phone", "Điện thoại"),
    Column("contact_email", "Email", "email"),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
COLUMN_BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}
# Read-only columns that exports add after the importable ones, so that an export reads as a
# report; the import recognises and skips them, so an export still imports back unchanged.
REPORT_HEADERS: tuple[str, ...] = ("Tên đơn vị cấp trên", "Trạng thái", "Diện xét")

_NON_ALNUM = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=4096)  # coded columns repeat a handful of values over 100,000 rows
def _key(text: str) -> str:
    """Comparison key of a header or a vocabulary value: no accents, case, spaces or punctuation."""
    return _NON_ALNUM.sub("", fold(text))


def format_count(n: int) -> str:
    """A count grouped by thousands in the active language ("100.000"; Django's vi format has no grouping)."""
    return numberformat.format(
        n,
        get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


# Headers as users commonly write them; "STT" (row number) columns are ignored.
_HEADER_ALIASES = {
    "quymodoanhnghiep": "enterprise_size",
    "sodienthoai": "contact_phone",
    "thudientu": "contact_email",
    "madonvi": "code",
    "tendonvi": "name",
    "loaidonvi": "kind",
}
_IGNORED_HEADERS = {"stt", "sothutu", *(_key(h) for h in REPORT_HEADERS)}


def _header_lookup() -> dict[str, Column]:
    lookup = {_key(c.header): c for c in COLUMNS}
    lookup.update({_key(c.field): c for c in COLUMNS})
    lookup.update({alias: COLUMN_BY_FIELD[name] for alias, name in _HEADER_ALIASES.items()})
    return lookup


@cache
def vocabularies() -> dict[str, dict[str, str]]:
    """For each coded column: comparison key -> stored value (Vietnamese and English labels, codes)."""
    enums: dict[str, Sequence[tuple[str, Any]]] = {
        "kind": [(v, label) for v, label in NodeKind.choices if v in UNIT_KINDS],
        "managing_authority": ManagingAuthority.choices,
        "enterprise_size": EnterpriseSize.choices,
        "education_level": EducationLevel.choices,
    }
    maps: dict[str, dict[str, str]] = {}
    for name, choices in enums.items():
        mapping: dict[str, str] = {}
        for value, label in choices:
            mapping[_key(value)] = value
            for lang in ("en", "vi"):
                with translation.override(lang):
                    mapping[_key(str(label))] = value
        maps[name] = mapping
    # Abbreviations used in commune registers.
    maps["kind"].update(
        {
            "kdc": NodeKind.RESIDENTIAL_AREA.value,
            "cq": NodeKind.AGENCY.value,
            "dn": NodeKind.ENTERPRISE.value,
            "csgd": NodeKind.SCHOOL.value,
        }
    )
    return maps


@cache
def vietnamese_labels() -> dict[str, dict[str, str]]:
    """Stored value -> Vietnamese label, for the coded columns (exports and error messages)."""
    out: dict[str, dict[str, str]] = {}
    with translation.override("vi"):
        out["kind"] = {v: str(label) for v, label in NodeKind.choices if v in UNIT_KINDS}
        out["managing_authority"] = {v: str(label) for v, label in ManagingAuthority.choices}
        out["enterprise_size"] = {v: str(label) for v, label in EnterpriseSize.choices}
        out["education_level"] = {v: str(label) for v, label in EducationLevel.choices}
    return out


_TRUE = {"co", "x", "1", "true", "yes", "c", "dung"}
_FALSE = {"khong", "0", "false", "no", "k", "sai"}
_GROUPED_INT = re.compile(r"\d{1,3}(?:[.,]\d{3})+")  # "1.200" / "1,200"
_PLAIN_INT = re.compile(r"[+-]?\d+")
_INT_MAX = 2_147_483_647  # PositiveIntegerField on every backend
# C0 control characters and DEL, but tab and line breaks (a cell may hold several lines).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- Upload ----------------------------------------------------------------------------------


class ImportFileError(DomainError):
    """The file cannot be read as a spreadsheet at all; the message is for the user."""


XLSX_EXTENSIONS = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
NOT_XLSX = gettext_noop("Tệp không phải là tệp Excel (.xlsx) hợp lệ.")
CSV_NOT_TEXT = gettext_noop('Tệp .csv phải là văn bản. Trong Excel, chọn Lưu thành → "CSV UTF-8".')


def detect_format(upload: UploadedFile) -> str:
    """ "xlsx" or "csv", read by content; raises ImportFileError otherwise.

    The content decides how the file is read, but it must also agree with the name: a file named
    .xlsx that is not a workbook (a renamed text file, a web page saved by a browser) would be read
    as CSV and fail as "unknown column", which tells the user nothing. Other names (none, .txt)
    are taken for what their content is.
    """
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    extension = PurePath((upload.name or "").lower()).suffix
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Tệp Excel 97-2003 (.xls) không được hỗ trợ. Hãy lưu lại dưới dạng .xlsx."))
    if head.startswith(ZIP_MAGIC):
        if extension == ".csv":
            raise ImportFileError(_(CSV_NOT_TEXT))
        _check_xlsx(upload)
        return "xlsx"
    if extension in XLSX_EXTENSIONS:
        raise ImportFileError(_(NOT_XLSX))
    _check_csv(upload, named_csv=extension == ".csv")
    return "csv"


def _check_xlsx(upload: UploadedFile) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(_("Tệp Excel bị hỏng, không mở được.")) from exc
    finally:
        upload.seek(0)
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ImportFileError(_(NOT_XLSX))  # another zip: a Word document, an archive…
    if sum(info.file_size for info in infos) > settings.IMPORT_MAX_BYTES * MAX_EXPANSION:
        raise ImportFileError(_("Tệp Excel có nội dung giải nén quá lớn."))


def _check_csv(upload: UploadedFile, *, named_csv: bool) -> None:
    """A CSV must be UTF-8 text (Excel: "CSV UTF-8"); decoded in chunks, never whole in memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:  # no text has NUL bytes: an image, a PDF, another binary format
                raise ImportFileError(
                    _(CSV_NOT_TEXT) if named_csv else _("Tệp không phải bảng tính .xlsx hoặc .csv.")
                )
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _('Tệp CSV phải dùng bảng mã UTF-8. Trong Excel, chọn Lưu thành → "CSV UTF-8".')
        ) from exc
    finally:
        upload.seek(0)


def store_upload(upload: UploadedFile) -> str:
    """Check the upload and store it under MEDIA_ROOT/imports/; returns the storage name.

    The name is random: the user's file name is kept only as a label on the job.
    """
    size = upload.size or 0
    if size == 0:
        raise ImportFileError(_("Tệp rỗng."))
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    fmt = detect_format(upload)
    return default_storage.save(f"imports/{uuid.uuid4().hex}.{fmt}", upload)


def delete_stored_file(name: str) -> None:
    """Uploads hold contact details: drop them (and their checked rows) once a job is over."""
    if not name:
        return
    for path in (name, _checked_name(name), _preview_name(name)):
        try:
            default_storage.delete(path)
        except OSError:
            logger.warning("could not delete import file %s", path, exc_info=True)


# --- Reading ---------------------------------------------------------------------------------


@contextmanager
def open_rows(name: str, *, fast: bool = True) -> Iterator[tuple[int | None, Iterator[Sequence[Any]]]]:
    """(estimated row count or None, rows from the header on) of a stored upload.

    An .xlsx is read by calamine in a child process (core.xlsx_fast) unless `fast` is False or the
    child gives up before the first row; openpyxl's streaming reader reads it otherwise.
    """
    with default_storage.open(name, "rb") as stored:
        fh = getattr(stored, "file", stored)  # the real file object: zipfile and io want one
        if name.endswith(".xlsx"):
            yield from _xlsx_rows(fh, fast=fast)
        else:
            yield from _csv_rows(fh)


def _xlsx_rows(fh: Any, *, fast: bool) -> Iterator[tuple[int | None, Iterator[Sequence[Any]]]]:
    from openpyxl import load_workbook

    if fast:
        with fast_rows(fh) as found:
            if found is not None:
                yield found
                return
    try:
        workbook = load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ImportFileError(
            _("Không đọc được tệp Excel. Hãy mở và lưu lại bằng Excel rồi thử lại.")
        ) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("Tệp Excel không có trang tính nào."))
        sheet = workbook.worksheets[0]
        estimate = _declared_rows(sheet)
        # The declared dimension may be wrong (some tools write "A1"); reading without it never
        # drops rows. Rows then come ragged, and missing rows come as ().
        sheet.reset_dimensions()
        yield estimate, guarded_rows(sheet.iter_rows(values_only=True), _unreadable)
    finally:
        workbook.close()


def _unreadable(exc: Exception) -> ImportFileError:
    """A workbook that opened but broke while its rows were read (a damaged or cut file)."""
    logger.warning("unreadable import workbook: %r", exc)
    return ImportFileError(_("Không đọc được nội dung tệp. Hãy mở và lưu lại bằng Excel rồi thử lại."))


def _declared_rows(sheet: Any) -> int | None:
    """The last row the sheet declares (its <dimension>, before the data), for the progress bar;
    None when it declares none. openpyxl's `max_row` parses the whole sheet to find out when the
    declaration is missing (files written by openpyxl's write-only mode, some generators): a
    second full read of a 100,000-row file."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.functions import iterparse  # defusedxml's when installed, as openpyxl reads

    try:
        with sheet.parent._archive.open(sheet._worksheet_path) as source:
            for _event, element in iterparse(source, events=("start",)):
                tag = element.tag.rsplit("}", 1)[-1]
                if tag == "dimension":
                    return range_boundaries(element.get("ref", ""))[3]
                if tag == "sheetData":
                    return None
    except (AttributeError, KeyError, ValueError, TypeError):
        return None  # an unusual file: no estimate, the bar creeps instead
    return None


def _csv_rows(fh: Any) -> Iterator[tuple[int | None, Iterator[Sequence[Any]]]]:
    estimate = 0
    for chunk in iter(lambda: fh.read(1 << 20), b""):
        estimate += chunk.count(b"\n")
    fh.seek(0)
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    first = text.readline()
    text.seek(0)
    # Excel on a Vietnamese Windows writes ";" (the decimal separator there is ",").
    delimiter = ";" if first.count(";") > first.count(",") else ","
    yield estimate + 1, csv.reader(text, delimiter=delimiter)


# --- Parsing one row -------------------------------------------------------------------------


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "có" if raw else "không"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def _to_int(raw: Any) -> int | None:
    """A count: blank is None; raises ValueError unless a whole number >= 0."""
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError
        value = int(raw)
    else:
        text = _text(raw).replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        if _GROUPED_INT.fullmatch(text):
            text = text.replace(".", "").replace(",", "")
        if not _PLAIN_INT.fullmatch(text):
            raise ValueError
        value = int(text)
    if value < 0 or value > _INT_MAX:
        raise ValueError
    return value


@cache
def _max_lengths() -> dict[str, int]:
    out = {}
    for name in UNIT_FIELDS:
        max_length = getattr(OrgNode._meta.get_field(name), "max_length", None)
        if max_length:
            out[name] = max_length
    return out


class ParsedRow:
    """One data row: its spreadsheet row number, normalized values of its filled cells, errors.

    A blank cell leaves its field out of `data`, exactly like a column absent from the file: the
    field keeps its value on an existing unit and its default on a new one. So no value in `data`
    is ever None or "".
    """

    __slots__ = ("row", "data", "errors", "bad", "version")

    def __init__(self, row: int) -> None:
        self.row = row
        self.data: dict[str, Any] = {}
        self.errors: list[tuple[str, str]] = []  # (field, message)
        self.bad: set[str] = set()  # fields whose value could not be read
        # Version of the existing unit with this code when the row was checked; None: no such unit.
        self.version: int | None = None

    def error(self, name: str, message: str) -> None:
        self.errors.append((name, message))
        self.bad.add(name)


def _parse_cell(column: Column, raw: Any, row: ParsedRow) -> None:
    """Put the cell's value into `row.data`, or an error into `row`; a blank cell sets nothing."""
    name = column.field
    text = _text(raw)
    if not text:
        if column.required:
            row.error(name, _("Không được để trống."))
        return  # "no change" (see `ParsedRow`)
    control = _CONTROL.search(text)
    if control is not None:
        # A CSV can carry them (an XLSX cannot): invisible in every screen, refused by PostgreSQL
        # (NUL) and by the XLSX and DOCX writers, they would break the unit's exports and documents.
        row.error(
            name,
            _("Có ký tự điều khiển không hợp lệ (mã %(code)s) ở vị trí %(pos)s.")
            % {"code": f"U+{ord(control.group()):04X}", "pos": control.start() + 1},
        )
        return
    if column.datatype == "int":
        try:
            row.data[name] = _to_int(raw)
        except ValueError:
            row.error(name, _("Phải là số nguyên không âm (ví dụ 120)."))
        return
    if column.datatype == "bool":
        if isinstance(raw, bool):
            row.data[name] = raw
            return
        key = _key(text)
        if key in _TRUE:
            row.data[name] = True
        elif key in _FALSE:
            row.data[name] = False
        else:
            row.error(name, _('Ghi "có" hoặc "không".'))
        return
    if column.datatype in {"kind", "choice"}:
        value = vocabularies()[name].get(_key(text))
        if value is None:
            allowed = ", ".join(vietnamese_labels()[name].values())
            row.error(
                name,
                _('Giá trị "%(value)s" không hợp lệ. Chọn một trong: %(allowed)s.')
                % {"value": text[:60], "allowed": allowed},
            )
        else:
            row.data[name] = value
        return
    if name in {"code", PARENT}:
        text = text.upper()  # matched regardless of case, stored in capitals (`prepare_node`)
    limit = _max_lengths().get(name) or (40 if name == PARENT else 0)
    if limit and len(text) > limit:
        row.error(name, _("Dài quá %(n)s ký tự.") % {"n": limit})
        return
    if column.datatype == "email":
        try:
            validate_email(text)
        except ValidationError:
            row.error(name, _("Email không hợp lệ."))
            return
    row.data[name] = text


# --- The plan --------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What applying the file would do, and what is wrong with it."""

    total_rows: int = 0
    creates: list[tuple[ParsedRow, OrgNode]] = field(default_factory=list)  # (row, parent)
    updates: list[tuple[ParsedRow, OrgNode, OrgNode]] = field(default_factory=list)  # (row, unit, parent)
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    # Codes of units created or edited since the rows were checked (only with `verify_versions`).
    edited: list[str] = field(default_factory=list)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})


@dataclass
class ParsedFile:
    """The rows of a file, read and checked on their own (no database yet)."""

    plan: ImportPlan
    rows: list[ParsedRow]
    fields: frozenset[str]  # columns present in the file

    @property
    def readable(self) -> bool:
        return bool(self.fields)


ProgressFn = Callable[[int, str], None]


def _header_label(name: str) -> str:
    return COLUMN_BY_FIELD[name].header


def _layout(header: Sequence[Any], plan: ImportPlan) -> list[tuple[int, Column]]:
    """Which column index holds which field; file-level errors go to `plan` as row 1."""
    lookup = _header_lookup()
    layout: list[tuple[int, Column]] = []
    seen: set[str] = set()
    for index, raw in enumerate(header):
        text = _text(raw)
        if not text or _key(text) in _IGNORED_HEADERS:
            continue
        column = lookup.get(_key(text))
        if column is None:
            plan.add_error(1, text[:60], _("Cột không nhận diện được. Hãy dùng đúng tên cột như tệp mẫu."))
        elif column.field in seen:
            plan.add_error(1, column.header, _("Cột bị lặp lại."))
        else:
            seen.add(column.field)
            layout.append((index, column))
    for column in COLUMNS:
        if column.required and column.field not in seen:
            plan.add_error(1, column.header, _("Thiếu cột bắt buộc."))
    return layout


def read_file(name: str, *, progress: ProgressFn, start: int = 0, end: int = 60) -> ParsedFile:
    """Read and check every row of a stored upload, without touching the database."""
    try:
        return _read_file(name, progress=progress, start=start, end=end, fast=True)
    except ReaderStopped as exc:
        # The fast reader's child stopped part way (a limit, a row too long): from the start again,
        # with openpyxl.
        logger.warning("fast xlsx reader stopped (%s); reading %s again with openpyxl", exc, name)
        return _read_file(name, progress=progress, start=start, end=end, fast=False)


def _read_file(name: str, *, progress: ProgressFn, start: int, end: int, fast: bool) -> ParsedFile:
    plan = ImportPlan()
    rows: list[ParsedRow] = []
    layout: list[tuple[int, Column]] = []
    first_row: dict[str, int] = {}
    max_rows = settings.IMPORT_MAX_ROWS
    try:
        with open_rows(name, fast=fast) as (estimate, source):
            for number, cells in enumerate(source, start=1):
                if number == 1:
                    layout = _layout(cells, plan)
                    if plan.error_count:
                        return ParsedFile(plan=plan, rows=[], fields=frozenset())
                    continue
                if not any(c is not None and _text(c) for c in cells):
                    continue  # blank rows are skipped, numbering stays the spreadsheet's
                plan.total_rows += 1
                if plan.total_rows > max_rows:
                    limit = format_count(max_rows)
                    plan.add_error(
                        number,
                        "",
                        _("Tệp có quá %(n)s dòng dữ liệu; hãy chia thành nhiều tệp.") % {"n": limit},
                    )
                    return ParsedFile(plan=plan, rows=[], fields=frozenset())
                row = ParsedRow(number)
                width = len(cells)
                for index, column in layout:
                    raw = cells[index] if index < width else None
                    # Most cells of a register are empty: an empty optional cell sets nothing
                    # (`_parse_cell`), so skip the call for the hundreds of thousands of them.
                    if raw is not None or column.required:
                        _parse_cell(column, raw, row)
                code = row.data.get("code")
                if code and code.endswith(EXAMPLE_CODE_SUFFIX):
                    row.error("code", _("Dòng ví dụ của mẫu: hãy xoá hoặc thay bằng dữ liệu thật."))
                elif code:
                    if code in first_row:
                        row.error(
                            "code",
                            _("Mã %(code)s trùng với dòng %(row)s.") % {"code": code, "row": first_row[code]},
                        )
                    else:
                        first_row[code] = number
                rows.append(row)
                if plan.total_rows % PROGRESS_EVERY == 0:
                    read = format_count(plan.total_rows)
                    progress(
                        _scaled(plan.total_rows, estimate, start, end),
                        _("Đang đọc tệp: %(n)s dòng") % {"n": read},
                    )
    except ImportFileError:
        raise
    except (csv.Error, UnicodeDecodeError, zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        logger.warning("unreadable import file %s", name, exc_info=True)
        raise ImportFileError(
            _("Không đọc được nội dung tệp. Hãy mở và lưu lại bằng Excel rồi thử lại.")
        ) from exc
    if not layout:
        plan.add_error(1, "", _("Tệp không có dòng tiêu đề."))
        return ParsedFile(plan=plan, rows=[], fields=frozenset())
    if plan.total_rows == 0:
        plan.add_error(2, "", _("Tệp không có dòng dữ liệu nào."))
    return ParsedFile(plan=plan, rows=rows, fields=frozenset(c.field for _i, c in layout))


# --- Checked rows kept between the check and the write ----------------------------------------
#
# Parsing the spreadsheet is the slowest step and its outcome depends on the file alone, so the
# rows of a valid file are kept as JSON next to it. Applying re-runs every check that depends on
# the database (parents, existing codes, scope) on those rows, without parsing the file again.
# Each row carries the version of the unit it was checked against (null: a new unit), which is
# what lets applying refuse a file older than an edit; so applying needs these rows, and an import
# whose rows are lost must be checked again rather than parsed again without them.

# 1 had no versions; in 2 a blank cell was a value ("" or None) that cleared the field. In 3 a
# blank cell is left out of the row (None in the stored list: no parsed value is ever None).
CHECKED_ROWS_FORMAT = 3


def _checked_name(stored: str) -> str:
    return f"{stored}.rows.json"


def save_checked_rows(stored: str, parsed: ParsedFile) -> None:
    """Keep the rows (and the versions `check_rows` saw) of a valid file next to it."""
    fields = sorted(parsed.fields)
    payload = {
        "version": CHECKED_ROWS_FORMAT,
        "fields": fields,
        "total_rows": parsed.plan.total_rows,
        "rows": [[row.row, row.version, *(row.data.get(name) for name in fields)] for row in parsed.rows],
    }
    content = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    name = _checked_name(stored)
    # A worker that died after writing the rows leaves them behind; a new run must replace them,
    # not get a second file under an altered name (which applying would never read).
    default_storage.delete(name)
    default_storage.save(name, ContentFile(content))


def load_checked_rows(stored: str) -> ParsedFile | None:
    """The rows saved by `save_checked_rows`, or None if they are gone or in an older format."""
    name = _checked_name(stored)
    try:
        with default_storage.open(name, "rb") as fh:
            payload = json.load(fh)
    except (OSError, ValueError):
        return None
    if payload.get("version") != CHECKED_ROWS_FORMAT:
        return None
    fields = payload["fields"]
    rows = []
    for number, version, *values in payload["rows"]:
        row = ParsedRow(number)
        row.version = version
        row.data = {name: value for name, value in zip(fields, values, strict=True) if value is not None}
        rows.append(row)
    return ParsedFile(plan=ImportPlan(total_rows=payload["total_rows"]), rows=rows, fields=frozenset(fields))


# --- What the import will change, shown before the user confirms ------------------------------
#
# Updating units is what can go wrong unseen (a wrong file, a wrong column), so the user sees, for
# the first units, each field that will change and from what to what. The list is kept in a small
# file of its own next to the upload: the page reads it on every view, and the checked rows can
# weigh megabytes.


def _preview_name(stored: str) -> str:
    return f"{stored}.preview.json"


def readable_value(name: str, value: Any) -> str:
    """A unit field's value as the user reads it: Vietnamese choice labels, Có/Không, grouped numbers."""
    if value is None or value == "":
        return _("(trống)")
    column = COLUMN_BY_FIELD.get(name)
    datatype = column.datatype if column is not None else "text"
    if datatype == "bool":
        return _("Có") if value else _("Không")
    if datatype in {"kind", "choice"}:
        return vietnamese_labels()[name].get(value, str(value))
    if datatype == "int":
        return format_count(value)
    return str(value)


def update_preview(plan: ImportPlan) -> list[dict[str, Any]]:
    """The first PREVIEW_LIMIT units the plan updates: row, code, name, each change (label, old, new).

    One query for the names of the communes units move away from; the rest is in the plan.
    """
    updates = plan.updates[:PREVIEW_LIMIT]
    moved_from = {node.parent_id for _row, node, parent in updates if node.parent_id != parent.pk}
    parents: dict[int, tuple[str, str]] = {
        pk: (name, code)
        for pk, name, code in OrgNode.objects.filter(pk__in=moved_from).values_list("pk", "name", "code")
    }

    def place(name: str, code: str) -> str:
        return f"{name} ({code})"

    preview = []
    for row, node, parent in updates:
        changes = []
        if node.parent_id != parent.pk:
            old = parents.get(node.parent_id or 0)
            changes.append(
                {
                    "label": _("Đơn vị cấp trên"),
                    "old": place(*old) if old else _("(trống)"),
                    "new": place(parent.name, parent.code),
                }
            )
        for column in COLUMNS:  # the file's column order, whatever the order in the upload
            name = column.field
            if name in UPDATABLE and name in row.data and getattr(node, name) != row.data[name]:
                changes.append(
                    {
                        "label": column.header,  # the name the user sees in the file
                        "old": readable_value(name, getattr(node, name)),
                        "new": readable_value(name, row.data[name]),
                    }
                )
        preview.append({"row": row.row, "code": node.code, "name": node.name, "changes": changes})
    return preview


def save_preview(stored: str, preview: list[dict[str, Any]]) -> None:
    name = _preview_name(stored)
    default_storage.delete(name)  # left by a worker that died: replace it (see `save_checked_rows`)
    default_storage.save(name, ContentFile(json.dumps(preview, ensure_ascii=False).encode()))


def load_preview(stored: str) -> list[dict[str, Any]]:
    """The list saved by `save_preview`; empty if there is none (nothing to update) or it is gone."""
    try:
        with default_storage.open(_preview_name(stored), "rb") as fh:
            preview = json.load(fh)
    except (OSError, ValueError):
        return []
    return preview if isinstance(preview, list) else []


def _scaled(done: int, estimate: int | None, start: int, end: int) -> int:
    # Unknown length: creep towards the end without reaching it.
    share = min(1.0, done / estimate) if estimate and estimate > 1 else done / (done + 20_000)
    return start + int((end - start) * share)


# Fields an import may overwrite on an existing unit (its code identifies it; its kind is fixed).
UPDATABLE = tuple(name for name in UNIT_FIELDS if name not in {"code", "kind"})


def check_rows(
    parsed: ParsedFile,
    *,
    scope: Scope,
    lock: bool = False,
    verify_versions: bool = False,
    progress: ProgressFn | None = None,
    start: int = 60,
    end: int = 100,
) -> ImportPlan:
    """Check the rows against the database (parents, existing codes, scope) and classify them.

    Two bulk lookups whatever the file's size: every parent code, every unit code (`in_bulk`
    batches them under the backend's parameter limit). With `lock`, existing units are locked
    until the caller's transaction ends, so nobody edits them between the check and the write.

    Each row's `version` is set to that of the existing unit with its code (None: none yet). With
    `verify_versions` it is compared instead, and the codes of units created or edited since go to
    `plan.edited`: the lock protects the units from now on, the versions cover the time before.
    """
    plan = parsed.plan
    if not parsed.readable:
        return plan
    rows = parsed.rows
    parent_codes = {r.data[PARENT] for r in rows if r.data.get(PARENT)}
    codes = [r.data["code"] for r in rows if r.data.get("code")]
    parents = OrgNode.objects.only("id", "code", "kind", "path", "valid_to", "name").in_bulk(
        parent_codes, field_name="code"
    )
    units = OrgNode.objects.all()
    if lock:
        units = units.select_for_update()
    existing = _by_code(units, codes)
    if progress:
        progress(start, _("Đang đối chiếu với dữ liệu hiện có"))

    vi_kinds = vietnamese_labels()["kind"]
    total = len(rows) or 1
    for index, row in enumerate(rows, start=1):
        data = row.data
        parent = _check_parent(row, parents.get(data.get(PARENT, "")), scope)
        node = existing.get(data.get("code", ""))
        version = node.version if node is not None else None
        if not verify_versions:
            row.version = version
        elif version != row.version:
            plan.edited.append(data.get("code", ""))
        if node is not None:
            if node.kind not in UNIT_KINDS:
                row.error(
                    "code",
                    _("Mã %(code)s đã được dùng cho một đơn vị hành chính, không phải đơn vị cơ sở.")
                    % {"code": node.code},
                )
                node = None
            elif not scope.allows(Action.UNIT_IMPORT, node):
                row.error(
                    "code",
                    _("Mã %(code)s đã được dùng cho một đơn vị ngoài phạm vi bạn được nhập.")
                    % {"code": node.code},
                )
                node = None
            elif data.get("kind") and data["kind"] != node.kind:
                row.error(
                    "kind",
                    _("Không đổi được loại của đơn vị đã có (đang là %(kind)s).")
                    % {"kind": vi_kinds.get(node.kind, node.kind)},
                )
        _check_kind_details(row, node, existing_code=data.get("code", "") in existing)

        for name, message in row.errors:
            plan.add_error(row.row, _header_label(name), message)
        if not row.errors and parent is not None:
            if node is None:
                plan.creates.append((row, parent))
            elif node.parent_id != parent.pk or any(
                getattr(node, name) != value for name, value in data.items() if name in UPDATABLE
            ):
                plan.updates.append((row, node, parent))
            else:
                plan.unchanged += 1
        if progress and index % PROGRESS_EVERY == 0:
            progress(start + (end - start) * index // total, _("Đang đối chiếu với dữ liệu hiện có"))
    return plan


def _by_code(units: models.QuerySet[OrgNode], codes: list[str]) -> dict[str, OrgNode]:
    """`units.in_bulk(codes, field_name="code")`; on PostgreSQL the codes travel as one array.

    A file's 100,000 codes as 100,000 parameters of an IN list cost more to build and bind than the
    lookup itself; as one array value, unnested by the server, the same query costs a fraction.
    """
    if connection.vendor != "postgresql" or not codes:
        return units.in_bulk(codes, field_name="code")
    matching = units.filter(code__in=RawSQL("SELECT unnest(%s::varchar[])", (codes,)))
    return {unit.code: unit for unit in matching}


def _check_parent(row: ParsedRow, parent: OrgNode | None, scope: Scope) -> OrgNode | None:
    code = row.data.get(PARENT)
    if not code:
        return None
    # Not found and out of scope read the same: a file must not reveal what lies outside it.
    if parent is None or not scope.allows(Action.UNIT_IMPORT, parent):
        row.error(PARENT, _("Không tìm thấy mã %(code)s trong phạm vi bạn được nhập.") % {"code": code})
        return None
    if parent.kind not in UNIT_PARENT_KINDS:
        row.error(PARENT, _("Đơn vị cấp trên phải là xã, phường, đặc khu hoặc tỉnh."))
        return None
    if parent.valid_to is not None:
        row.error(
            PARENT, _("Đơn vị cấp trên %(code)s đã hết hiệu lực sau sắp xếp hành chính.") % {"code": code}
        )
        return None
    return parent


def _check_kind_details(row: ParsedRow, node: OrgNode | None, *, existing_code: bool) -> None:
    """Kind is required for a new unit; enterprises need a size and schools a level (TT 124)."""
    data = row.data
    kind = data.get("kind") or (node.kind if node is not None else "")
    if not kind:
        if "kind" not in row.bad and not existing_code:
            row.error(
                "kind", _("Vui lòng ghi loại đơn vị (Khu dân cư, Cơ quan, Doanh nghiệp, Cơ sở giáo dục).")
            )
        return

    def value(name: str) -> Any:
        if name in data:
            return data[name]
        return getattr(node, name) if node is not None else ""

    if kind == NodeKind.ENTERPRISE and not value("enterprise_size") and "enterprise_size" not in row.bad:
        row.error("enterprise_size", _("Doanh nghiệp phải ghi quy mô (Siêu nhỏ, Nhỏ, Vừa, Lớn)."))
    if kind == NodeKind.SCHOOL and not value("education_level") and "education_level" not in row.bad:
        row.error("education_level", _("Cơ sở giáo dục phải ghi cấp học."))


# --- Applying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplyResult:
    created: int
    updated: int
    unchanged: int


def apply_plan(
    plan: ImportPlan, *, by: User, reason: str, progress: ProgressFn, start: int = 50, end: int = 100
) -> ApplyResult:
    """Write a checked plan: bulk inserts and updates plus one audit row per change.

    Call inside a transaction (the caller's `transaction.atomic` makes it all or nothing).
    """
    now = timezone.now()
    label = OrgNode._meta.label_lower
    todo = len(plan.creates) + len(plan.updates) or 1
    done = 0

    def report() -> None:
        progress(
            start + (end - start) * done // todo,
            _("Đang ghi dữ liệu: %(done)s/%(total)s")
            % {
                "done": format_count(done),
                "total": format_count(todo),
            },
        )

    # One audit row per written unit, with the columns `audit.services.record` fills; built as
    # plain rows because 100,000 model instances cost more than writing them.
    # The columns `record` fills are exactly those the chain's hash covers.
    audit_columns = chain.FIELDS
    reason = reason[:500]

    def event(node: OrgNode, changes: dict[str, Any]) -> tuple[Any, ...]:
        return (
            by.pk,
            AuditAction.IMPORT.value,
            label,
            str(node.pk),
            str(node)[:255],
            node.path,
            changes,
            reason,
            now,
        )

    # New units: paths are reserved for every parent at once (one locking read, one counter
    # update), in file order within a parent, like `unit_create` does one at a time.
    by_parent: dict[int, list[ParsedRow]] = defaultdict(list)
    for row, parent in plan.creates:
        by_parent[parent.pk].append(row)
    paths = allocate_child_paths_many({pk: len(items) for pk, items in by_parent.items()})
    creations = [
        (pk, row, path) for pk, items in by_parent.items() for row, path in zip(items, paths[pk], strict=True)
    ]
    for offset in range(0, len(creations), WRITE_CHUNK):
        part = creations[offset : offset + WRITE_CHUNK]
        # Built while they are written (a generator): see `import_writes.insert`.
        fresh = import_writes.instances(
            OrgNode,
            (
                {"parent_id": pk, **{k: v for k, v in row.data.items() if k in UNIT_FIELDS}}
                for pk, row, _path in part
            ),
        )
        chunk = import_writes.insert(
            OrgNode,
            (prepare_node(node, path=path) for node, (_pk, _row, path) in zip(fresh, part, strict=True)),
            count=len(part),
        )
        # Blank values are left out of a creation's audit row: 100,000 rows of empty fields would
        # only bloat the log.
        import_writes.insert_rows(
            AuditEvent,
            audit_columns,
            (
                event(node, {k: [None, v] for k, v in node.snapshot().items() if v not in ("", None)})
                for node in chunk
            ),
        )
        done += len(chunk)
        report()

    # Changed units: apply the file's values, re-derive search key and eligibility; a unit moved
    # to another parent gets a fresh path there (units are leaves, so only its own path changes).
    changed: list[tuple[OrgNode, dict[str, Any]]] = []
    movers: dict[int, list[OrgNode]] = defaultdict(list)
    for row, node, parent in plan.updates:
        before = node.snapshot()
        for name, value in row.data.items():
            if name in UPDATABLE:
                setattr(node, name, value)
        if node.parent_id != parent.pk:
            node.parent = parent
            movers[parent.pk].append(node)
        else:
            prepare_node(node, path=node.path)
        node.version += 1
        node.updated_at = now
        changed.append((node, before))
    moved_paths = allocate_child_paths_many({pk: len(nodes) for pk, nodes in movers.items()})
    for pk, nodes in movers.items():
        for node, path in zip(nodes, moved_paths[pk], strict=True):
            prepare_node(node, path=path)
    update_fields = [
        *UPDATABLE,
        "parent",
        "path",
        "depth",
        "search_text",
        "exclusion_code",
        "version",
        "updated_at",
    ]
    for offset in range(0, len(changed), WRITE_CHUNK):
        pairs = changed[offset : offset + WRITE_CHUNK]
        import_writes.update(OrgNode, [node for node, _before in pairs], update_fields)
        import_writes.insert_rows(
            AuditEvent, audit_columns, (event(node, diff(before, node.snapshot())) for node, before in pairs)
        )
        done += len(pairs)
        report()

    return ApplyResult(created=len(creations), updated=len(changed), unchanged=plan.unchanged)


# --- Jobs ------------------------------------------------------------------------------------


class Progress:
    """Progress of a job in the cache (shared by the web processes and the task worker).

    Each report is stamped: the time of the last one tells a slow job from an interrupted one.
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, percent: int, phrase: str) -> None:
        django_cache.set(
            self.key,
            {
                "percent": max(0, min(100, int(percent))),
                "phrase": str(phrase),
                "at": timezone.now().timestamp(),
            },
            PROGRESS_TTL,
        )


def stale_after() -> timedelta:
    return timedelta(minutes=getattr(settings, "IMPORT_STALE_AFTER_MINUTES", DEFAULT_STALE_AFTER_MINUTES))


def _last_activity(job: ImportJob, cached: dict[str, Any] | None) -> datetime:
    """When the job last reported progress; its creation once the cache has forgotten it."""
    at = (cached or {}).get("at")
    return datetime.fromtimestamp(at, tz=UTC) if at is not None else job.created_at


def _interrupted(job: ImportJob, cached: dict[str, Any] | None) -> bool:
    return job.status in STATUSES_RUNNING and _last_activity(job, cached) < timezone.now() - stale_after()


def seems_interrupted(job: ImportJob) -> bool:
    """A running job without progress for `stale_after()`: its worker has probably died.

    The job would otherwise stay "running" forever, its files kept and its creator unable to do
    anything about it. Being wrong is harmless: a worker that was only slow finds the job
    cancelled, deletes the files and writes nothing (see `run_validation` and `run_apply`).
    """
    return _interrupted(job, django_cache.get(job.progress_key))


def job_progress(job: ImportJob) -> dict[str, Any]:
    cached = django_cache.get(job.progress_key)
    progress = cached or {"percent": 0, "phrase": _("Đang chờ xử lý")}
    if _interrupted(job, cached):
        progress = {
            **progress,
            "phrase": _(
                "Không có tiến triển trong hơn %(minutes)s phút: lần nhập có thể đã bị gián đoạn. "
                "Bạn có thể huỷ rồi tải tệp lên lại."
            )
            % {"minutes": format_count(int(stale_after().total_seconds() // 60))},
        }
    return progress


def can_cancel(job: ImportJob) -> bool:
    return job.status in STATUSES_CANCELLABLE or seems_interrupted(job)


def start_import(*, by: User, node: OrgNode, upload: UploadedFile) -> ImportJob:
    """Store the upload and create its job (the caller enqueues `validate_import` on commit)."""
    stored = store_upload(upload)
    job = ImportJob.objects.create(
        created_by=by,
        node=node,
        original_name=(upload.name or "")[:255],
        stored_file=stored,
    )
    Progress(job.progress_key)(0, _("Đang chờ xử lý"))
    return job


def confirm_import(*, job: ImportJob) -> bool:
    """READY -> APPLYING, once (a double click or a second tab does not enqueue twice)."""
    moved = ImportJob.objects.filter(pk=job.pk, status=Status.READY).update(status=Status.APPLYING)
    if moved:
        Progress(job.progress_key)(0, _("Đang chờ xử lý"))
    return bool(moved)


def cancel_import(*, job: ImportJob) -> bool:
    """Cancel a job not yet applied, or one that seems interrupted; False if it has moved on.

    Every step is a conditional update, so of a cancel and a worker finishing at the same moment
    exactly one wins, and whoever wins knows whether the files are theirs to delete.
    """
    jobs = ImportJob.objects.filter(pk=job.pk)
    cancelled = {"status": Status.CANCELLED, "finished_at": timezone.now()}
    # Only in the status judged interrupted: a job that has moved on since is no longer stuck.
    if seems_interrupted(job) and jobs.filter(status=job.status).update(**cancelled):
        delete_stored_file(job.stored_file)  # no live worker is left to do it
        return True
    if jobs.filter(status=Status.VALIDATING).update(**cancelled):
        # The worker may still be reading the upload, or about to write its rows: deleting now
        # would leave those rows behind. It deletes both once it sees the job cancelled.
        return True
    if jobs.filter(status=Status.READY).update(**cancelled):
        delete_stored_file(job.stored_file)
        return True
    return False


def _job(job_id: int, status: str) -> ImportJob | None:
    """The job if it is in `status`, else None (cancelled meanwhile, or enqueued twice)."""
    job = ImportJob.objects.select_related("created_by", "node").filter(pk=job_id).first()
    if job is None:
        return None
    if job.status == Status.CANCELLED:
        # Cancelled before its worker started: the cancel left the files to the worker.
        delete_stored_file(job.stored_file)
        return None
    return job if job.status == status else None


def _import_scope(job: ImportJob) -> Scope:
    """The creator's scope now: rights withdrawn since the upload are no longer used."""
    scope = Scope.for_user(job.created_by)
    if not scope.allows(Action.UNIT_IMPORT, job.node):
        raise DomainError(_("Bạn không còn quyền nhập đơn vị tại %(node)s.") % {"node": job.node.name})
    return scope


GENERIC_FAILURE = gettext_noop(
    "Có lỗi khi xử lý tệp; không có dữ liệu nào được ghi. Vui lòng thử lại hoặc báo quản trị hệ thống."
)


def run_validation(*, job_id: int) -> None:
    """Task body: read and check the file; the job becomes READY or INVALID (or FAILED)."""
    job = _job(job_id, Status.VALIDATING)
    if job is None:
        return
    progress = Progress(job.progress_key)
    current = ImportJob.objects.filter(pk=job.pk, status=Status.VALIDATING)
    try:
        scope = _import_scope(job)
        try:
            parsed = read_file(job.stored_file, progress=progress, start=0, end=70)
        except ImportFileError as exc:
            parsed = ParsedFile(plan=ImportPlan(), rows=[], fields=frozenset())
            parsed.plan.add_error(1, "", str(exc))
        plan = check_rows(parsed, scope=scope, progress=progress, start=70, end=100)
        valid = plan.error_count == 0
        if valid:
            # Applying needs these rows: they carry the versions that protect later edits.
            save_checked_rows(job.stored_file, parsed)
            if plan.updates:
                save_preview(job.stored_file, update_preview(plan))
    except DomainError as exc:
        _fail(current, job, str(exc))
        return
    except Exception:
        logger.exception("import %s: validation failed", job.pk)
        _fail(current, job, _(GENERIC_FAILURE))
        return
    # The conditional update is the re-check of the status: if the user cancelled meanwhile it
    # changes nothing, and the files (the rows just written included) are this worker's to delete.
    moved = current.update(
        status=Status.READY if valid else Status.INVALID,
        total_rows=plan.total_rows,
        to_create=len(plan.creates),
        to_update=len(plan.updates),
        unchanged=plan.unchanged,
        errors=plan.errors,
        error_count=plan.error_count,
        finished_at=None if valid else timezone.now(),
    )
    if not moved or not valid:
        delete_stored_file(job.stored_file)
    progress(100, _("Đã kiểm tra xong"))


class _NoLongerValid(Exception):
    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("file no longer valid")
        self.plan = plan


class _EditedSinceCheck(Exception):
    def __init__(self, codes: list[str]) -> None:
        super().__init__("units edited since the check")
        self.codes = codes


class _CancelledMeanwhile(Exception):
    """The job was cancelled as interrupted while this worker was writing: roll back."""


def _code_list(codes: Sequence[str]) -> str:
    """ "A, B, C" or "A, B, … và 12 đơn vị khác": a message must stay readable."""
    named = ", ".join(codes[:MAX_NAMED_CODES])
    rest = len(codes) - MAX_NAMED_CODES
    if rest <= 0:
        return named
    return _("%(codes)s và %(n)s đơn vị khác") % {"codes": named, "n": format_count(rest)}


def run_apply(*, job_id: int) -> None:
    """Task body: re-check the checked rows against the database as it is now and write them, all or
    nothing; refuse if a unit was created or edited since the check."""
    job = _job(job_id, Status.APPLYING)
    if job is None:
        return
    progress = Progress(job.progress_key)
    current = ImportJob.objects.filter(pk=job.pk, status=Status.APPLYING)
    try:
        scope = _import_scope(job)
        parsed = load_checked_rows(job.stored_file)
        if parsed is None:
            # Parsing the file again would lose the versions, hence the protection of later edits.
            raise DomainError(
                _(
                    "Không còn dữ liệu đã kiểm tra của tệp này; không có dữ liệu nào được ghi. "
                    "Vui lòng tải tệp lên lại để kiểm tra lại."
                )
            )
        with transaction.atomic():
            plan = check_rows(
                parsed, scope=scope, lock=True, verify_versions=True, progress=progress, start=0, end=10
            )
            if plan.edited:
                raise _EditedSinceCheck(plan.edited)
            if plan.error_count:
                raise _NoLongerValid(plan)
            result = apply_plan(
                plan,
                by=job.created_by,
                progress=progress,
                start=10,
                end=100,
                reason=_("Nhập từ tệp %(name)s") % {"name": job.original_name},
            )
            finished = current.update(
                status=Status.DONE,
                total_rows=plan.total_rows,
                to_create=result.created,
                to_update=result.updated,
                unchanged=result.unchanged,
                errors=[],
                error_count=0,
                finished_at=timezone.now(),
                failure="",
            )
            if not finished:
                # Its creator cancelled the job, judging it interrupted, and was told that nothing
                # was written: make it so.
                raise _CancelledMeanwhile
    except _EditedSinceCheck as exc:
        current.update(
            status=Status.FAILED,
            errors=[],
            error_count=0,
            finished_at=timezone.now(),
            failure=_(
                "Đơn vị %(codes)s đã được thêm hoặc sửa sau khi kiểm tra tệp; không có dữ liệu nào "
                "được ghi. Vui lòng tải tệp lên lại để kiểm tra lại."
            )
            % {"codes": _code_list(exc.codes)},
        )
    except _NoLongerValid as exc:
        current.update(
            status=Status.FAILED,
            errors=exc.plan.errors,
            error_count=exc.plan.error_count,
            finished_at=timezone.now(),
            failure=_(
                "Dữ liệu đã thay đổi kể từ lúc kiểm tra nên tệp không còn hợp lệ; "
                "không có dữ liệu nào được ghi. Xem các lỗi bên dưới."
            ),
        )
    except _CancelledMeanwhile:
        logger.warning("import %s: cancelled while being applied; nothing written", job.pk)
    except DomainError as exc:
        _fail(current, job, str(exc))
    except Exception:
        logger.exception("import %s: apply failed", job.pk)
        _fail(current, job, _(GENERIC_FAILURE))
    else:
        logger.info(
            "import %s: %s created, %s updated, %s unchanged",
            job.pk,
            result.created,
            result.updated,
            result.unchanged,
        )
    finally:
        delete_stored_file(job.stored_file)
        progress(100, _("Đã xong"))


def _fail(current: models.QuerySet[ImportJob], job: ImportJob, message: str) -> None:
    current.update(status=Status.FAILED, failure=message, finished_at=timezone.now())
    delete_stored_file(job.stored_file)

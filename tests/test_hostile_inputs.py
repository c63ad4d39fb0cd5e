"""Hostile files fed to every importer, and hostile JSON to `antq evaluate`, the way users send them.

Each importer is driven through its real upload path (the view, with the task queue run at commit):
the unit import (XLSX and CSV), the QĐ 510 score-sheet import, the attendance-list import, and the
evaluation command (and the engine's own CLI). The inputs are random bytes, real files cut at random
offsets or with bytes overwritten, zip bombs and sheets declaring a million rows, wrong sheets and
headers, formula cells, very long strings, control characters and NUL bytes, CSV in other encodings
or with another delimiter, and JSON with wrong types, deep nesting and huge numbers.

Every one must be refused with a Vietnamese message that names the row and column, or the file's
problem: never a traceback, a 500, or the "unexpected error" fallback; and nothing is written (the
affected tables and the audit log keep their row counts). A file that is still valid after a mutation
(a byte flipped in a timestamp) may be accepted for confirmation, which writes nothing either.

The examples are deterministic (`derandomize=True`) and few; the module prints how many it tried.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.criteria import loader
from antq.criteria.engine.cli import main as engine_main
from antq.criteria.models import Framework, FrameworkVersion
from antq.criteria.sheet_import import HEADERS as SHEET_HEADERS
from antq.org.models import OrgNode
from antq.outreach import services as outreach_services
from antq.outreach.models import Attendance, Participant
from antq.units import importing
from antq.units.models import ImportJob
from tests.conftest import Tree
from tests.criteria.helpers import full_scores, passing_facts
from tests.outreach.conftest import session_data

settings.register_profile(
    "hostile",
    # A deeper run, outside the test suite: ANTQ_HOSTILE_EXAMPLES=500 pytest tests/test_hostile_inputs.py
    max_examples=int(os.environ.get("ANTQ_HOSTILE_EXAMPLES", "12")),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the database is checked unchanged after each example
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
HOSTILE = settings.get_profile("hostile")
EXAMPLES: Counter[str] = Counter()
CODES = itertools.count(100)

Status = ImportJob.Status
# At least one letter only Vietnamese writes: the message is for the user, in Vietnamese.
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def assert_vietnamese(message: str) -> None:
    assert message.strip(), "an empty message tells the user nothing"
    assert _VIETNAMESE.search(message), message
    assert "Traceback" not in message and "Error" not in message, message


@pytest.fixture(autouse=True)
def _report_examples(request: pytest.FixtureRequest) -> Iterator[None]:
    """Record how many examples each test tried; the run's summary prints them (tests/matrix.py)."""
    before = dict(EXAMPLES)
    yield
    tried = {name: n - before.get(name, 0) for name, n in EXAMPLES.items() if n != before.get(name, 0)}
    if tried:
        detail = ", ".join(f"{name}: {n}" for name, n in sorted(tried.items()))
        request.node.user_properties.append(("count", f"hostile inputs, {request.node.name}: {detail}"))


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Files ------------------------------------------------------------------------------------


def workbook_bytes(rows: list[list[Any]], *, title: str = "Sheet1", write_only: bool = False) -> bytes:
    workbook = Workbook(write_only=write_only)
    if write_only:
        sheet = workbook.create_sheet(title)
    else:
        sheet = workbook.active
        assert sheet is not None
        sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[Any]], *, delimiter: str = ",", encoding: str = "utf-8-sig") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return text.getvalue().encode(encoding)


UNIT_HEADER = ["Mã", "Tên", "Loại", "Mã đơn vị cấp trên", "Số hộ / số người"]
UNIT_ROWS = [
    ["X21583-KDC50", "Tổ dân phố 50", "Khu dân cư", "X21583", 120],
    ["X21583-KDC51", "Tổ dân phố 51", "Khu dân cư", "X21583", 80],
]
UNIT_XLSX = workbook_bytes([UNIT_HEADER, *UNIT_ROWS])
UNIT_CSV = csv_bytes([UNIT_HEADER, *UNIT_ROWS])
PEOPLE_HEADER = ["STT", "Họ và tên", "Số CCCD / Mã nhân viên", "Bộ phận / Lớp / Tổ", "Năm sinh"]
PEOPLE_ROWS = [
    [1, "Nguyễn Văn An", "052000000001", "Tổ 1", 1980],
    [2, "Lê Thị Bình", "052000000002", "Tổ 2", 1990],
]
PEOPLE_XLSX = workbook_bytes([PEOPLE_HEADER, *PEOPLE_ROWS])
SHEET_ROWS = [["1", None, "Có kế hoạch", 40], ["2", None, "Phối hợp", 60]]
SHEET_XLSX = workbook_bytes([list(SHEET_HEADERS), *SHEET_ROWS])


def zip_bomb(inner: int = 3 * 1024 * 1024) -> bytes:
    """A real workbook whose sheet XML is padded with `inner` bytes of blanks (compresses ~1000:1)."""
    source = zipfile.ZipFile(io.BytesIO(UNIT_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * inner, 1)
            bomb.writestr(info.filename, data)
    return out.getvalue()


def huge_dimension(base: bytes) -> bytes:
    """The workbook declaring a sheet of 1,048,576 rows × 16,384 columns (with a few real cells)."""
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as forged:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
                if b"<dimension" not in data:
                    data = data.replace(b"<sheetData", b'<dimension ref="A1:XFD1048576"/><sheetData', 1)
            forged.writestr(info.filename, data)
    return out.getvalue()


def truncated(valid: bytes) -> st.SearchStrategy[bytes]:
    return st.integers(min_value=1, max_value=len(valid) - 1).map(lambda n: valid[:n])


def overwritten(valid: bytes) -> st.SearchStrategy[bytes]:
    """The file with a few bytes replaced at random offsets."""

    def apply(changes: list[tuple[int, int]]) -> bytes:
        data = bytearray(valid)
        for offset, value in changes:
            data[offset] = value
        return bytes(data)

    change = st.tuples(st.integers(min_value=0, max_value=len(valid) - 1), st.integers(0, 255))
    return st.lists(change, min_size=1, max_size=6).map(apply)


# Text openpyxl can write (no C0 control characters, no lone surrogates).
cell_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
HOSTILE_STRINGS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "x" * 300,
    "Tổ " + "ệ" * 5000,
    "\u202eexe.pdf",
    "'; DROP TABLE org_orgnode; --",
    "%(n)s {0} $name",
]
hostile_text = st.one_of(st.sampled_from(HOSTILE_STRINGS), cell_text)
# What a CSV can carry and an XLSX cannot: C0 controls (NUL included), lone surrogates excluded.
csv_text = st.one_of(
    hostile_text,
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(["Tổ\x00 1", "Tổ\x01", "\x1b[31mđỏ", "a\x7fb", "\ufeffTổ 2", "Tổ\r\n3"]),
)


# --- Unit import (XLSX and CSV) -----------------------------------------------------------------


def unit_counts() -> tuple[int, int]:
    return OrgNode.objects.count(), AuditEvent.objects.count()


def import_units(
    client: Any, capture: Any, content: bytes, name: str, *, may_pass: bool = False, confirm: bool = False
) -> ImportJob | None:
    """Post `content` to the unit import as a user does; assert it is refused cleanly (or, with
    `may_pass`, accepted for confirmation) and that nothing was written. Returns the job, if any."""
    before = unit_counts()
    with capture(execute=True):
        response = client.post(reverse("units:import"), {"file": SimpleUploadedFile(name, content)})
    assert unit_counts() == before
    if response.status_code == 200:  # refused at upload, on the file field
        errors = response.context["form"].errors["file"]
        assert errors
        for message in errors:
            assert_vietnamese(message)
        return None
    assert response.status_code == 302, response.status_code
    job = ImportJob.objects.latest("pk")
    if job.status == Status.READY and may_pass:
        if not confirm:
            importing.cancel_import(job=job)
            return job
        with capture(execute=True):
            client.post(reverse("units:import_confirm", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == Status.DONE, (job.failure, job.errors)
        return job
    assert job.status in (Status.INVALID, Status.FAILED), (job.status, job.errors, job.failure)
    assert job.failure != importing.GENERIC_FAILURE, "an unexpected exception was hidden"
    if job.status == Status.FAILED:
        assert_vietnamese(job.failure)
    else:
        assert job.errors
        for error in job.errors:
            assert isinstance(error["row"], int) and error["row"] >= 1
            assert_vietnamese(error["message"])
    page = client.get(reverse("units:import_detail", args=[job.pk]))
    assert page.status_code == 200
    return job


@pytest.fixture
def unit_importer(
    client: Any, tree: Tree, commune_police: Any, django_capture_on_commit_callbacks: Any
) -> Callable[..., ImportJob | None]:
    client.force_login(commune_police)

    def run(content: bytes, name: str, **kwargs: Any) -> ImportJob | None:
        return import_units(client, django_capture_on_commit_callbacks, content, name, **kwargs)

    return run


@HOSTILE
@given(content=st.binary(min_size=1, max_size=4096), name=st.sampled_from(["a.xlsx", "a.csv", "a.txt", "a"]))
def test_unit_import_refuses_random_bytes(unit_importer, content, name):
    EXAMPLES["units: random bytes"] += 1
    unit_importer(content, name, may_pass=True)  # random ASCII is a CSV: refused for its header


@HOSTILE
@given(content=st.one_of(truncated(UNIT_XLSX), overwritten(UNIT_XLSX)))
def test_unit_import_refuses_a_cut_or_damaged_workbook(unit_importer, content):
    EXAMPLES["units: damaged xlsx"] += 1
    unit_importer(content, "don-vi.xlsx", may_pass=True)


@HOSTILE
@given(content=st.one_of(truncated(UNIT_CSV), overwritten(UNIT_CSV)))
def test_unit_import_refuses_a_cut_or_damaged_csv(unit_importer, content):
    EXAMPLES["units: damaged csv"] += 1
    unit_importer(content, "don-vi.csv", may_pass=True)


@HOSTILE
@given(
    headers=st.lists(cell_text, min_size=1, max_size=6),
    title=st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=20),
    extra_sheet_first=st.booleans(),
)
def test_unit_import_names_wrong_headers_whatever_the_sheet(unit_importer, headers, title, extra_sheet_first):
    EXAMPLES["units: wrong headers"] += 1
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(headers)
    sheet.append(["X21583-KDC60", "Tổ 60", "Khu dân cư", "X21583"])
    if extra_sheet_first:  # the real table on a second sheet: only the first is read
        other = workbook.create_sheet("Don vi", 0)
        other.append(["Ghi chú"])
    out = io.BytesIO()
    workbook.save(out)
    job = unit_importer(out.getvalue(), "don-vi.xlsx")
    assert job is not None and job.status == Status.INVALID
    assert all(error["row"] == 1 for error in job.errors)


def test_unit_import_refuses_a_zip_bomb_and_a_forged_dimension(unit_importer, settings):
    settings.IMPORT_MAX_BYTES = 100 * 1024  # 2 MB of expansion allowed instead of 1 GB
    unit_importer(zip_bomb(), "bom.xlsx")
    job = unit_importer(huge_dimension(workbook_bytes([["Tên lạ"], ["x"]])), "lon.xlsx")
    assert job is not None and job.errors[0]["row"] == 1
    EXAMPLES["units: bombs"] += 2


@HOSTILE
@given(
    name=csv_text,
    people=st.one_of(st.integers(-(10**30), 10**30), hostile_text),
    kind=hostile_text,
    fmt=st.sampled_from(["xlsx", "csv", "csv;"]),
    formula=st.booleans(),
)
def test_unit_import_cells_are_refused_by_row_and_column_or_stored_literally(
    unit_importer, name, people, kind, fmt, formula
):
    EXAMPLES["units: hostile cells"] += 1
    header = ["Mã", "Tên", "Loại", "Mã đơn vị cấp trên", "Số hộ / số người"]
    code = f"X21583-KDC{next(CODES)}"  # the audit log is append-only: each valid example adds a unit
    row = [code, name, kind if kind else "Khu dân cư", "X21583", people]
    if fmt == "xlsx":
        if formula:
            row[1] = '=HYPERLINK("http://x","y")'  # a formula cell: no cached value, read as blank
        try:
            content = workbook_bytes([header, row])
        except IllegalCharacterError:  # openpyxl refuses control characters in XLSX: a CSV can carry them
            content = csv_bytes([header, row])
            fmt = "csv"
    else:
        content = csv_bytes([header, row], delimiter=";" if fmt == "csv;" else ",")
    job = unit_importer(content, f"don-vi.{fmt[:3]}", may_pass=True, confirm=True)
    if job is None:  # refused at upload (a NUL byte: not a text file), the message checked
        assert any("\x00" in str(value) for value in row)
    elif job.status == Status.INVALID:
        assert {e["column"] for e in job.errors} <= {"Tên", "Loại", "Số hộ / số người"}
        assert all(e["row"] == 2 for e in job.errors)
    else:  # valid: confirmed, and the name stored exactly as sent
        assert OrgNode.objects.get(code=code).name == name.strip()


@HOSTILE
@given(
    encoding=st.sampled_from(["utf-16", "utf-32", "latin-1", "cp1258", "utf-8", "utf-8-sig"]),
    delimiter=st.sampled_from([",", ";", "\t", "|", " "]),
    text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
)
def test_unit_import_refuses_csv_in_another_encoding_or_delimiter(unit_importer, encoding, delimiter, text):
    EXAMPLES["units: csv encodings"] += 1
    rows = [UNIT_HEADER, ["X21583-KDC80", f"Tổ {text}", "Khu dân cư", "X21583", 5]]
    try:
        content = csv_bytes(rows, delimiter=delimiter, encoding=encoding)
    except UnicodeEncodeError:
        content = csv_bytes(rows, delimiter=delimiter, encoding="utf-8") + "Tô".encode("latin-1")
    unit_importer(content, "don-vi.csv", may_pass=delimiter in ",;" and encoding.startswith("utf-8"))


# --- QĐ 510 score-sheet import ------------------------------------------------------------------


@pytest.fixture
def sheet_importer(client: Any, tree: Tree, admin: Any) -> Callable[[bytes], list[str]]:
    loader.apply(loader.read_files())
    client.force_login(admin)

    def run(content: bytes, *, may_pass: bool = False) -> list[str]:
        before = (Framework.objects.count(), FrameworkVersion.objects.count(), AuditEvent.objects.count())
        upload = SimpleUploadedFile("bang.xlsx", content)
        response = client.post(
            reverse("criteria:import"),
            {
                "file": upload,
                "unit_type": "residential_area",
                "destination": str(tree.province.pk),
                "label": f"2025.{next(CODES)}",  # a file still valid after a mutation is imported
                "title": "Bảng chấm điểm khu dân cư",
                "effective_from": "2025-01-01",
            },
        )
        if response.status_code == 302 and may_pass:
            return []
        after = (Framework.objects.count(), FrameworkVersion.objects.count(), AuditEvent.objects.count())
        assert response.status_code == 200, response.status_code
        assert after == before
        form_errors = response.context["form"].errors
        messages = [str(p) for p in response.context["problems"]] + [
            e for v in form_errors.values() for e in v
        ]
        assert messages
        for message in messages:
            assert_vietnamese(message)
        return messages

    return run


@HOSTILE
@given(
    content=st.one_of(st.binary(min_size=1, max_size=2048), truncated(SHEET_XLSX), overwritten(SHEET_XLSX))
)
def test_sheet_import_refuses_random_cut_or_damaged_files(sheet_importer, content):
    EXAMPLES["sheet: damaged"] += 1
    sheet_importer(content, may_pass=True)


@HOSTILE
@given(
    rows=st.lists(
        st.lists(
            st.one_of(st.none(), hostile_text, st.integers(-(10**20), 10**20), st.floats()),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=8,
    ),
    header=st.one_of(st.just(list(SHEET_HEADERS)), st.lists(cell_text, max_size=5)),
)
def test_sheet_import_lists_bad_rows_of_hostile_tables(sheet_importer, rows, header):
    EXAMPLES["sheet: hostile rows"] += 1
    # A blank cell in the points column of every row makes each table invalid, whatever else it holds.
    table = [[*(row + [None] * 4)[:3], "mười"] for row in rows]
    sheet_importer(workbook_bytes([header, *table]))


def test_sheet_import_refuses_a_zip_bomb_and_a_forged_dimension(sheet_importer):
    (message,) = sheet_importer(zip_bomb(48 * 1024 * 1024))
    assert "giải nén quá lớn" in message
    table = [list(SHEET_HEADERS), ["1", None, "Có kế hoạch", "mười"]]
    messages = sheet_importer(huge_dimension(workbook_bytes(table)))
    assert all(message.startswith("Dòng 2:") for message in messages)
    EXAMPLES["sheet: bombs"] += 2


# --- Attendance list import ---------------------------------------------------------------------


@pytest.fixture
def attendance_importer(client: Any, tree: Tree, unit_officer: Any) -> Callable[..., list[str]]:
    session = outreach_services.session_create(
        by=unit_officer, scope=Scope.for_user(unit_officer), node=tree.unit, data=session_data()
    )
    client.force_login(unit_officer)

    def run(content: bytes, *, may_pass: bool = False) -> list[str]:
        before = (Participant.objects.count(), Attendance.objects.count(), AuditEvent.objects.count())
        response = client.post(
            reverse("outreach:import", args=[session.pk]), {"file": SimpleUploadedFile("ds.xlsx", content)}
        )
        after = (Participant.objects.count(), Attendance.objects.count(), AuditEvent.objects.count())
        assert response.status_code == 200, response.status_code
        assert after == before
        checked = response.context.get("checked")
        messages = list(response.context["form"].errors.get("file", []))
        if checked is not None:
            for error in checked.errors:
                assert error.row >= 1 and error.column
                messages.append(error.message)
            if checked.valid:
                assert may_pass
                return []
        assert messages
        for message in messages:
            assert_vietnamese(message)
        return messages

    return run


@HOSTILE
@given(
    content=st.one_of(st.binary(min_size=1, max_size=2048), truncated(PEOPLE_XLSX), overwritten(PEOPLE_XLSX))
)
def test_attendance_import_refuses_random_cut_or_damaged_files(attendance_importer, content):
    EXAMPLES["attendance: damaged"] += 1
    attendance_importer(content, may_pass=True)


@HOSTILE
@given(
    name=hostile_text,
    identifier=st.one_of(hostile_text, st.integers(-(10**25), 10**25), st.floats()),
    year=st.one_of(st.none(), hostile_text, st.integers(-(10**25), 10**25), st.floats(), st.dates()),
    header=st.one_of(st.just(PEOPLE_HEADER), st.lists(cell_text, max_size=5)),
)
def test_attendance_import_cells_are_refused_by_row_and_column(
    attendance_importer, name, identifier, year, header
):
    EXAMPLES["attendance: hostile cells"] += 1
    content = workbook_bytes([header, [1, name, identifier, "Tổ 1", year], [2, "", "", "", ""]])
    attendance_importer(content, may_pass=True)


def test_attendance_import_refuses_a_zip_bomb_and_a_forged_dimension(attendance_importer, settings):
    settings.OUTREACH_IMPORT_MAX_BYTES = 100 * 1024
    attendance_importer(zip_bomb())
    attendance_importer(huge_dimension(workbook_bytes([["Tên lạ"], ["x"]])))
    EXAMPLES["attendance: bombs"] += 2


# --- antq evaluate ------------------------------------------------------------------------------

FACTS = {**passing_facts("agency", 2024), "scores": full_scores()}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


FACT_PATHS = list(_paths(FACTS))
MARK = "@@hostile@@"
RAW_VALUES = [
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "9" * 5000,
    "-" + "9" * 400,
    "[" * 3000 + "]" * 3000,
    '{"a":' * 3000 + "1" + "}" * 3000,
    "[" * 200 + "]" * 200,
    '"\\u0000"',
    '"\\ud800"',
    json.dumps("x" * 100_000),
    "1.5",
    "-1",
    "0",
    "true",
    "null",
    "{}",
    "[]",
    '""',
    json.dumps("<script>alert(1)</script>"),
]


def hostile_document(path: tuple[Any, ...], raw: str, key: str | None) -> str:
    """The valid fact sheet with the value at `path` replaced by the raw JSON `raw`, or (`key`)
    with an unknown key added beside it."""
    document = json.loads(json.dumps(FACTS))
    if not path:
        return raw
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if key is not None and isinstance(parent, dict):
        parent[key] = MARK
    else:
        parent[path[-1]] = MARK
    return json.dumps(document, ensure_ascii=False).replace(json.dumps(MARK), raw, 1)


json_documents = st.one_of(
    st.builds(
        hostile_document,
        st.sampled_from(FACT_PATHS),
        st.one_of(
            st.sampled_from(RAW_VALUES), st.from_type(int).map(str), st.text(max_size=20).map(json.dumps)
        ),
        st.one_of(st.none(), st.text(max_size=10)),
    ),
    st.text(max_size=200),
)
json_bytes = st.one_of(
    json_documents.map(lambda text: text.encode("utf-8", "surrogatepass")),
    json_documents.map(lambda text: "\ufeff".encode() + text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=300),
    st.sampled_from(
        [
            json.dumps(FACTS).encode("utf-16"),
            json.dumps(FACTS, ensure_ascii=False).encode("cp1258", "replace"),
        ]
    ),
)


@pytest.fixture
def national(db: None) -> None:
    loader.apply(loader.read_files())


@HOSTILE
@given(content=json_bytes, province=st.sampled_from([None, "T52", "t52", "X\x00", "x" * 300]))
def test_evaluate_command_refuses_hostile_json_in_vietnamese(national, tree, tmp_path, content, province):
    EXAMPLES["evaluate: command"] += 1
    path = tmp_path / "phieu.json"
    path.write_bytes(content)
    args = [str(path)] + (["--province", province] if province else [])
    events = AuditEvent.objects.count()
    out = io.StringIO()
    try:
        call_command("evaluate", *args, stdout=out)
    except CommandError as exc:
        assert_vietnamese(str(exc))
    else:
        result = json.loads(out.getvalue())  # strict JSON: no NaN or Infinity slipped through
        assert "tt124" in result or "qd510" in result
    assert AuditEvent.objects.count() == events


@HOSTILE
@given(content=json_documents)
def test_engine_cli_refuses_hostile_json_in_vietnamese(content):
    EXAMPLES["evaluate: engine cli"] += 1
    out, err = io.StringIO(), io.StringIO()
    code = engine_main(["-"], stdin=io.StringIO(content), stdout=out, stderr=err)
    if code == 0:
        json.loads(out.getvalue())
    else:
        assert code in (1, 2)
        assert_vietnamese(err.getvalue())


def test_the_engine_cli_names_a_missing_or_undecodable_file(tmp_path):
    err = io.StringIO()
    assert engine_main([str(tmp_path / "khong-co.json")], stdout=io.StringIO(), stderr=err) == 2
    assert "Không đọc được tệp" in err.getvalue()
    bad = tmp_path / "sai.json"
    bad.write_bytes(b'{"year": "\xff"}')
    err = io.StringIO()
    assert engine_main([str(bad)], stdout=io.StringIO(), stderr=err) == 1
    assert "không phải văn bản UTF-8 (byte thứ 11" in err.getvalue()
    EXAMPLES["evaluate: files"] += 2


def test_a_list_or_object_as_unit_type_is_refused_not_crashed(national, tree, tmp_path):
    """Found by the examples above: the engine looked the type up in a set before checking it."""
    for value in ([], {"a": 1}):
        document = hostile_document(("unit", "type"), json.dumps(value), None)
        err = io.StringIO()
        assert engine_main(["-"], stdin=io.StringIO(document), stdout=io.StringIO(), stderr=err) == 1
        assert_vietnamese(err.getvalue())
        path = tmp_path / "phieu.json"
        path.write_text(document, encoding="utf-8")
        with pytest.raises(CommandError) as refused:
            call_command("evaluate", str(path), stdout=io.StringIO())
        assert_vietnamese(str(refused.value))
        EXAMPLES["evaluate: files"] += 2

"""HTML and formula injection: a name that is markup or a formula is shown, exported and printed as text.

A unit's name, address or contact can hold anything an officer (or an imported file, or an API
client) typed. It must come out escaped in the pages, as a text cell (never a formula) in every XLSX,
and as literal text in the DOCX and PDF documents, with no field, hyperlink or extra element.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from antq.core.xlsx import FORMULA_START, write_table
from antq.decisions import services
from antq.decisions.choices import DecisionKind
from tests import factories as f
from tests.conftest import Tree
from tests.decisions.helpers import assessment_row, cycle_row, issue, scope

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HYPERLINK = '=HYPERLINK("http://x","y")'
CMD = "+cmd|' /C calc'!A0"
AT = "@SUM(1)"
MINUS = "-1+1"
HOSTILE = [SCRIPT, IMG, HYPERLINK, CMD, AT, MINUS]
# Each name is unique (the registry sorts by it) and still starts with the hostile text.
NAMES = [f"{text} KDC{i}" for i, text in enumerate(HOSTILE)]


@pytest.fixture
def hostile_units(tree: Tree) -> list[Any]:
    return [
        f.unit(
            tree.commune,
            name,
            f"X21583-KDC9{i}",
            address=HOSTILE[(i + 1) % len(HOSTILE)],
            contact_name=HOSTILE[(i + 2) % len(HOSTILE)],
        )
        for i, name in enumerate(NAMES)
    ]


# --- Pages ---------------------------------------------------------------------------------------


def assert_escaped(body: str, text: str) -> None:
    assert text not in body, f"raw {text!r} in the page"
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    escaped_alt = escaped.replace("&quot;", "&#x27;").replace("'", "&#x27;")
    assert escaped.replace("'", "&#x27;") in body or escaped_alt in body, f"{text!r} not shown escaped"


def test_unit_list_and_detail_show_markup_as_text(client, tree, hostile_units, commune_police):
    client.force_login(commune_police)
    listing = client.get(reverse("units:list")).content.decode()
    for unit in hostile_units[:2]:
        assert_escaped(listing, unit.name)
    for unit in hostile_units[:2]:
        detail = client.get(reverse("units:detail", args=[unit.pk])).content.decode()
        assert_escaped(detail, unit.name)
        assert "<script>alert(1)" not in detail and "<img src=x" not in detail
    # The address and contact of another unit carry the markup too.
    detail = client.get(reverse("units:detail", args=[hostile_units[5].pk])).content.decode()
    assert "<script>alert(1)" not in detail and "<img src=x" not in detail
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail


# --- XLSX ----------------------------------------------------------------------------------------


def cells_by_value(content: bytes) -> dict[Any, Any]:
    workbook = load_workbook(io.BytesIO(content))  # not read-only: the cell styles are read too
    return {cell.value: cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}


def assert_text_cell(cell: Any, text: str) -> None:
    assert cell.value == text
    assert cell.data_type == "s", (text, cell.data_type)  # "f" would be a formula
    if text.startswith(FORMULA_START):
        assert cell.quotePrefix, f"{text!r} has no quote prefix"


def test_the_unit_export_writes_formulas_as_quoted_text(client, tree, hostile_units, commune_police):
    client.force_login(commune_police)
    response = client.get(reverse("units:export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    cells = cells_by_value(content)
    for name in NAMES:
        assert_text_cell(cells[name], name)
    for text in HOSTILE:
        assert_text_cell(cells[text], text)  # addresses and contacts
    # No formula anywhere in the sheet's XML.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)


def test_a_control_character_in_a_name_does_not_break_the_export(client, tree, commune_police):
    f.unit(tree.commune, "Tổ\x01 dân\x1b phố 9", "X21583-KDC99")  # a form or the API let it through
    client.force_login(commune_police)
    response = client.get(reverse("units:export"))
    assert response.status_code == 200
    cells = cells_by_value(b"".join(response.streaming_content))
    assert "Tổ dân phố 9" in cells


def test_write_table_keeps_hostile_headers_and_values_as_text():
    content = write_table("=Bảng", [HYPERLINK, "Tên", CMD], [[SCRIPT, AT, MINUS], [1, "\t=1+1", "a\x00b"]])
    cells = cells_by_value(content)
    for text in (HYPERLINK, CMD, SCRIPT, AT, MINUS, "\t=1+1"):
        assert_text_cell(cells[text], text)
    assert cells["ab"].data_type == "s"  # the NUL dropped, the rest kept
    assert cells[1].data_type == "n"  # numbers stay numbers


# Every module that builds a workbook, and why it is safe. A new writer must go through
# `core.xlsx` (`write_table`, `safe_cell`) or be added here with its reason.
XLSX_WRITERS = {
    "antq/core/xlsx.py": "safe_cell on every text cell and header",
    "antq/units/exporting.py": "safe_cell on every exported value",
    "antq/criteria/sheet_import.py": "the template: constant texts only",
    "antq/outreach/importing.py": "the template: constant texts only",
    "antq/benchmarks/operations.py": "synthetic benchmark data, never served",
}


def test_every_xlsx_writer_is_known_and_formula_safe():
    root = Path(__file__).resolve().parent.parent
    writers = {
        path.relative_to(root).as_posix()
        for path in (root / "antq").rglob("*.py")
        if re.search(r"\bWorkbook\(", path.read_text(encoding="utf-8"))
    }
    assert writers == set(XLSX_WRITERS)
    exporting = (root / "antq/units/exporting.py").read_text(encoding="utf-8")
    # Its data rows are appended through safe_cell (the header row holds constant labels).
    appends = re.findall(r"sheet\.append\((.*)\)", exporting)
    assert any("safe_cell" in a for a in appends)
    assert all("safe_cell" in a or "header" in a or "HEADERS" in a or "example" in a for a in appends), (
        appends
    )


# --- DOCX and PDF --------------------------------------------------------------------------------


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture
def issued(tree, commune_police, commune_leader, hostile_units):  # type: ignore[no-untyped-def]
    cycle = cycle_row(tree.province)
    units = hostile_units[:4]
    for node in units:
        assessment_row(cycle, node)
    decision = services.decision_draft_create(
        by=commune_police,
        scope=scope(commune_police),
        cycle=cycle,
        issuer=tree.commune,
        kind=DecisionKind.RECOGNITION,
        node_ids=[u.pk for u in units],
        data={"proposal_ref": f"Tờ trình {SCRIPT} {HYPERLINK}"},
    )
    return issue(decision, commune_leader)


def test_the_decision_docx_holds_the_names_as_literal_text(client, issued, commune_leader):
    client.force_login(commune_leader)
    response = client.get(reverse("decisions:file", kwargs={"pk": issued.pk, "what": "decision.docx"}))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    text = nfc("\n".join(texts))
    for name in NAMES[:4]:
        assert name in text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = archive.read("word/document.xml").decode()
    # The markup is escaped character data; no field code or hyperlink came from a name.
    assert "<script" not in xml and "<img" not in xml
    assert "&lt;script&gt;" in xml
    for element in ("w:fldSimple", "w:instrText", "w:hyperlink", "w:fldChar"):
        assert f"<{element}" not in xml, element


def test_the_decision_pdf_holds_the_names_as_literal_text(client, issued, commune_leader):
    client.force_login(commune_leader)
    response = client.get(reverse("decisions:file", kwargs={"pk": issued.pk, "what": "decision.pdf"}))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = nfc("\n".join(page.extract_text() for page in reader.pages))
    # Table cells come out of the PDF with their spaces moved: compare without any.
    flat = "".join(text.split())
    for name in NAMES[:4]:
        assert "".join(name.split()) in flat, name
    # No link annotation came from the names.
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/Link"

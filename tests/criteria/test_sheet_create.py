"""Creating a QĐ 510 sheet in the UI: the rows typed in a table, checked by the import's code."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction, AuditEvent
from antq.criteria import loader
from antq.criteria.engine import load_framework
from antq.criteria.forms import SHEET_ROWS
from antq.criteria.models import Framework, FrameworkVersion
from antq.criteria.services import sheet_import_create
from antq.criteria.sheet_import import parse_sheet_table
from tests import factories as f
from tests.conftest import Tree
from tests.criteria.test_sheet_import import GOOD, META

URL = "criteria:create"


@pytest.fixture
def national(db: None) -> None:
    loader.apply(loader.read_files())  # the verified national sheets (agency, …)


def _data(rows: list[list[object]], destination: str | int, **extra: object) -> dict[str, object]:
    """The form as posted: the sheet fields and SHEET_ROWS table rows, the unused ones blank."""
    data: dict[str, object] = {
        "unit_type": "residential_area",
        "destination": str(destination),
        "label": "2025.1",
        "title": "Bảng chấm điểm khu dân cư",
        "effective_from": "2025-01-01",
        "rows-TOTAL_FORMS": str(SHEET_ROWS),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "500",
        **extra,
    }
    for index, row in enumerate(rows):
        for name, value in zip(("mark", "sub", "text", "points"), row, strict=True):
            data[f"rows-{index}-{name}"] = "" if value is None else str(value)
    return data


def test_the_page_offers_thirty_blank_rows_and_is_linked_from_the_list(client, tree, national, admin):
    client.force_login(admin)
    page = client.get(reverse(URL)).content.decode()
    assert f'name="rows-{SHEET_ROWS - 1}-text"' in page and f'name="rows-{SHEET_ROWS}-text"' not in page
    assert reverse(URL) in client.get(reverse("criteria:list")).content.decode()


def test_typed_rows_create_the_same_sheet_as_the_import(client, tree, national, admin):
    client.force_login(admin)
    # GOOD with blank rows in between and after: blank rows are skipped.
    rows = [GOOD[0], [None, None, None, None], *GOOD[1:]]
    response = client.post(reverse(URL), _data(rows, tree.province.pk))
    assert response.status_code == 302
    version = FrameworkVersion.objects.get(framework__code="qd510-kdc", province=tree.province)
    assert response["Location"] == reverse("criteria:version", args=[version.pk])
    assert not version.verified and not version.frozen
    sheet = load_framework(version.content)
    assert sheet.total_max == 100 and version.content["total_max"] == 100
    assert [(i.id, i.max_points) for i in sheet.items] == [("QD510.KDC.1", 40), ("QD510.KDC.2", 60)]
    assert [(s.id, s.max_points) for s in sheet.items[1].sub_items] == [("a", 30), ("b", 30)]
    assert version.content["items"] == parse_sheet_table(enumerate(GOOD), META)["items"]
    assert "giao diện" in version.content["source"]["verification"]
    event = AuditEvent.objects.get(object_id=str(version.pk))
    assert event.action == AuditAction.CREATE


def test_a_national_draft_and_a_cited_verified_sheet(client, tree, national, admin):
    client.force_login(admin)
    assert client.post(reverse(URL), _data(GOOD, "national")).status_code == 302
    assert not FrameworkVersion.objects.get(framework__code="qd510-kdc", province__isnull=True).verified
    missing = client.post(reverse(URL), _data(GOOD, tree.province.pk, label="2025.2", verified="on"))
    assert missing.status_code == 200 and "hãy dẫn văn bản gốc" in missing.content.decode()
    cited = client.post(
        reverse(URL),
        _data(GOOD, tree.province.pk, label="2025.2", verified="on", source_document="7/QĐ-UBND"),
    )
    assert cited.status_code == 302
    assert FrameworkVersion.objects.get(framework__code="qd510-kdc", province=tree.province).verified


@pytest.mark.parametrize(
    ("rows", "bad_row", "words"),
    [
        ([["1", None, "Điểm sai", "mười"]], 1, "số nguyên"),
        (
            [["1", None, "Mục một", 10], [None, None, None, None], [None, "a", "Tiểu mục", "x"]],
            3,
            "số nguyên",
        ),
        ([[None, "a", "Tiểu mục trước mọi mục", 4], ["1", None, "Mục", 10]], 1, "tiểu mục đứng trước"),
        ([["1", None, "Mục", 10], ["1", None, "Mục trùng mã", 5]], 2, "trùng"),
        ([["1", None, "", 10]], 1, "thiếu nội dung"),
    ],
    ids=["points-not-a-number", "sub-item-points", "sub-item-first", "duplicate-item", "no-text"],
)
def test_a_bad_row_writes_nothing_and_is_shown_with_its_number(
    client,
    tree,
    national,
    admin,
    rows,
    bad_row,
    words,
):
    client.force_login(admin)
    versions, events = FrameworkVersion.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse(URL), _data(rows, tree.province.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Dòng {bad_row}:" in text and words in text
    assert 'class="row-error"' in text
    # What was typed is kept for correcting.
    assert f'name="rows-{bad_row - 1}-text"' in text
    assert FrameworkVersion.objects.count() == versions and AuditEvent.objects.count() == events
    assert not Framework.objects.filter(code="qd510-kdc").exists()


def test_an_empty_table_is_refused(client, tree, national, admin):
    client.force_login(admin)
    response = client.post(reverse(URL), _data([], tree.province.pk))
    assert response.status_code == 200 and "bảng không có mục nào" in response.content.decode()
    assert not Framework.objects.filter(code="qd510-kdc").exists()


def test_a_unit_type_with_a_verified_sheet_is_refused(client, tree, national, admin):
    client.force_login(admin)
    response = client.post(reverse(URL), _data(GOOD, tree.province.pk, unit_type="agency"))
    assert response.status_code == 200  # not a choice: only the types without a verified sheet
    assert not Framework.objects.filter(code="qd510-kdc").exists()


def test_without_the_manage_action_the_page_is_forbidden(client, tree, national, province_officer):
    client.force_login(province_officer)
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), _data(GOOD, tree.province.pk)).status_code == 403
    assert not Framework.objects.filter(code="qd510-kdc").exists()


def test_a_manager_of_another_province_cannot_target_this_one(client, tree: Tree, national):
    other = f.user_with_role("quantri.qt", Role.SYSTEM_ADMIN, tree.other_province)
    client.force_login(other)
    page = client.get(reverse(URL)).content.decode()
    assert tree.other_province.name in page and tree.province.name not in page
    assert "national" not in page  # nor a national draft
    response = client.post(reverse(URL), _data(GOOD, tree.province.pk))
    assert response.status_code == 200 and "destination" in response.context["form"].errors
    assert client.post(reverse(URL), _data(GOOD, "national")).status_code == 200
    assert not Framework.objects.filter(code="qd510-kdc").exists()
    # The service refuses it too, whatever the form offered.
    content = parse_sheet_table(enumerate(GOOD), META)
    with pytest.raises(Http404):
        sheet_import_create(
            by=other, scope=Scope.for_user(other), content=content, province=tree.province, source="t"
        )
    assert not FrameworkVersion.objects.filter(province=tree.province).exists()

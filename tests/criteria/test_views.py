"""Framework screens: list, version and diff, derive / edit / confirm, XLSX sheet import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.core.errors import DomainError
from antq.criteria import loader
from antq.criteria.models import Framework, FrameworkVersion, ThresholdConfirmation
from antq.criteria.selectors import Change, version_diff
from antq.criteria.services import framework_variant_create, sheet_import_create
from antq.criteria.sheet_import import SheetMeta, parse_sheet_table, read_rows
from tests import factories as f
from tests.conftest import Tree
from tests.criteria.test_sheet_import import GOOD, META, xlsx

SHEET = "qd510-cq-dn-csgd"
WARNING = "Ngưỡng phân loại chưa được xác nhận: mọi kết quả phân loại là tạm tính"
PERSONAS = [
    "admin",
    "province_officer",
    "province_leader",
    "inspector",
    "commune_police",
    "commune_leader",
    "unit_officer",
]


@pytest.fixture
def national(db: None) -> dict[str, FrameworkVersion]:
    loader.apply(loader.read_files())
    return {v.framework.code: v for v in FrameworkVersion.objects.select_related("framework")}


def make_variant(
    national: dict[str, FrameworkVersion], tree: Tree, user: User, code: str = SHEET
) -> FrameworkVersion:
    return framework_variant_create(
        by=user,
        scope=Scope.for_user(user),
        base_version=national[code],
        province=tree.province,
        label="2023.1-gl",
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_and_version_render_for_every_role(request, client, national, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("criteria:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "qd510-cq-dn-csgd" in text and "tt124" in text
    assert WARNING in text
    for code in ("tt124", SHEET):
        detail = client.get(reverse("criteria:version", args=[national[code].pk]))
        assert detail.status_code == 200
    body = client.get(reverse("criteria:version", args=[national[SHEET].pk])).content.decode()
    assert "QD510.CQ.5.c" in body and "INC_ILLEGAL_STRIKE" in body
    assert ("Tạo biến thể của tỉnh" in body) == (persona == "admin")


def test_list_shows_confirmation_and_variants_only_in_scope(client, tree, national, admin, province_officer):
    ours = make_variant(national, tree, admin)
    theirs = framework_variant_create(
        by=admin,
        scope=Scope.for_user(admin),
        base_version=national[SHEET],
        province=tree.other_province,
        label="qt",
    )
    client.force_login(admin)
    client.post(
        reverse("criteria:edit", args=[ours.pk]),
        {"op": "thresholds", "min:xuat_sac": 85, "min:kha": 65, "min:trung_binh": 45, "min:yeu": 0},
    )
    client.post(
        reverse("criteria:confirm", args=[ours.pk]),
        {"document_number": "99/QĐ-UBND", "document_date": "2024-03-01"},
    )
    client.force_login(province_officer)
    text = client.get(reverse("criteria:list")).content.decode()
    assert "Biến thể của Tỉnh Gia Lai" in text and "99/QĐ-UBND" in text
    assert "Tỉnh Quảng Trị" not in text
    assert client.get(reverse("criteria:version", args=[theirs.pk])).status_code == 404


def test_list_page_queries_do_not_grow_with_versions(
    client, tree, national, admin, django_assert_max_num_queries
):
    for i, province in enumerate([tree.province, tree.other_province]):
        for code in (SHEET, "tt124"):
            framework_variant_create(
                by=admin,
                scope=Scope.for_user(admin),
                base_version=national[code],
                province=province,
                label=f"v{i}",
            )
    client.force_login(admin)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("criteria:list"))
    assert response.status_code == 200


def test_diff_lists_added_removed_and_changed_items(national):
    old = national[SHEET].content
    new = {**old, "items": [dict(i) for i in old["items"] if i["id"] != "QD510.CQ.1"]}
    new["items"][0] = {**new["items"][0], "label_vi": "Câu chữ mới", "max_points": 6}
    new["items"].append({"id": "QD510.CQ.10", "label_vi": "Mục mới", "max_points": 1})
    diff = version_diff(old, new)
    changes = {row.key: row for row in diff.rows}
    assert changes["QD510.CQ.1"].change == Change.REMOVED
    assert changes["QD510.CQ.10"].change == Change.ADDED
    assert changes["QD510.CQ.2"].change == Change.CHANGED
    assert changes["QD510.CQ.2"].fields == ("text", "points")
    assert "QD510.CQ.3" not in changes


def test_compare_selector_shows_the_changes(client, tree, national, admin):
    variant = make_variant(national, tree, admin)
    client.force_login(admin)
    response = client.post(
        reverse("criteria:edit", args=[variant.pk]),
        {"op": "reword", "item_id": "QD510.CQ.3", "text": "Tổ chức Ngày hội toàn dân bảo vệ ANTQ ở tỉnh"},
    )
    assert response.status_code == 302
    page = client.get(reverse("criteria:version", args=[variant.pk]), {"compare": national[SHEET].pk})
    text = page.content.decode()
    assert "Thay đổi từ 2023.1 sang 2023.1-gl" in text
    assert "Tổ chức Ngày hội toàn dân bảo vệ ANTQ ở tỉnh" in text and "Sửa" in text


def test_derive_creates_a_variant_and_refuses_a_taken_label(client, tree, national, admin):
    client.force_login(admin)
    url = reverse("criteria:derive", args=[national["tt124"].pk])
    response = client.post(url, {"province": tree.province.pk, "label": "2021.1-gl"})
    variant = FrameworkVersion.objects.get(province=tree.province, label="2021.1-gl")
    assert response.status_code == 302 and response["Location"] == reverse("criteria:edit", args=[variant.pk])
    again = client.post(url, {"province": tree.province.pk, "label": "2021.1-gl"})
    assert again.status_code == 200
    assert "Tỉnh đã có phiên bản 2021.1-gl" in again.content.decode()


def test_province_admin_derives_only_for_their_province(client, tree, national):
    user = f.user_with_role("tinh.quantri", Role.SYSTEM_ADMIN, tree.province)
    client.force_login(user)
    url = reverse("criteria:derive", args=[national["tt124"].pk])
    response = client.post(url, {"province": tree.other_province.pk, "label": "x"})
    assert response.status_code == 200
    assert not FrameworkVersion.objects.filter(province=tree.other_province).exists()


def test_edit_add_criterion_and_reweight_with_engine_problems(client, tree, national, admin):
    tt124 = make_variant(national, tree, admin, "tt124")
    client.force_login(admin)
    before_add = FrameworkVersion.objects.get(pk=tt124.pk).content_hash
    # A local criterion lives in the province's namespace (T52.…): a national-looking id is refused.
    refused = client.post(
        reverse("criteria:edit", args=[tt124.pk]),
        {"op": "add", "criteria_set": "khu_dan_cu", "criterion_id": "TT124.KDC.GL1", "text": "Có tổ tự quản"},
    )
    assert refused.status_code == 200
    assert "phải có mã bắt đầu bằng mã tỉnh “T52.”" in refused.content.decode()
    assert FrameworkVersion.objects.get(pk=tt124.pk).content_hash == before_add

    sheet = make_variant(national, tree, admin)
    url = reverse("criteria:edit", args=[sheet.pk])
    page = client.get(url)
    assert 'name="pts:QD510.CQ.5.c"' in page.content.decode()
    # Every field is sent, as the browser does; move 2 points from item 7 to item 3 at once.
    fields = page.context["reweight_form"].fields
    data = {
        "op": "reweight",
        **{name: field.initial for name, field in fields.items() if name.startswith("pts:")},
    }
    data.update({"pts:QD510.CQ.7": 8, "pts:QD510.CQ.3": 7})
    moved = client.post(url, data)
    assert moved.status_code == 302
    items = {i["id"]: i["max_points"] for i in FrameworkVersion.objects.get(pk=sheet.pk).content["items"]}
    assert (items["QD510.CQ.7"], items["QD510.CQ.3"]) == (8, 7)
    before = FrameworkVersion.objects.get(pk=sheet.pk).content_hash
    data.update({"pts:QD510.CQ.7": 8, "pts:QD510.CQ.3": 9})
    bad = client.post(url, data)
    assert bad.status_code == 200
    assert "khác total_max = 100" in bad.content.decode()
    assert FrameworkVersion.objects.get(pk=sheet.pk).content_hash == before


def test_edit_adds_a_criterion_in_the_province_namespace(client, tree, national, admin):
    tt124 = make_variant(national, tree, admin, "tt124")
    client.force_login(admin)
    ok = client.post(
        reverse("criteria:edit", args=[tt124.pk]),
        {"op": "add", "criteria_set": "khu_dan_cu", "criterion_id": "T52.KDC.GL1", "text": "Có tổ tự quản"},
    )
    assert ok.status_code == 302
    ids = [
        c["id"]
        for c in FrameworkVersion.objects.get(pk=tt124.pk).content["criteria_sets"]["khu_dan_cu"]["criteria"]
    ]
    assert ids[-1] == "T52.KDC.GL1"


def test_national_version_cannot_be_edited(client, national, admin):
    client.force_login(admin)
    url = reverse("criteria:edit", args=[national[SHEET].pk])
    response = client.post(url, {"op": "reword", "item_id": "QD510.CQ.3", "text": "x"})
    assert response.status_code == 200
    assert "Phiên bản quốc gia chỉ thay đổi bằng tệp dữ liệu" in response.content.decode()


def test_confirm_thresholds_happy_path_and_refusals(client, tree, national, admin):
    client.force_login(admin)
    illustrative = client.post(
        reverse("criteria:confirm", args=[national[SHEET].pk]),
        {"document_number": "1/QĐ", "document_date": "2024-01-01"},
    )
    assert illustrative.status_code == 200 and "chỉ là số minh họa" in illustrative.content.decode()
    variant = make_variant(national, tree, admin)
    client.post(
        reverse("criteria:edit", args=[variant.pk]),
        {"op": "thresholds", "min:xuat_sac": 85, "min:kha": 65, "min:trung_binh": 45, "min:yeu": 0},
    )
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    refused = client.post(
        reverse("criteria:confirm", args=[variant.pk]), {"document_number": "1/QĐ", "document_date": future}
    )
    assert refused.status_code == 200 and "không được sau ngày hôm nay" in refused.content.decode()
    done = client.post(
        reverse("criteria:confirm", args=[variant.pk]),
        {"document_number": "1234/QĐ-UBND", "document_date": "2024-05-02", "note": "Quyết định của tỉnh"},
    )
    assert done.status_code == 302
    confirmation = ThresholdConfirmation.objects.get(version=variant)
    assert confirmation.confirmed_by == admin and confirmation.document_number == "1234/QĐ-UBND"
    page = client.get(reverse("criteria:version", args=[variant.pk])).content.decode()
    assert WARNING not in page and "1234/QĐ-UBND" in page


def _import_data(
    tree: Tree, rows: list[list[object]], destination: str | int, **extra: object
) -> dict[str, object]:
    upload = xlsx(rows)
    upload.name = "bang.xlsx"  # type: ignore[attr-defined]
    return {
        "file": upload,
        "unit_type": "residential_area",
        "destination": str(destination),
        "label": "2025.1",
        "title": "Bảng chấm điểm khu dân cư",
        "effective_from": "2025-01-01",
        **extra,
    }


def test_import_creates_an_unverified_variant_and_a_national_draft(client, tree, national, admin):
    client.force_login(admin)
    url = reverse("criteria:import")
    response = client.post(url, _import_data(tree, GOOD, tree.province.pk))
    assert response.status_code == 302
    variant = FrameworkVersion.objects.get(framework__code="qd510-kdc", province=tree.province)
    assert not variant.verified and not variant.frozen and variant.content["total_max"] == 100
    assert AuditEvent.objects.filter(object_id=str(variant.pk), reason__contains="XLSX").exists()
    draft = client.post(url, _import_data(tree, GOOD, "national"))
    assert draft.status_code == 302
    national_draft = FrameworkVersion.objects.get(framework__code="qd510-kdc", province__isnull=True)
    assert not national_draft.verified
    page = client.get(reverse("criteria:version", args=[national_draft.pk])).content.decode()
    assert "Chưa xác minh" in page and WARNING in page


def test_import_verified_needs_a_cited_document(client, tree, national, admin):
    client.force_login(admin)
    url = reverse("criteria:import")
    missing = client.post(url, _import_data(tree, GOOD, tree.province.pk, verified="on"))
    assert missing.status_code == 200 and "hãy dẫn văn bản gốc" in missing.content.decode()
    cited = client.post(
        url,
        _import_data(
            tree, GOOD, tree.province.pk, verified="on", source_document="7/QĐ-UBND ngày 02/01/2025"
        ),
    )
    assert cited.status_code == 302
    assert FrameworkVersion.objects.get(framework__code="qd510-kdc").verified


def test_import_with_bad_rows_writes_nothing_and_lists_each_row(client, tree, national, admin):
    client.force_login(admin)
    versions, events = FrameworkVersion.objects.count(), AuditEvent.objects.count()
    rows = [
        ["1", None, "", 10],
        ["2", None, "Điểm sai", "mười"],
        ["3", None, "Lệch tổng", 10],
        [None, "a", "x", 4],
    ]
    response = client.post(reverse("criteria:import"), _import_data(tree, rows, tree.province.pk))
    assert response.status_code == 200
    text = response.content.decode()
    for row in (2, 3, 4):
        assert f"Dòng {row}:" in text
    assert FrameworkVersion.objects.count() == versions and AuditEvent.objects.count() == events
    assert not Framework.objects.filter(code="qd510-kdc").exists()


def test_import_refuses_a_unit_type_with_a_verified_sheet(tree, national, admin):
    content = parse_sheet_table(read_rows(xlsx(GOOD)), SheetMeta(**{**META.__dict__, "unit_type": "agency"}))
    with pytest.raises(DomainError, match="đã có bảng chấm điểm đã xác minh"):
        sheet_import_create(by=admin, scope=Scope.for_user(admin), content=content, province=None, source="t")
    assert not Framework.objects.filter(code="qd510-kdc").exists()


def test_import_screens_need_the_manage_action(client, tree, national, province_officer):
    client.force_login(province_officer)
    assert client.get(reverse("criteria:import")).status_code == 403
    assert (
        client.post(reverse("criteria:import"), _import_data(tree, GOOD, tree.province.pk)).status_code == 403
    )


def test_template_download(client, admin):
    client.force_login(admin)
    response = client.get(reverse("criteria:import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('mau-bang-cham-diem.xlsx"')

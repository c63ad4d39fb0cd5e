"""Framework versions in the database: freezing, province variants, thresholds, which version applies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.core.errors import DomainError
from antq.criteria import loader
from antq.criteria.access import MANAGE, version_for, visible_versions
from antq.criteria.engine import load_framework
from antq.criteria.engine.schema import ScoreSheet, TT124Framework
from antq.criteria.models import FrameworkVersion, FrozenVersionError, ThresholdConfirmation
from antq.criteria.selectors import active_version, engine_framework, thresholds_verified
from antq.criteria.services import (
    FrameworkContentError,
    framework_variant_add_criterion,
    framework_variant_create,
    framework_variant_reweight,
    framework_variant_reword,
    framework_variant_set_thresholds,
    framework_version_freeze,
    thresholds_confirm,
)
from antq.org.choices import NodeKind
from tests import factories as f
from tests.conftest import Tree

SHEET = "qd510-cq-dn-csgd"
LOCAL_CRITERION = {
    "id": "T52.KDC.GL1",  # the province's own namespace (T52: the test province's code)
    "text_vi": "Có tổ an ninh tự quản hoạt động thường xuyên (tiêu chí riêng của tỉnh).",
    "checks": [{"key": "self_managed_team_active", "type": "bool", "label_vi": "Tổ tự quản hoạt động"}],
}


@pytest.fixture
def national(db: None) -> dict[str, FrameworkVersion]:
    loader.apply(loader.read_files())
    return {v.framework.code: v for v in FrameworkVersion.objects.select_related("framework")}


@pytest.fixture
def province_admin(tree: Tree) -> User:
    """A system administrator held on the province: the province's administrator."""
    return f.user_with_role("tinh.quantri", Role.SYSTEM_ADMIN, tree.province)


def scope(user: User) -> Scope:
    return Scope.for_user(user)


def variant(
    national: dict[str, FrameworkVersion], tree: Tree, user: User, code: str = "tt124"
) -> FrameworkVersion:
    return framework_variant_create(
        by=user, scope=scope(user), base_version=national[code], province=tree.province, label="2021.1-gl"
    )


def fresh(version: FrameworkVersion) -> FrameworkVersion:
    return FrameworkVersion.objects.get(pk=version.pk)


def criterion(content: dict[str, Any], set_name: str, cid: str) -> dict[str, Any]:
    return next(c for c in content["criteria_sets"][set_name]["criteria"] if c["id"] == cid)


def sheet_item(content: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for i in content["items"] if i["id"] == item_id)


# --- Freezing -----------------------------------------------------------------------------------


def test_freezing_is_audited_once(national: dict[str, FrameworkVersion]) -> None:
    version = national["tt124"]
    framework_version_freeze(version)
    framework_version_freeze(version)
    assert fresh(version).frozen is True
    events = AuditEvent.objects.filter(object_id=str(version.pk), changes__frozen=[False, True])
    assert events.count() == 1


def test_a_frozen_variant_cannot_be_edited(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    copy = variant(national, tree, province_admin)
    framework_version_freeze(copy, by=province_admin)
    with pytest.raises(FrozenVersionError, match="đã bị khóa"):
        framework_variant_reword(
            by=province_admin, scope=scope(province_admin), version=copy, item_id="TT124.KDC.1", text="Mới"
        )
    assert fresh(copy).content_hash == copy.content_hash


def test_the_national_version_is_not_edited_by_the_variant_services(
    national: dict[str, FrameworkVersion], admin: User
) -> None:
    with pytest.raises(DomainError, match="antq load_frameworks"):
        framework_variant_reword(
            by=admin, scope=scope(admin), version=national["tt124"], item_id="TT124.KDC.1", text="Mới"
        )


# --- Province variants --------------------------------------------------------------------------


def test_a_variant_is_a_copy_under_the_province(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    copy = variant(national, tree, province_admin)
    assert (copy.province, copy.derived_from, copy.frozen, copy.label) == (
        tree.province,
        national["tt124"],
        False,
        "2021.1-gl",
    )
    assert copy.content["version"] == "2021.1-gl"
    assert load_framework(copy.content).version == "2021.1-gl"
    assert AuditEvent.objects.filter(object_id=str(copy.pk), node_path=tree.province.path).exists()
    with pytest.raises(DomainError, match="đã có phiên bản 2021.1-gl"):
        variant(national, tree, province_admin)


def test_add_reword_reweight_leave_the_national_version_alone(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    before = {code: v.content_hash for code, v in national.items()}
    by, sc = province_admin, scope(province_admin)
    tt = variant(national, tree, by)
    sheet = variant(national, tree, by, SHEET)

    framework_variant_add_criterion(
        by=by, scope=sc, version=tt, criteria_set="khu_dan_cu", criterion=LOCAL_CRITERION
    )
    framework_variant_reword(by=by, scope=sc, version=tt, item_id="TT124.KDC.2", text="Câu chữ của tỉnh.")
    framework_variant_reword(by=by, scope=sc, version=tt, item_id="TT124.KDC.4.b", text="Tiểu mục của tỉnh.")
    framework_variant_reweight(by=by, scope=sc, version=sheet, max_points={"QD510.CQ.7": 8, "QD510.CQ.3": 7})
    framework_variant_reword(by=by, scope=sc, version=sheet, item_id="QD510.CQ.5.c", text="Không đình công.")

    parsed = load_framework(fresh(tt).content)
    assert isinstance(parsed, TT124Framework)
    kdc = parsed.criteria_for("residential_area")
    assert [c.id for c in kdc.criteria][-1] == "T52.KDC.GL1"
    assert kdc.criteria[1].text_vi == "Câu chữ của tỉnh."
    assert kdc.criteria[3].sub_items[1].text_vi == "Tiểu mục của tỉnh."
    scored = load_framework(fresh(sheet).content)
    assert isinstance(scored, ScoreSheet)
    points = {i.id: i.max_points for i in scored.items}
    assert (points["QD510.CQ.7"], points["QD510.CQ.3"], scored.total_max) == (8, 7, 100)
    assert scored.items[4].sub_items[2].label_vi == "Không đình công."

    for code, version in national.items():
        assert fresh(version).content_hash == before[code]
    reword = AuditEvent.objects.get(object_id=str(tt.pk), changes__has_key="TT124.KDC.2.text_vi")
    assert reword.actor == by and reword.changes["TT124.KDC.2.text_vi"][1] == "Câu chữ của tỉnh."
    assert reword.node_path == tree.province.path


def test_an_invalid_edit_is_rejected_with_the_engine_problems(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    by, sc = province_admin, scope(province_admin)
    tt = variant(national, tree, by)
    sheet = variant(national, tree, by, SHEET)
    bad = {
        "id": "T52.KDC.1",
        "text_vi": "Sự việc không có trong danh mục",
        "sub_items": [
            {"id": "a", "incidents": ["INC_NOT_IN_CATALOGUE"]},
            {"id": "a", "incidents": ["INC_ANTI_PARTY"]},  # the same sub-item id twice
        ],
    }
    with pytest.raises(FrameworkContentError) as exc:
        framework_variant_add_criterion(by=by, scope=sc, version=tt, criteria_set="khu_dan_cu", criterion=bad)
    reasons = {(p.path, p.message) for p in exc.value.problems}
    assert ("criteria_sets.khu_dan_cu.criteria[5].sub_items[1].id", "mã tiểu mục bị trùng: 'a'") in reasons
    assert (
        "criteria_sets.khu_dan_cu.criteria[5].sub_items[0].incidents[0]",
        "loại sự việc không có trong incident_types: 'INC_NOT_IN_CATALOGUE'",
    ) in reasons
    assert "không hợp lệ (2 lỗi)" in str(exc.value)

    with pytest.raises(FrameworkContentError, match="khác total_max = 100"):
        framework_variant_reweight(by=by, scope=sc, version=sheet, max_points={"QD510.CQ.7": 12})
    with pytest.raises(DomainError, match="Không tìm thấy"):
        framework_variant_reword(by=by, scope=sc, version=tt, item_id="TT124.KDC.9", text="x")
    with pytest.raises(DomainError, match="Không có bộ tiêu chí"):
        framework_variant_add_criterion(by=by, scope=sc, version=tt, criteria_set="xyz", criterion={})
    with pytest.raises(DomainError, match="không áp dụng"):
        framework_variant_reweight(by=by, scope=sc, version=tt, max_points={"TT124.KDC.1": 1})
    assert fresh(tt).content_hash == tt.content_hash
    assert fresh(sheet).content_hash == sheet.content_hash


# --- Thresholds ---------------------------------------------------------------------------------


def test_thresholds_are_set_then_confirmed_citing_the_document(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    by, sc = province_admin, scope(province_admin)
    sheet = variant(national, tree, by, SHEET)
    assert thresholds_verified(sheet) is False
    with pytest.raises(DomainError, match="minh họa"):
        thresholds_confirm(
            by=by, scope=sc, version=sheet, document_number="12/QĐ-UBND", document_date=dt.date(2024, 3, 1)
        )

    framework_variant_set_thresholds(by=by, scope=sc, version=sheet, minimums={"xuat_sac": 92, "kha": 75})
    confirmation = thresholds_confirm(
        by=by,
        scope=sc,
        version=sheet,
        document_number=" 12/QĐ-UBND ",
        document_date=dt.date(2024, 3, 1),
        note="Quyết định của UBND tỉnh",
    )

    assert ThresholdConfirmation.objects.get() == confirmation
    assert (confirmation.confirmed_by, confirmation.document_number) == (by, "12/QĐ-UBND")
    assert thresholds_verified(fresh(sheet)) is True
    assert thresholds_verified(national[SHEET]) is False  # the national version stays provisional
    event = AuditEvent.objects.get(object_type="criteria.thresholdconfirmation")
    assert event.changes["document_number"] == [None, "12/QĐ-UBND"]
    assert event.node_path == tree.province.path and event.actor == by
    scored = engine_framework(fresh(sheet))
    assert isinstance(scored, ScoreSheet) and scored.classification is not None
    assert scored.classification.verified is True
    assert [lv.min_points for lv in scored.classification.levels] == [92, 75, 50, 0]
    with pytest.raises(DomainError, match="đã được xác nhận"):
        thresholds_confirm(
            by=by, scope=sc, version=sheet, document_number="13/QĐ-UBND", document_date=dt.date(2024, 3, 2)
        )


def test_confirming_needs_thresholds(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    with pytest.raises(DomainError, match="không có ngưỡng"):
        thresholds_confirm(
            by=province_admin,
            scope=scope(province_admin),
            version=variant(national, tree, province_admin),
            document_number="1",
            document_date=dt.date(2024, 1, 1),
        )


# --- Access -------------------------------------------------------------------------------------


def test_another_province_does_not_see_this_province_variant(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    copy = variant(national, tree, province_admin)
    other = f.user_with_role("tinh.khac", Role.PROVINCE_OFFICER, tree.other_province)
    other_admin = f.user_with_role("tinh.khac.quantri", Role.SYSTEM_ADMIN, tree.other_province)
    for user in (other, other_admin):
        with pytest.raises(Http404):
            version_for(scope(user), copy.pk)
        with pytest.raises(Http404):
            framework_variant_reword(
                by=user, scope=scope(user), version=copy, item_id="TT124.KDC.1", text="Không được"
            )
        with pytest.raises(Http404):
            framework_variant_create(
                by=user, scope=scope(user), base_version=national["tt124"], province=tree.province, label="x"
            )
    assert version_for(scope(other), national["tt124"].pk) == national["tt124"]


def test_the_province_sees_its_variant_but_only_its_administrator_changes_it(
    national: dict[str, FrameworkVersion],
    tree: Tree,
    province_admin: User,
    province_officer: User,
    commune_police: User,
) -> None:
    copy = variant(national, tree, province_admin)
    for user in (province_officer, commune_police):
        assert version_for(scope(user), copy.pk) == copy
        assert copy in visible_versions(scope(user))
        with pytest.raises(PermissionDenied):
            version_for(scope(user), copy.pk, MANAGE)
        with pytest.raises(PermissionDenied):
            framework_variant_add_criterion(
                by=user, scope=scope(user), version=copy, criteria_set="khu_dan_cu", criterion=LOCAL_CRITERION
            )
    with pytest.raises(PermissionDenied):
        framework_variant_create(
            by=province_officer,
            scope=scope(province_officer),
            base_version=national["tt124"],
            province=tree.province,
            label="x",
        )
    # A province administrator manages its variant, not the national version; the nation's does both.
    assert version_for(scope(province_admin), copy.pk, MANAGE) == copy
    with pytest.raises(PermissionDenied):
        version_for(scope(province_admin), national["tt124"].pk, MANAGE)
    assert visible_versions(Scope(user_id=None)).count() == 0


def test_the_nation_administrator_manages_every_version(
    national: dict[str, FrameworkVersion], tree: Tree, admin: User, province_admin: User
) -> None:
    copy = variant(national, tree, province_admin)
    assert version_for(scope(admin), copy.pk, MANAGE) == copy
    assert version_for(scope(admin), national["tt124"].pk, MANAGE) == national["tt124"]


# --- Which version applies ----------------------------------------------------------------------


def test_active_version_prefers_the_province_variant(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    day = dt.date(2024, 6, 1)
    assert active_version("tt124", None, day) == national["tt124"]
    assert active_version("tt124", tree.province, day) == national["tt124"]
    copy = variant(national, tree, province_admin)
    assert active_version("tt124", tree.province, day) == copy
    assert active_version("tt124", tree.unit, day) == copy  # any node in the province
    assert active_version("tt124", tree.other_province, day) == national["tt124"]
    assert active_version("tt124", None, day) == national["tt124"]
    assert active_version("tt124", tree.province, dt.date(2021, 1, 1)) is None  # before it took effect
    assert active_version("nope", tree.province, day) is None


def test_a_newer_national_version_outranks_a_variant_of_the_older_one(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    copy = variant(national, tree, province_admin)
    content = {**national["tt124"].content, "version": "2024.1", "effective_from": "2024-01-01"}
    newer = FrameworkVersion.objects.create(
        framework=national["tt124"].framework, label="2024.1", content=content
    )
    assert active_version("tt124", tree.province, dt.date(2023, 12, 31)) == copy
    assert active_version("tt124", tree.province, dt.date(2024, 6, 1)) == newer
    again = framework_variant_create(
        by=province_admin,
        scope=scope(province_admin),
        base_version=newer,
        province=tree.province,
        label="2024.1-gl",
    )
    assert active_version("tt124", tree.province, dt.date(2024, 6, 1)) == again


def test_a_province_ended_by_the_reform_takes_no_variant(tree, admin, national):
    old = f.node(
        NodeKind.PROVINCE,
        "Tỉnh Bình Định (cũ)",
        "CU-T52",
        tree.nation,
        valid_from=dt.date(1989, 7, 1),
        valid_to=dt.date(2025, 7, 1),
    )
    with pytest.raises(DomainError):
        framework_variant_create(
            by=admin,
            scope=Scope.for_user(admin),
            base_version=national["tt124"],
            province=old,
            label="2021.1-bd",
        )

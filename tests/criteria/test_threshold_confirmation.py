"""Threshold confirmations hold only for the thresholds they confirmed; local criteria ids."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from antq.accounts.roles import Role
from antq.core.errors import DomainError
from antq.criteria import loader
from antq.criteria.engine import load_framework
from antq.criteria.engine.schema import ScoreSheet, TT124Framework
from antq.criteria.models import FrameworkVersion, ThresholdConfirmation, classification_fingerprint
from antq.criteria.selectors import engine_framework, threshold_status, thresholds_verified
from antq.criteria.services import (
    framework_variant_add_criterion,
    framework_variant_reword,
    framework_variant_set_thresholds,
    thresholds_confirm,
)
from tests import factories as f
from tests.conftest import Tree
from tests.criteria.test_versions import SHEET, fresh, scope, variant

LEVELS = ("xuat_sac", "kha", "trung_binh")


@pytest.fixture
def national(db: None) -> dict[str, FrameworkVersion]:
    loader.apply(loader.read_files())
    return {v.framework.code: v for v in FrameworkVersion.objects.select_related("framework")}


@pytest.fixture
def province_admin(tree: Tree) -> User:
    """A system administrator held on the province (code T52): the province's administrator."""
    return f.user_with_role("tinh.quantri", Role.SYSTEM_ADMIN, tree.province)


def set_thresholds(version: FrameworkVersion, by: User, *mins: int) -> None:
    framework_variant_set_thresholds(
        by=by, scope=scope(by), version=version, minimums=dict(zip(LEVELS, mins, strict=True))
    )


def confirm(version: FrameworkVersion, by: User, number: str, day: int = 1) -> ThresholdConfirmation:
    return thresholds_confirm(
        by=by, scope=scope(by), version=version, document_number=number, document_date=dt.date(2024, 3, day)
    )


def sheet_classification(version: FrameworkVersion) -> tuple[bool, list[int]]:
    parsed = engine_framework(version)
    assert isinstance(parsed, ScoreSheet) and parsed.classification is not None
    return parsed.classification.verified, [lv.min_points for lv in parsed.classification.levels]


# --- 1. A confirmation covers the thresholds it confirmed, not later ones ----------------------


def test_a_threshold_edit_after_confirmation_voids_it(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    by = province_admin
    sheet = variant(national, tree, by, SHEET)
    set_thresholds(sheet, by, 90, 70, 50)
    first = confirm(sheet, by, "1/QĐ")
    assert first.classification_hash == classification_fingerprint(fresh(sheet).content)
    assert thresholds_verified(fresh(sheet)) is True
    assert sheet_classification(fresh(sheet)) == (True, [90, 70, 50, 0])

    set_thresholds(sheet, by, 60, 40, 20)

    current = fresh(sheet)
    assert thresholds_verified(current) is False
    assert sheet_classification(current) == (False, [60, 40, 20, 0])
    status = threshold_status(current)
    assert status.provisional and status.confirmation is None and status.stale_confirmation == first
    assert status.changed_since_confirmation is True
    assert "đã thay đổi sau lần xác nhận" in status.message and "1/QĐ" in status.message
    assert "cần xác nhận lại" in status.message


def test_a_new_confirmation_is_allowed_after_a_change_and_refused_while_one_holds(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    by = province_admin
    sheet = variant(national, tree, by, SHEET)
    set_thresholds(sheet, by, 90, 70, 50)
    confirm(sheet, by, "1/QĐ")
    with pytest.raises(DomainError, match="đã được xác nhận"):
        confirm(sheet, by, "2/QĐ", day=2)

    set_thresholds(sheet, by, 60, 40, 20)
    second = confirm(sheet, by, "2/QĐ", day=2)

    current = fresh(sheet)
    assert thresholds_verified(current) is True
    assert sheet_classification(current) == (True, [60, 40, 20, 0])
    status = threshold_status(current)
    assert (status.verified, status.confirmation, status.stale_confirmation) == (True, second, None)
    assert "2/QĐ" in status.message
    with pytest.raises(DomainError, match="đã được xác nhận"):
        confirm(sheet, by, "3/QĐ", day=3)

    # Back to the first thresholds: the first confirmation covers them again.
    set_thresholds(sheet, by, 90, 70, 50)
    assert thresholds_verified(fresh(sheet)) is True
    assert threshold_status(fresh(sheet)).confirmation is not None
    assert threshold_status(fresh(sheet)).confirmation.document_number == "1/QĐ"  # type: ignore[union-attr]


def test_edits_outside_the_classification_keep_the_confirmation(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    by = province_admin
    sheet = variant(national, tree, by, SHEET)
    set_thresholds(sheet, by, 90, 70, 50)
    confirm(sheet, by, "1/QĐ")
    framework_variant_reword(
        by=by, scope=scope(by), version=sheet, item_id="QD510.CQ.5.c", text="Không đình công."
    )
    set_thresholds(sheet, by, 90, 70, 50)  # the same thresholds again
    assert thresholds_verified(fresh(sheet)) is True


# --- 2. A confirmed version with illustrative thresholds still loads in the engine -------------


def test_engine_framework_loads_a_confirmed_version_marked_illustrative(
    national: dict[str, FrameworkVersion], province_admin: User
) -> None:
    sheet = fresh(national[SHEET])
    assert sheet.content["classification"]["illustrative"] is True
    assert threshold_status(sheet).illustrative is True
    # `thresholds_confirm` refuses placeholders; a confirmation row may exist all the same.
    ThresholdConfirmation.objects.create(
        version=sheet, confirmed_by=province_admin, document_number="1/QĐ", document_date=dt.date(2024, 3, 1)
    )

    assert thresholds_verified(sheet) is True
    parsed = engine_framework(sheet)
    assert isinstance(parsed, ScoreSheet) and parsed.classification is not None
    assert (parsed.classification.verified, parsed.classification.illustrative) == (True, False)
    status = threshold_status(fresh(sheet))
    assert (status.verified, status.illustrative, status.provisional) == (True, False, False)
    assert fresh(sheet).content == national[SHEET].content  # the stored document is untouched


# --- 3. Local criteria live in the province's namespace ---------------------------------------


def add(version: FrameworkVersion, by: User, cid: str | None, criteria_set: str = "khu_dan_cu") -> str:
    criterion = {
        "text_vi": "Có tổ an ninh tự quản hoạt động thường xuyên.",
        "checks": [{"key": "dat", "type": "bool", "label_vi": "Tổ tự quản hoạt động"}],
    }
    if cid is not None:
        criterion["id"] = cid
    framework_variant_add_criterion(
        by=by, scope=scope(by), version=version, criteria_set=criteria_set, criterion=criterion
    )
    return str(fresh(version).content["criteria_sets"][criteria_set]["criteria"][-1]["id"])


def test_a_local_criterion_id_starts_with_the_province_code(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    by = province_admin
    tt = variant(national, tree, by)
    before = fresh(tt).content_hash
    for bad in ("TT124.CQDN.9", "TT124.KDC.GL1", "T44.KDC.1", "T52.", "T52KDC1", "T52.KDC 1"):
        with pytest.raises(DomainError, match="Mã tiêu chí \\(id\\).*phải có mã bắt đầu bằng mã tỉnh “T52.”"):
            add(tt, by, bad)
    assert fresh(tt).content_hash == before

    assert add(tt, by, "T52.KDC.GL1") == "T52.KDC.GL1"
    with pytest.raises(DomainError, match="Mã tiêu chí \\(id\\) “T52.KDC.GL1” đã được dùng"):
        add(tt, by, "T52.KDC.GL1")
    with pytest.raises(DomainError, match="đã được dùng"):  # another criteria set: still one namespace
        add(tt, by, "T52.KDC.GL1", "co_quan_doanh_nghiep")


def test_a_blank_local_criterion_id_is_generated_in_the_province_namespace(
    national: dict[str, FrameworkVersion], tree: Tree, province_admin: User
) -> None:
    by = province_admin
    tt = variant(national, tree, by)
    assert add(tt, by, None) == "T52.KDC.1"
    assert add(tt, by, "  ") == "T52.KDC.2"
    assert add(tt, by, "T52.KDC.4") == "T52.KDC.4"
    assert add(tt, by, "") == "T52.KDC.3"
    parsed = load_framework(fresh(tt).content)
    assert isinstance(parsed, TT124Framework)
    ids = [c.id for c in parsed.criteria_for("residential_area").criteria]
    assert ids[-4:] == ["T52.KDC.1", "T52.KDC.2", "T52.KDC.4", "T52.KDC.3"]

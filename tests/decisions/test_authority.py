"""The approval-authority table: post-2025 defaults as data, a province's own rows for a year."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from antq.audit.models import AuditEvent
from antq.core.errors import DomainError
from antq.decisions import authority, services
from antq.decisions.choices import AuthorityLevel, DecisionKind
from antq.org.choices import ManagingAuthority, NodeKind
from tests import factories as f
from tests.decisions.helpers import assessment_row, cycle_row, scope

pytestmark = pytest.mark.django_db


def test_defaults_follow_rules_1_11(tree):
    cycle = cycle_row(tree.province)
    kdc = authority.authority_for(tree.unit, cycle)
    assert kdc is not None
    assert (kdc.level, kdc.decider_title, kdc.routed_via) == ("commune", "Chủ tịch UBND xã", "Công an xã")
    assert kdc.issuer_node == tree.commune
    commune = authority.authority_for(tree.commune, cycle)
    assert commune is not None
    assert (commune.level, commune.routed_via, commune.issuer_node) == (
        "province",
        "Công an tỉnh",
        tree.province,
    )
    # A school with no managing authority recorded is managed by the commune it hangs under.
    school = authority.authority_for(tree.school, cycle)
    assert school is not None and school.level == "commune" and school.decider_title == "UBND xã"


def test_managing_authority_decides_for_agencies(tree):
    cycle = cycle_row(tree.province)
    provincial = f.unit(
        tree.commune,
        "Sở Tư pháp",
        "X21583-CQ05",
        kind=NodeKind.AGENCY,
        managing_authority=ManagingAuthority.PROVINCE,
    )
    ministry = f.unit(
        tree.commune,
        "Cảng hàng không",
        "X21583-CQ06",
        kind=NodeKind.AGENCY,
        managing_authority=ManagingAuthority.MINISTRY,
    )
    under_province = f.unit(tree.province, "Trường THPT chuyên", "T52-CSGD01", kind=NodeKind.SCHOOL)
    a = authority.authority_for(provincial, cycle)
    b = authority.authority_for(ministry, cycle)
    c = authority.authority_for(under_province, cycle)
    assert a is not None and (a.level, a.issuer_node) == ("province", tree.province)
    assert b is not None and (b.level, b.decider_title, b.issuer_node) == (
        "ministry",
        "Bộ trưởng Bộ Công an",
        None,
    )
    assert c is not None and (c.level, c.issuer_node) == ("province", tree.province)


def test_every_default_row_says_where_it_comes_from():
    rules = authority.default_rules()
    assert {kind for kind, _m in rules} == set(authority.TABLE_KINDS)
    assert all(rule.source and rule.level in AuthorityLevel.values for rule in rules.values())
    assert "48/2025/TT-BCA" in authority.default_note()


def test_a_province_row_overrides_the_default_for_its_year_only(tree, province_officer):
    cycle = cycle_row(tree.province)
    services.authority_set(
        by=province_officer,
        scope=scope(province_officer),
        province=tree.province,
        year=2026,
        unit_kind=NodeKind.SCHOOL,
        managing_authority=ManagingAuthority.COMMUNE,
        level=AuthorityLevel.PROVINCE,
        decider_title="Chủ tịch UBND tỉnh",
        routed_via="Sở Giáo dục và Đào tạo",
        basis="Quyết định 12/QĐ-UBND ngày 02/01/2026",
    )
    school = authority.authority_for(tree.school, cycle)
    assert school is not None
    assert (school.level, school.routed_via, school.overridden) == (
        "province",
        "Sở Giáo dục và Đào tạo",
        True,
    )
    assert school.issuer_node == tree.province
    next_year = cycle_row(tree.province, 2027)
    assert authority.authority_for(tree.school, next_year).level == "commune"  # type: ignore[union-attr]
    rows = {
        (r.rule.unit_kind, r.rule.managing_authority): r
        for r in authority.authority_table(tree.province, 2026)
    }
    row = rows[(NodeKind.SCHOOL, ManagingAuthority.COMMUNE)]
    assert row.overridden and row.default is not None and row.default.level == "commune"
    assert AuditEvent.objects.filter(object_type="decisions.approvalauthority").count() == 1

    # The table decides the drafts: the commune may no longer recognize its school, the province may.
    assessment_row(cycle, tree.school)
    police = f.user_with_role("xa.congan2", "commune_police", tree.commune)
    with pytest.raises(services.UnitsRefused) as refused:
        services.decision_draft_create(
            by=police,
            scope=scope(police),
            cycle=cycle,
            issuer=tree.commune,
            kind=DecisionKind.RECOGNITION,
            node_ids=[tree.school.pk],
        )
    assert "Thuộc thẩm quyền của Chủ tịch UBND tỉnh (UBND cấp tỉnh)" in refused.value.refusals[0].reason
    decision = services.decision_draft_create(
        by=province_officer,
        scope=scope(province_officer),
        cycle=cycle,
        issuer=tree.province,
        kind=DecisionKind.RECOGNITION,
        node_ids=[tree.school.pk],
    )
    assert list(decision.items.values_list("node_id", flat=True)) == [tree.school.pk]
    services.authority_clear(
        by=province_officer,
        scope=scope(province_officer),
        province=tree.province,
        year=2026,
        unit_kind=NodeKind.SCHOOL,
        managing_authority=ManagingAuthority.COMMUNE,
        reason="Trở lại mặc định",
    )
    assert authority.authority_for(tree.school, cycle).level == "commune"  # type: ignore[union-attr]


def test_only_the_province_officer_sets_the_table_and_must_cite_a_basis(
    tree, province_officer, commune_police
):
    args = {
        "province": tree.province,
        "year": 2026,
        "unit_kind": NodeKind.COMMUNE,
        "managing_authority": "",
        "level": AuthorityLevel.PROVINCE,
        "decider_title": "Chủ tịch UBND tỉnh",
        "routed_via": "Ban Chỉ đạo tỉnh",
    }
    with pytest.raises(PermissionDenied):
        services.authority_set(by=commune_police, scope=scope(commune_police), basis="x", **args)
    with pytest.raises(PermissionDenied):
        services.authority_set(
            by=province_officer,
            scope=scope(province_officer),
            basis="x",
            **{**args, "province": tree.other_province},
        )
    with pytest.raises(DomainError, match="căn cứ"):
        services.authority_set(by=province_officer, scope=scope(province_officer), basis=" ", **args)
    row = services.authority_set(
        by=province_officer, scope=scope(province_officer), basis="KH 5/KH-UBND", **args
    )
    again = services.authority_set(
        by=province_officer,
        scope=scope(province_officer),
        basis="KH 6/KH-UBND",
        **{**args, "routed_via": "Công an tỉnh"},
    )
    assert again.pk == row.pk and again.routed_via == "Công an tỉnh"

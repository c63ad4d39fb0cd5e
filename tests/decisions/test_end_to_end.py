"""A year through the real services: units registered, self-assessed, scored by the commune police
and approved (antq.cycles.services), then recognized, classified once the thresholds are
confirmed (antq.criteria.services.thresholds_confirm), and proposed for awards."""

from __future__ import annotations

import datetime as dt

import pytest

from antq.core.errors import DomainError
from antq.criteria.services import thresholds_confirm
from antq.decisions import selectors, services
from antq.decisions.choices import DecisionKind
from tests.decisions.helpers import (
    AGENCY_ANSWERS,
    approved_agency,
    issue,
    load_frameworks,
    open_cycle,
    province_sheet_with_thresholds,
    scope,
)

pytestmark = pytest.mark.django_db


def test_recognition_classification_and_awards(tree, admin, province_officer, commune_police, commune_leader):
    load_frameworks()
    sheet = province_sheet_with_thresholds(admin, tree.province)
    cycle = open_cycle(province_officer, tree.province)
    assert sheet in cycle.frameworks.all()
    best = approved_agency(cycle, tree.commune, commune_police, "Sở Kế hoạch và Đầu tư", "X21583-CQ01")
    fair = approved_agency(
        cycle,
        tree.commune,
        commune_police,
        "Công ty Cổ phần Cảng Quy Nhơn",
        "X21583-DN01",
        kind="enterprise",
        minus=45,
    )
    failing = approved_agency(
        cycle,
        tree.commune,
        commune_police,
        "Ban Quản lý dự án",
        "X21583-CQ02",
        kind="agency",
        answers={**AGENCY_ANSWERS, "TT124.CQDN.2": {"implemented_policies_and_coordination": False}},
    )
    assert (best.recognized, fair.recognized, failing.recognized) == (True, True, False)
    assert (best.classification, fair.classification) == ("xuat_sac", "trung_binh")

    # The candidates are the three approved assessments; the one not recognized is refused with why.
    candidates = selectors.eligible_for_decision(cycle, tree.commune, DecisionKind.RECOGNITION)
    assert {a.node_id for a in candidates} == {best.node_id, fair.node_id, failing.node_id}
    with pytest.raises(services.UnitsRefused) as refused:
        services.decision_draft_create(
            by=commune_police,
            scope=scope(commune_police),
            cycle=cycle,
            issuer=tree.commune,
            kind=DecisionKind.RECOGNITION,
            node_ids=[best.node_id, fair.node_id, failing.node_id],
        )
    assert [r.name for r in refused.value.refusals] == ["Ban Quản lý dự án"]
    assert refused.value.refusals[0].reason == (
        "Kết quả đánh giá: chưa đạt tiêu chuẩn “An toàn về an ninh, trật tự”. "
        "Đạt 4/5 tiêu chí: chưa đủ điều kiện công nhận. Không đạt: TT124.CQDN.2."
    )
    recognition = services.decision_draft_create(
        by=commune_police,
        scope=scope(commune_police),
        cycle=cycle,
        issuer=tree.commune,
        kind=DecisionKind.RECOGNITION,
        node_ids=[best.node_id, fair.node_id],
    )
    issue(recognition, commune_leader)

    # Classification waits for the thresholds of the sheet used to be confirmed.
    def classify():  # type: ignore[no-untyped-def]
        return services.decision_draft_create(
            by=commune_police,
            scope=scope(commune_police),
            cycle=cycle,
            issuer=tree.commune,
            kind=DecisionKind.CLASSIFICATION,
            node_ids=[best.node_id, fair.node_id],
        )

    with pytest.raises(services.UnitsRefused) as unverified:
        classify()
    reason = unverified.value.refusals[0].reason
    assert "2023.1-gl" in reason and "chưa được xác nhận" in reason
    assert "quản trị hệ thống của tỉnh (quyền quản lý bộ tiêu chí)" in reason
    thresholds_confirm(
        by=admin,
        scope=scope(admin),
        version=sheet,
        document_number="15/QĐ-UBND",
        document_date=dt.date(2026, 3, 2),
    )
    classification = classify()
    rows = list(classification.items.order_by("position").values_list("level", "level_label", "total"))
    assert [(level, label) for level, label, _total in rows] == [
        ("xuat_sac", "Xuất sắc"),
        ("trung_binh", "Trung bình"),
    ]
    issue(classification, commune_leader, number="126")

    proposal = services.award_propose(
        by=commune_police,
        scope=scope(commune_police),
        cycle=cycle,
        node=best.node,
        data={"award_title": "Giấy khen của Chủ tịch UBND phường"},
    )
    assert proposal.classification.level == "xuat_sac"  # type: ignore[union-attr]
    with pytest.raises(DomainError, match="Xếp loại Trung bình, dưới mức Khá"):
        services.award_propose(
            by=commune_police,
            scope=scope(commune_police),
            cycle=cycle,
            node=fair.node,
            data={"award_title": "Giấy khen của Chủ tịch UBND phường"},
        )
    with pytest.raises(DomainError, match="Chưa có quyết định công nhận"):
        services.award_propose(
            by=commune_police,
            scope=scope(commune_police),
            cycle=cycle,
            node=failing.node,
            data={"award_title": "Giấy khen của Chủ tịch UBND phường"},
        )

"""Demo plans: the province's plan issued, communes' plans cascaded from it (one with a deadline
later than the province's, issued with its warning), a unit's plan cascaded from its commune's, and
some progress recorded so that the roll-up shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.org.models import OrgNode
from antq.plans import services
from antq.plans.choices import Comparison, TargetMeasure, TaskStatus, UnitType
from antq.plans.models import Plan

PURPOSE = (
    "1. Nâng cao nhận thức, trách nhiệm của chính quyền các cấp, cơ quan, doanh nghiệp, nhà trường và "
    "Nhân dân trong phong trào toàn dân bảo vệ an ninh Tổ quốc.\n"
    "2. Triển khai đồng bộ, có trọng tâm, trọng điểm; tránh hình thức; gắn trách nhiệm người đứng đầu."
)
ORGANISATION = (
    "1. Căn cứ Kế hoạch này, các cấp, các đơn vị xây dựng kế hoạch thực hiện phù hợp; định kỳ "
    "(trước ngày 30/10) báo cáo kết quả về Công an tỉnh.\n"
    "2. Giao Công an tỉnh theo dõi, hướng dẫn, đôn đốc việc thực hiện Kế hoạch này."
)
# label, measure, value, of what, unit types, metric, comparison: the province's targets
# (like the seeds' Kế hoạch: 100% register but 70% of enterprises, > 80% recognized…).
TARGETS = [
    (
        "Đăng ký phong trào",
        TargetMeasure.PERCENT,
        "100",
        "khu dân cư, xã, cơ quan, cơ sở giáo dục đăng ký",
        ["KDC", "XA", "CQ", "CSGD"],
        "registered",
        Comparison.AT_LEAST,
    ),
    (
        "Doanh nghiệp đăng ký phong trào",
        TargetMeasure.PERCENT,
        "70",
        "doanh nghiệp đăng ký",
        ["DN"],
        "registered",
        Comparison.AT_LEAST,
    ),
    (
        "Công nhận đạt chuẩn",
        TargetMeasure.PERCENT,
        "80",
        "khu dân cư, xã, cơ quan, cơ sở giáo dục được công nhận đạt tiêu chuẩn “An toàn về ANTT”",
        ["KDC", "XA", "CQ", "CSGD"],
        "recognized",
        Comparison.ABOVE,
    ),
    (
        "Doanh nghiệp được công nhận",
        TargetMeasure.PERCENT,
        "70",
        "doanh nghiệp được công nhận đạt tiêu chuẩn “An toàn về ANTT”",
        ["DN"],
        "recognized",
        Comparison.ABOVE,
    ),
    (
        "Phân loại phong trào",
        TargetMeasure.PERCENT,
        "95",
        "đơn vị xếp loại phong trào Khá trở lên",
        [],
        "classified_good",
        Comparison.ABOVE,
    ),
    (
        "Mô hình tự quản",
        TargetMeasure.PERCENT,
        "70",
        "mô hình được đánh giá hoạt động Khá trở lên",
        [],
        "initiatives_good",
        Comparison.AT_LEAST,
    ),
    (
        "Tuyên truyền",
        TargetMeasure.PERCENT,
        "90",
        "người dân, cán bộ, người lao động được tuyên truyền",
        [],
        "outreach_reach",
        Comparison.AT_LEAST,
    ),
    (
        "Tập huấn",
        TargetMeasure.COUNT,
        "1",
        "lớp tập huấn nghiệp vụ xây dựng phong trào",
        [],
        "training_classes",
        Comparison.AT_LEAST,
    ),
    ("Kiểm tra", TargetMeasure.COUNT, "10", "đơn vị được kiểm tra", [], "inspections", Comparison.AT_LEAST),
    (
        "Mô hình mới",
        TargetMeasure.COUNT,
        "1",
        "mô hình mới được xây dựng",
        [],
        "new_initiatives",
        Comparison.AT_LEAST,
    ),
]
TASKS = [
    (
        "Quán triệt, triển khai các văn bản chỉ đạo về phong trào toàn dân bảo vệ ANTQ",
        "Tổ chức hội nghị quán triệt; ban hành văn bản hướng dẫn.",
        (3, 31),
        "Báo cáo kết quả quý I",
    ),
    (
        "Tổ chức đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        "Hướng dẫn hồ sơ đăng ký theo Thông tư 124/2021/TT-BCA.",
        (3, 31),
        "Kiểm tra hồ sơ đăng ký",
    ),
    (
        "Tổ chức Ngày hội toàn dân bảo vệ ANTQ (19/8)",
        "Xây dựng kế hoạch, chọn điểm tổ chức, tuyên truyền.",
        (8, 20),
        "Báo cáo kết quả Ngày hội",
    ),
    (
        "Sơ kết, đánh giá, phân loại phong trào năm",
        "Tổng hợp kết quả, đề nghị khen thưởng.",
        (11, 20),
        "Báo cáo tổng kết năm",
    ),
]


def _fill(plan: Plan, *, by: User, scope: Scope, year: int) -> None:
    for label, measure, value, of_what, kinds, metric, comparison in TARGETS:
        services.target_save(
            by=by,
            scope=scope,
            plan=plan,
            data={
                "label": label,
                "measure": measure,
                "value": Decimal(value),
                "of_what": of_what,
                "unit_types": [k for k in kinds if k in UnitType.values],
                "metric": metric,
                "comparison": comparison,
            },
        )
    for content, measures, (month, day), check in TASKS:
        services.task_save(
            by=by,
            scope=scope,
            plan=plan,
            data={
                "content": content,
                "measures": measures,
                "lead_unit": "Công an tỉnh",
                "coordinating_units": "Ủy ban MTTQ tỉnh; các sở, ban, ngành",
                "deadline": dt.date(year, month, day),
                "check_method": check,
            },
            today=dt.date(year, 1, 1),
        )


def _issue(plan: Plan, *, by: User, scope: Scope, number: str, on: dt.date) -> Plan:
    return services.plan_issue(
        by=by,
        scope=scope,
        plan=plan,
        data={
            "number": number,
            "issued_on": min(on, timezone.localdate()),
            "signer_prefix": plan.signer_prefix,
            "signer_title": plan.signer_title,
            "signer_name": plan.signer_name or "Nguyễn Văn An",
        },
        expected_version=Plan.objects.get(pk=plan.pk).version,
    )


def seed(province: OrgNode, communes: list[OrgNode], units: list[OrgNode], year: int, actor: User) -> None:
    """Create the demo plans (`actor` needs PLAN_MANAGE on every node named, e.g. an administrator)."""
    scope = Scope.for_user(actor)
    start = dt.date(year, 1, 15)
    top = services.plan_create(
        by=actor,
        scope=scope,
        node=province,
        data={
            "year": year,
            "title": f"Thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc năm {year}",
            "bases": "Căn cứ Nghị định số 06/2014/NĐ-CP ngày 21/01/2014 của Chính phủ\n"
            "Căn cứ Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ Công an",
            "purpose": PURPOSE,
            "organisation": ORGANISATION,
            "recipients": "Bộ Công an (qua Cục V05)\nThường trực Tỉnh ủy\nUBND các xã, phường\nLưu: VT",
            "signer_name": "Nguyễn Văn An",
        },
    )
    _fill(top, by=actor, scope=scope, year=year)
    top = _issue(top, by=actor, scope=scope, number="45", on=start)
    first_commune: Plan | None = None
    for index, commune in enumerate(communes):
        child = services.plan_cascade(by=actor, scope=scope, parent=top, node=commune, today=start)
        tasks = list(child.tasks.order_by("order"))
        if index == 1 and tasks:
            # The late one: the festival day planned after the province's own deadline.
            late = tasks[-1]
            services.task_save(
                by=actor,
                scope=scope,
                plan=child,
                task=late,
                data={
                    "content": late.content,
                    "measures": late.measures,
                    "lead_unit": late.lead_unit,
                    "deadline": dt.date(year, 11, 30),
                    "check_method": late.check_method,
                },
                today=start,
            )
        services.plan_update(
            by=actor,
            scope=scope,
            plan=child,
            data={"signer_name": "Trần Thị Bình"},
            expected_version=child.version,
        )
        child = _issue(child, by=actor, scope=scope, number=str(10 + index), on=start + dt.timedelta(days=7))
        for task in list(child.tasks.order_by("order"))[: 1 + index % 2]:
            services.task_progress(
                by=actor,
                scope=scope,
                task=task,
                status=TaskStatus.DONE,
                progress=100,
                expected_version=task.version,
            )
        if first_commune is None:
            first_commune = child
    if first_commune is not None:
        for unit in units:
            if unit.path.startswith(first_commune.node.path):
                services.plan_cascade(by=actor, scope=scope, parent=first_commune, node=unit, today=start)
                break

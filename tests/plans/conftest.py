"""Fixtures of the plans app: an issued province plan with targets and tasks, built through the
services (so that every row is what a user would have produced)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.org.models import OrgNode
from antq.plans import services
from antq.plans.choices import TargetMeasure
from antq.plans.models import Plan

# Next year's plan, issued today: deadlines are all in the future, so back-scheduling is never clamped.
YEAR = timezone.localdate().year + 1


def day(month: int, d: int) -> dt.date:
    return dt.date(YEAR, month, d)


def make_plan(user: User, node: OrgNode, **data: object) -> Plan:
    return services.plan_create(
        by=user,
        scope=Scope.for_user(user),
        node=node,
        data={
            "year": YEAR,
            "title": "Thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc",
            "purpose": "1. Nâng cao nhận thức.\n2. Triển khai đồng bộ.",
            "organisation": "Giao Công an tỉnh theo dõi, đôn đốc.",
            "bases": "Căn cứ Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ Công an",
            "recipients": "Bộ Công an (qua Cục V05)\nUBND các xã, phường\nLưu: VT",
            **data,
        },
    )


def add_target(user: User, plan: Plan, label: str, value: str, measure: str = TargetMeasure.PERCENT) -> None:
    services.target_save(
        by=user,
        scope=Scope.for_user(user),
        plan=plan,
        data={
            "label": label,
            "measure": measure,
            "value": Decimal(value),
            "of_what": "khu dân cư đăng ký phong trào",
            "unit_types": ["KDC", "XA"],
        },
    )


def add_task(
    user: User, plan: Plan, content: str, deadline: dt.date | None, lead: str = "Công an tỉnh"
) -> None:
    services.task_save(
        by=user,
        scope=Scope.for_user(user),
        plan=plan,
        data={
            "content": content,
            "measures": "Tổ chức hội nghị quán triệt.",
            "lead_unit": lead,
            "coordinating_units": "Ủy ban MTTQ tỉnh",
            "deadline": deadline,
            "check_method": "Báo cáo kết quả",
        },
    )


def issue(user: User, plan: Plan, number: str = "45") -> Plan:
    plan.refresh_from_db()
    return services.plan_issue(
        by=user,
        scope=Scope.for_user(user),
        plan=plan,
        data={
            "number": number,
            "issued_on": timezone.localdate(),
            "signer_prefix": "TM. ỦY BAN NHÂN DÂN",
            "signer_title": "CHỦ TỊCH",
            "signer_name": "Phạm Anh Tuấn",
        },
        expected_version=plan.version,
    )


@pytest.fixture
def province_plan(tree, province_officer) -> Plan:  # type: ignore[no-untyped-def]
    """The province's issued plan: two targets, three tasks (one standing, without a deadline)."""
    plan = make_plan(province_officer, tree.province)
    add_target(province_officer, plan, "Đăng ký phong trào", "100")
    add_target(province_officer, plan, "Công nhận đạt chuẩn", "80")
    add_task(province_officer, plan, "Quán triệt văn bản chỉ đạo", day(3, 31))
    add_task(province_officer, plan, "Tổ chức Ngày hội toàn dân bảo vệ ANTQ", day(8, 20))
    add_task(province_officer, plan, "Tuyên truyền thường xuyên", None)
    return issue(province_officer, plan)

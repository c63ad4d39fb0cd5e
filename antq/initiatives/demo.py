"""Demo data of the initiatives app: a realistic handful of initiatives, made through the services.

The demo loader calls `seed(units, communes, year, actor)`; `actor` needs ACTIVITY_RECORD on the
nodes and ASSESSMENT_REVIEW above them (the demo's administrator).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.initiatives import services
from antq.initiatives.models import Initiative, InitiativeType
from antq.org.models import OrgNode

# (type code, name, lead name, lead position, members, activities: (month, day, content, values))
PLANS = [
    (
        "camera_an_ninh",
        "Camera an ninh khu dân cư",
        "Nguyễn Văn Hùng",
        "Trưởng ban điều hành",
        [("Nguyễn Văn Hùng", "Trưởng nhóm"), ("Trần Thị Lan", "Thành viên"), ("Lê Văn Tám", "Thành viên")],
        [
            (
                3,
                12,
                "Lắp thêm 4 camera tại ngã ba đường Lê Lợi, kết nối với Công an phường.",
                {"cameras_installed": 16, "cameras_online": 15},
            ),
            (
                8,
                20,
                "Trích xuất hình ảnh hỗ trợ Công an phường xác minh vụ trộm xe máy.",
                {"cameras_online": 16},
            ),
        ],
    ),
    (
        "to_hoa_giai",
        "Tổ hòa giải ở cơ sở",
        "Phạm Thị Hoa",
        "Tổ trưởng tổ hòa giải",
        [("Phạm Thị Hoa", "Tổ trưởng"), ("Võ Văn Ba", "Thành viên")],
        [
            (
                5,
                9,
                "Hòa giải thành tranh chấp lối đi giữa hai hộ gia đình.",
                {"disputes_received": 3, "disputes_mediated": 2},
            )
        ],
    ),
    (
        "to_tu_quan",
        "Tổ tự quản về an ninh, trật tự",
        "Đặng Văn Minh",
        "Tổ trưởng",
        [("Đặng Văn Minh", "Tổ trưởng"), ("Huỳnh Văn Nam", "Tổ viên")],
        [(6, 1, "Tuần tra đêm cuối tuần cùng Công an xã.", {"patrol_shifts_per_month": 8})],
    ),
    (
        "ba_an_toan",
        'Mô hình "3 an toàn"',
        "Bùi Thị Mai",
        "Phó giám đốc",
        [],
        [(4, 15, "Diễn tập phòng cháy, chữa cháy tại xưởng sản xuất.", {"participants": 1})],
    ),
]
# Ratings given by the superior at the end of the year (the last initiative is not evaluated).
RATINGS = ["tot", "kha", "trung_binh"]


def seed(units: list[OrgNode], communes: list[OrgNode], year: int, actor: User) -> None:
    """Initiatives on the first units and communes: evaluated ones, one retired, one replicated."""
    scope = Scope.for_user(actor)
    today = timezone.localdate()
    types = {t.code: t for t in InitiativeType.objects.all()}
    nodes = [*units[: len(PLANS) - 1], *communes[:1]]
    made: list[Initiative] = []
    for (code, name, lead, position, members, activities), node in zip(PLANS, nodes, strict=False):
        if code not in types or Initiative.objects.filter(node=node, name=name).exists():
            continue
        initiative = services.initiative_create(
            by=actor,
            scope=scope,
            node=node,
            data={
                "initiative_type": types[code],
                "name": name,
                "lead_name": lead,
                "lead_position": position,
                "started_on": dt.date(year - 1, 3, 1),
            },
        )
        for member, role in members:
            services.member_add(
                by=actor,
                scope=scope,
                initiative=initiative,
                data={"name": member, "role": role, "joined_on": dt.date(year - 1, 3, 1)},
            )
        for month, day, content, values in activities:
            if dt.date(year, month, day) > today:  # a demo loaded early in the year
                continue
            services.activity_add(
                by=actor,
                scope=scope,
                initiative=initiative,
                data={
                    "occurred_on": dt.date(year, month, day),
                    "content": content,
                    "indicator_values": values,
                },
            )
        made.append(initiative)
    for initiative, rating in zip(made, RATINGS, strict=False):
        services.evaluation_save(
            by=actor,
            scope=scope,
            initiative=initiative,
            year=year,
            rating=rating,
            indicator_values={},
            comment="Đánh giá cuối năm của Công an xã.",
        )
    if len(made) >= 3:
        services.initiative_retire(
            by=actor,
            scope=scope,
            initiative=made[2],
            reason="Chỉ tồn tại trên giấy: tổ không tuần tra từ tháng 7, không có sổ theo dõi.",
            retired_on=min(dt.date(year, 9, 30), today),
        )
    others = [u for u in units[len(PLANS) :] if u.parent_id == made[0].node.parent_id] if made else []
    if made and others:
        services.initiative_replicate(by=actor, scope=scope, initiative=made[0], nodes=others[:2])

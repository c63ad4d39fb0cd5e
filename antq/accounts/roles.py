"""Roles and what each may do: the one table that grants actions.

A membership gives a user a role on a node; the role's actions apply to that node and (by default)
everything under it. Scoping (which nodes) lives in `scope.py`; this table says only what.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from antq.org.choices import UNIT_KINDS, NodeKind


class Role(models.TextChoices):
    UNIT_OFFICER = "unit_officer", _("Cán bộ đơn vị")
    COMMUNE_POLICE = "commune_police", _("Công an xã")
    COMMUNE_LEADER = "commune_leader", _("Lãnh đạo UBND xã (phê duyệt)")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ Công an tỉnh")
    PROVINCE_LEADER = "province_leader", _("Lãnh đạo tỉnh (phê duyệt)")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    INSPECTOR = "inspector", _("Thanh tra (chỉ xem)")


class Action(models.TextChoices):
    VIEW = "view", _("Xem")
    EXPORT = "export", _("Xuất dữ liệu")
    UNIT_CREATE = "unit_create", _("Thêm đơn vị")
    UNIT_EDIT = "unit_edit", _("Sửa đơn vị")
    UNIT_DEACTIVATE = "unit_deactivate", _("Ngừng hoạt động đơn vị")
    UNIT_IMPORT = "unit_import", _("Nhập đơn vị từ tệp")
    NODE_EDIT = "node_edit", _("Sửa cây hành chính")
    MEMBERSHIP_MANAGE = "membership_manage", _("Quản lý người dùng và phân quyền")
    AUDIT_VIEW = "audit_view", _("Xem nhật ký")
    FRAMEWORK_MANAGE = "framework_manage", _("Quản lý bộ tiêu chí")
    # The annual cycle (issue 4).
    CYCLE_MANAGE = "cycle_manage", _("Mở kỳ đánh giá, quản lý lịch")
    DEADLINE_SET = "deadline_set", _("Đặt hạn sớm hơn cho cấp dưới")
    REGISTER = "register", _("Đăng ký phấn đấu")
    REGISTRATION_REVIEW = "registration_review", _("Tiếp nhận, trả lại đăng ký")
    EVIDENCE_MANAGE = "evidence_manage", _("Quản lý tài liệu minh chứng")
    INCIDENT_RECORD = "incident_record", _("Ghi nhận vụ việc")
    SELF_ASSESS = "self_assess", _("Tự đánh giá, tự chấm")
    ASSESSMENT_REVIEW = "assessment_review", _("Cấp trên chấm, duyệt")
    DECISION_DRAFT = "decision_draft", _("Dự thảo quyết định")
    DECISION_ISSUE = "decision_issue", _("Ký ban hành, thu hồi quyết định")
    AWARD_PROPOSE = "award_propose", _("Đề nghị khen thưởng")
    # The movement's activity (issue 5).
    ACTIVITY_RECORD = "activity_record", _("Ghi nhận hoạt động phong trào")
    FORCE_RATE = "force_rate", _("Đánh giá, xếp loại tổ bảo vệ ANTT")
    INSPECT = "inspect", _("Kiểm tra phong trào")
    PLAN_MANAGE = "plan_manage", _("Lập kế hoạch")
    # Reports and documents (issue 6).
    REPORT_WRITE = "report_write", _("Lập, gửi báo cáo định kỳ")
    REPORT_REVIEW = "report_review", _("Tiếp nhận, trả lại báo cáo của cấp dưới")
    REPORT_DEFINE = "report_define", _("Quy định báo cáo định kỳ")
    TEMPLATE_MANAGE = "template_manage", _("Thay mẫu văn bản")


A = Action
_READ = {A.VIEW, A.EXPORT, A.AUDIT_VIEW}
_REGISTRY = {A.UNIT_CREATE, A.UNIT_EDIT, A.UNIT_DEACTIVATE, A.UNIT_IMPORT}

_REVIEW = {A.REGISTRATION_REVIEW, A.ASSESSMENT_REVIEW, A.INCIDENT_RECORD, A.DECISION_DRAFT, A.AWARD_PROPOSE}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    # A unit officer keeps the unit's own registry record up to date but cannot create or
    # deactivate units: that is the commune police's register.
    Role.UNIT_OFFICER: frozenset(
        {
            A.VIEW,
            A.AUDIT_VIEW,
            A.UNIT_EDIT,
            A.REGISTER,
            A.EVIDENCE_MANAGE,
            A.SELF_ASSESS,
            A.ACTIVITY_RECORD,
            A.PLAN_MANAGE,
            A.REPORT_WRITE,
        }
    ),
    # The commune police register and self-assess the commune itself (they draft for the UBND xã)
    # and review the units under it: ACTION_NODE_KINDS keeps those two apart.
    Role.COMMUNE_POLICE: frozenset(
        _READ
        | _REGISTRY
        | _REVIEW
        | {
            A.DEADLINE_SET,
            A.REGISTER,
            A.EVIDENCE_MANAGE,
            A.SELF_ASSESS,
            A.ACTIVITY_RECORD,
            A.FORCE_RATE,
            A.INSPECT,
            A.PLAN_MANAGE,
            A.REPORT_WRITE,
            A.REPORT_REVIEW,
        }
    ),
    # The chairman decides (DECISION_ISSUE), the commune police propose: the security teams' rating
    # round (HD 01/HD-BCA-V05) is drafted by one and approved by the other, never by one person.
    Role.COMMUNE_LEADER: frozenset(_READ | {A.DECISION_ISSUE}),
    Role.PROVINCE_OFFICER: frozenset(
        _READ
        | _REGISTRY
        | _REVIEW
        | {
            A.MEMBERSHIP_MANAGE,
            A.CYCLE_MANAGE,
            A.DEADLINE_SET,
            A.EVIDENCE_MANAGE,
            A.INSPECT,
            A.PLAN_MANAGE,
            A.REPORT_WRITE,
            A.REPORT_REVIEW,
            A.REPORT_DEFINE,
        }
    ),
    Role.PROVINCE_LEADER: frozenset(_READ | {A.DECISION_ISSUE}),
    Role.SYSTEM_ADMIN: frozenset(set(A)),
    Role.INSPECTOR: frozenset(_READ),
}

# Which kinds of node each role is held on: a unit officer works for one unit, commune roles sit
# on a commune, province roles on a province. Granting elsewhere would give a role a reach it was
# never meant to have (a unit officer on a whole province could edit every unit in it).
ROLE_NODE_KINDS: dict[str, frozenset[str]] = {
    Role.UNIT_OFFICER: UNIT_KINDS,
    Role.COMMUNE_POLICE: frozenset({NodeKind.COMMUNE}),
    Role.COMMUNE_LEADER: frozenset({NodeKind.COMMUNE}),
    Role.PROVINCE_OFFICER: frozenset({NodeKind.PROVINCE}),
    Role.PROVINCE_LEADER: frozenset({NodeKind.PROVINCE}),
    Role.SYSTEM_ADMIN: frozenset({NodeKind.NATION, NodeKind.PROVINCE}),
    Role.INSPECTOR: frozenset({NodeKind.NATION, NodeKind.PROVINCE, NodeKind.COMMUNE}),
}

# Where an action applies by the kind of node acted on, for roles whose reach covers several kinds:
# the commune police register and self-assess their commune, but review (never self-assess) the
# units below it. Pairs not listed apply to every node kind in the grant's reach.
ACTION_NODE_KINDS: dict[tuple[str, str], frozenset[str]] = {
    (Role.COMMUNE_POLICE, A.REGISTER): frozenset({NodeKind.COMMUNE}),
    (Role.COMMUNE_POLICE, A.SELF_ASSESS): frozenset({NodeKind.COMMUNE}),
    (Role.COMMUNE_POLICE, A.REGISTRATION_REVIEW): UNIT_KINDS,
    (Role.COMMUNE_POLICE, A.ASSESSMENT_REVIEW): UNIT_KINDS,
    (Role.COMMUNE_POLICE, A.DECISION_DRAFT): frozenset({NodeKind.COMMUNE}),
    (Role.COMMUNE_LEADER, A.DECISION_ISSUE): frozenset({NodeKind.COMMUNE}),
    (Role.PROVINCE_OFFICER, A.DECISION_DRAFT): frozenset({NodeKind.PROVINCE}),
    (Role.PROVINCE_LEADER, A.DECISION_ISSUE): frozenset({NodeKind.PROVINCE}),
    (Role.PROVINCE_OFFICER, A.REGISTRATION_REVIEW): UNIT_KINDS | {NodeKind.COMMUNE},
    (Role.PROVINCE_OFFICER, A.ASSESSMENT_REVIEW): UNIT_KINDS | {NodeKind.COMMUNE},
    # A superior inspects the level below: the commune police their units, the province its
    # communes and units. Plans are drafted at the drafter's own level.
    (Role.COMMUNE_POLICE, A.INSPECT): UNIT_KINDS,
    (Role.PROVINCE_OFFICER, A.INSPECT): UNIT_KINDS | {NodeKind.COMMUNE},
    (Role.COMMUNE_POLICE, A.PLAN_MANAGE): frozenset({NodeKind.COMMUNE}),
    (Role.PROVINCE_OFFICER, A.PLAN_MANAGE): frozenset({NodeKind.PROVINCE}),
    # Teams are rated commune by commune (the 20% quota is counted over a commune).
    (Role.COMMUNE_POLICE, A.FORCE_RATE): frozenset({NodeKind.COMMUNE}),
    # Each level writes its own periodic report and receives those of the level just below;
    # a province defines the reports its subtree sends.
    (Role.COMMUNE_POLICE, A.REPORT_WRITE): frozenset({NodeKind.COMMUNE}),
    (Role.PROVINCE_OFFICER, A.REPORT_WRITE): frozenset({NodeKind.PROVINCE}),
    (Role.COMMUNE_POLICE, A.REPORT_REVIEW): UNIT_KINDS,
    # Province officers receive the communes' reports and those of the units the province manages
    # directly (the reports service limits them to units whose parent is the province).
    (Role.PROVINCE_OFFICER, A.REPORT_REVIEW): UNIT_KINDS | {NodeKind.COMMUNE},
    (Role.PROVINCE_OFFICER, A.REPORT_DEFINE): frozenset({NodeKind.PROVINCE}),
}

# Roles a province officer may grant inside the province; only a system administrator grants
# province-level and administrator roles.
GRANTABLE_BY: dict[str, frozenset[str]] = {
    Role.PROVINCE_OFFICER: frozenset(
        {Role.UNIT_OFFICER, Role.COMMUNE_POLICE, Role.COMMUNE_LEADER, Role.INSPECTOR}
    ),
    Role.SYSTEM_ADMIN: frozenset(set(Role)),
}

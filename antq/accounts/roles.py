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


A = Action
_READ = {A.VIEW, A.EXPORT, A.AUDIT_VIEW}
_REGISTRY = {A.UNIT_CREATE, A.UNIT_EDIT, A.UNIT_DEACTIVATE, A.UNIT_IMPORT}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    # A unit officer keeps the unit's own registry record up to date but cannot create or
    # deactivate units: that is the commune police's register.
    Role.UNIT_OFFICER: frozenset({A.VIEW, A.AUDIT_VIEW, A.UNIT_EDIT}),
    Role.COMMUNE_POLICE: frozenset(_READ | _REGISTRY),
    Role.COMMUNE_LEADER: frozenset(_READ),
    Role.PROVINCE_OFFICER: frozenset(_READ | _REGISTRY | {A.MEMBERSHIP_MANAGE}),
    Role.PROVINCE_LEADER: frozenset(_READ),
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

# Roles a province officer may grant inside the province; only a system administrator grants
# province-level and administrator roles.
GRANTABLE_BY: dict[str, frozenset[str]] = {
    Role.PROVINCE_OFFICER: frozenset(
        {Role.UNIT_OFFICER, Role.COMMUNE_POLICE, Role.COMMUNE_LEADER, Role.INSPECTOR}
    ),
    Role.SYSTEM_ADMIN: frozenset(set(Role)),
}

"""Writes for users and memberships; each checks what the acting scope may grant, and is audited."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from antq.accounts import twofactor
from antq.accounts.access import can_manage_user
from antq.accounts.models import Membership
from antq.accounts.roles import ROLE_NODE_KINDS, Role
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import DomainError
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,149}$")


def _check_role_fits_node(node: OrgNode, role: str) -> None:
    if node.kind not in ROLE_NODE_KINDS.get(role, frozenset()):
        kinds = ", ".join(str(NodeKind(k).label).lower() for k in sorted(ROLE_NODE_KINDS.get(role, ())))
        raise DomainError(
            _("Vai trò “%(role)s” chỉ gán được cho: %(kinds)s.") % {"role": Role(role).label, "kinds": kinds}
        )


def _check_can_grant(scope: Scope, node: OrgNode, role: str, include_descendants: bool) -> None:
    if not scope.can_grant(node.path, role, include_descendants):
        raise DomainError(
            _("Bạn không được cấp vai trò này tại đơn vị này (hoặc cho cả cấp dưới của đơn vị này).")
        )


@transaction.atomic
def user_create(
    *,
    by: User,
    scope: Scope,
    username: str,
    full_name: str,
    email: str,
    password: str,
    node: OrgNode,
    role: str,
    include_descendants: bool = True,
) -> User:
    """Create an account together with its first membership (an account without a role sees nothing)."""
    _check_role_fits_node(node, role)
    _check_can_grant(scope, node, role, include_descendants)
    if not USERNAME_RE.match(username):
        raise ValidationError(
            {
                "username": _(
                    "Tên đăng nhập gồm 3–150 ký tự: chữ thường không dấu, chữ số và các dấu . _ -, "
                    "ví dụ nguyen.van.a"
                )
            }
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập đã tồn tại.")})
    first, _sep, last = full_name.strip().rpartition(" ")
    user = User(username=username, email=email, first_name=first, last_name=last or full_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent request took the same username
        raise ValidationError({"username": _("Tên đăng nhập đã tồn tại.")}) from exc
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=user,
        node_path=node.path,
        changes={"username": [None, username], "email": [None, email]},
    )
    membership_grant(
        by=by, scope=scope, user=user, node=node, role=role, include_descendants=include_descendants
    )
    return user


@transaction.atomic
def membership_grant(
    *, by: User, scope: Scope, user: User, node: OrgNode, role: str, include_descendants: bool = True
) -> Membership:
    """Give `user` a role on `node` (reactivating a revoked identical grant)."""
    if user.pk == by.pk:
        raise DomainError(_("Bạn không thể tự cấp quyền cho chính mình."))
    _check_role_fits_node(node, role)
    _check_can_grant(scope, node, role, include_descendants)
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, node=node, role=role, defaults={"include_descendants": include_descendants}
    )
    before = {} if created else membership.snapshot()
    was_active = not created and membership.is_active
    if not created:
        membership.is_active = True
        membership.include_descendants = include_descendants
    changes = diff(before, membership.snapshot())
    if not changes:
        return membership
    if not created:
        membership.version += 1
        membership.save()
    if created:
        action = AuditAction.CREATE
    elif was_active:
        action = AuditAction.UPDATE
    else:
        action = AuditAction.REACTIVATE
    record(actor=by, action=action, obj=membership, node_path=node.path, changes=changes)
    return membership


@transaction.atomic
def membership_revoke(*, by: User, scope: Scope, membership: Membership, reason: str) -> Membership:
    """End a membership; the row stays for the record."""
    _check_can_grant(scope, membership.node, membership.role, membership.include_descendants)
    if not reason.strip():
        raise DomainError(_("Vui lòng nêu lý do."))
    locked = Membership.objects.select_for_update().select_related("node").get(pk=membership.pk)
    if not locked.is_active:
        return locked
    locked.is_active = False
    locked.version += 1
    locked.save(update_fields=["is_active", "version", "updated_at"])
    record(
        actor=by,
        action=AuditAction.DEACTIVATE,
        obj=locked,
        node_path=locked.node.path,
        changes={"is_active": [True, False]},
        reason=reason,
    )
    return locked


@transaction.atomic
def user_set_password(*, by: User, scope: Scope, user: User, password: str) -> None:
    """A manager sets a new password; the user's API tokens stop working at the same moment."""
    if not can_manage_user(scope, user):
        raise DomainError(_("Bạn không được quản lý tài khoản này."))
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    Token.objects.filter(user=user).delete()
    in_scope = _path_seen_by_manager(scope, user)
    record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=user,
        node_path=in_scope,
        changes={"password": ["***", "***"]},
        reason=_("Đặt lại mật khẩu"),
    )


def _path_seen_by_manager(scope: Scope, user: User) -> str:
    """A node path of `user` that the acting manager sees: the event is filed there, so the
    manager's own log shows it."""
    return next(
        (
            m.node.path
            for m in user.memberships.select_related("node").order_by("node__path")
            if scope.can_grant(m.node.path, m.role, m.include_descendants)
        ),
        "",
    )


@transaction.atomic
def user_reset_2fa(*, by: User, scope: Scope, user: User) -> None:
    """A manager removes a user's authenticator (a lost phone): the user enrols again at next sign-in."""
    if not can_manage_user(scope, user):
        raise DomainError(_("Bạn không được quản lý tài khoản này."))
    twofactor.disable(user)
    in_scope = _path_seen_by_manager(scope, user)
    record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=user,
        node_path=in_scope,
        changes={"two_factor": ["***", None]},
        reason=_("Đặt lại xác thực hai lớp"),
    )

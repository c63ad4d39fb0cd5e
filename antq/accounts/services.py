"""Writes for users and memberships; each checks what the acting scope may grant, and is audited."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from antq.accounts.models import Membership
from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import DomainError
from antq.org.models import OrgNode


def _check_can_grant(scope: Scope, node: OrgNode, role: str) -> None:
    if not scope.allows(Action.MEMBERSHIP_MANAGE, node):
        raise DomainError(_("Bạn không có quyền phân quyền tại đơn vị này."))
    if role not in scope.grantable_roles():
        raise DomainError(_("Bạn không được cấp vai trò này."))


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
) -> User:
    """Create an account together with its first membership (an account without a role sees nothing)."""
    _check_can_grant(scope, node, role)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("Tên đăng nhập đã tồn tại."))
    first, _sep, last = full_name.strip().rpartition(" ")
    user = User(username=username, email=email, first_name=first, last_name=last or full_name)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=user,
        node_path=node.path,
        changes={"username": [None, username], "email": [None, email]},
    )
    membership_grant(by=by, scope=scope, user=user, node=node, role=role)
    return user


@transaction.atomic
def membership_grant(
    *, by: User, scope: Scope, user: User, node: OrgNode, role: str, include_descendants: bool = True
) -> Membership:
    """Give `user` a role on `node` (reactivating a revoked identical grant)."""
    _check_can_grant(scope, node, role)
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, node=node, role=role, defaults={"include_descendants": include_descendants}
    )
    before = {} if created else membership.snapshot()
    if not created:
        membership.is_active = True
        membership.include_descendants = include_descendants
        membership.version += 1
        membership.save()
    changes = diff(before, membership.snapshot())
    if changes:
        record(
            actor=by,
            action=AuditAction.CREATE if created else AuditAction.REACTIVATE,
            obj=membership,
            node_path=node.path,
            changes=changes,
        )
    return membership


@transaction.atomic
def membership_revoke(*, by: User, scope: Scope, membership: Membership, reason: str) -> Membership:
    """End a membership; the row stays for the record."""
    _check_can_grant(scope, membership.node, membership.role)
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
def user_set_password(*, by: User, user: User, password: str, node_path: str) -> None:
    """An administrator sets a new password for a user in their scope."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=user,
        node_path=node_path,
        changes={"password": ["***", "***"]},
        reason=_("Đặt lại mật khẩu"),
    )

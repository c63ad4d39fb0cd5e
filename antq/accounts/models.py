"""Memberships: a user holds a role on a node of the tree."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from antq.accounts.roles import Role
from antq.core.models import TimeStampedModel
from antq.org.models import OrgNode


class Membership(TimeStampedModel):
    """A role granted to a user on a node, and by default on everything under it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    node = models.ForeignKey(
        OrgNode, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    include_descendants = models.BooleanField(_("áp dụng cho cả cấp dưới"), default=True)
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "node", "role"], name="%(app_label)s_%(class)s_unique_role_on_node"
            ),
        ]
        indexes = [
            # Scope is computed from the active memberships of the requesting user on every request.
            models.Index(fields=["user", "is_active"], name="accounts_member_user_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.node}"

    def snapshot(self) -> dict[str, object]:
        return {
            "user": self.user_id,
            "node": self.node_id,
            "role": self.role,
            "include_descendants": self.include_descendants,
            "is_active": self.is_active,
        }

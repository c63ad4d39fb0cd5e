"""Builders for a small but complete tree; tests use them through the personas in conftest."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from antq.accounts.models import Membership
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.org.services import allocate_child_paths, prepare_node

PASSWORD = "mat-khau-thu-nghiem-2026"


def node(kind: str, name: str, code: str, parent: OrgNode | None = None, **attrs: Any) -> OrgNode:
    """Create a node directly (no audit): fixtures, not a use case."""
    with transaction.atomic():
        obj = OrgNode(kind=kind, name=name, code=code, parent=parent, **attrs)
        prepare_node(obj, path=allocate_child_paths(parent, 1)[0])
        obj.save()
    return obj


def unit(
    parent: OrgNode, name: str, code: str, kind: str = NodeKind.RESIDENTIAL_AREA, **attrs: Any
) -> OrgNode:
    return node(kind, name, code, parent, **attrs)


def user_with_role(username: str, role: str, on: OrgNode, **membership: Any) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name="Thử", last_name=username
    )
    Membership.objects.create(user=user, node=on, role=role, **membership)
    return user

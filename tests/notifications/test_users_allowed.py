"""`users_allowed(action, node)` (who may be told) and `Scope.allows` (who may act) always agree;
the notices go to `users_allowed(..., exclude_roles={system administrator})`: not the administrators,
who may act on every node and would get the whole country's notices."""

from __future__ import annotations

import datetime as dt

import pytest

from antq.accounts.models import Membership
from antq.accounts.roles import Action, Role
from antq.accounts.scope import Scope, users_allowed
from antq.notifications.digests import build_digests
from tests import factories as f
from tests.notifications.helpers import obligation

NOT_ADMINS = frozenset({Role.SYSTEM_ADMIN})

NODES = [
    "nation",
    "province",
    "commune",
    "unit",
    "school",
    "sibling_commune",
    "sibling_unit",
    "other_province",
    "other_commune",
    "other_unit",
]


def _agree(tree, users):  # type: ignore[no-untyped-def]
    scopes = {name: Scope.for_user(user) for name, user in users.items()}
    for action in Action:
        for name in NODES:
            node = getattr(tree, name)
            told = set(users_allowed(action, node).values_list("pk", flat=True))
            for persona, user in users.items():
                assert (user.pk in told) == scopes[persona].allows(action, node), (action, name, persona)


def test_users_allowed_agrees_with_scope_for_every_persona_action_and_node(tree, personas):
    _agree(tree, personas)


def test_users_allowed_agrees_with_scope_for_narrow_inactive_and_unusual_grants(tree, personas):
    users = dict(personas)
    # A province officer without descendants: the province itself only.
    users["narrow"] = f.user_with_role(
        "tinh.hep", Role.PROVINCE_OFFICER, tree.province, include_descendants=False
    )
    # A revoked membership grants nothing.
    users["revoked"] = f.user_with_role("xa.cu", Role.COMMUNE_POLICE, tree.sibling_commune, is_active=False)
    # Two roles in two places do not pool.
    users["two_roles"] = f.user_with_role("hai.vai", Role.UNIT_OFFICER, tree.sibling_unit)
    Membership.objects.create(user=users["two_roles"], node=tree.other_commune, role=Role.COMMUNE_LEADER)
    # A school officer: node-kind limits by the unit kind.
    users["school"] = f.user_with_role("truong.canbo", Role.UNIT_OFFICER, tree.school)
    _agree(tree, users)


def test_a_deactivated_account_is_never_told(tree, unit_officer):
    assert unit_officer in users_allowed(Action.REGISTER, tree.unit)
    unit_officer.is_active = False
    unit_officer.save(update_fields=["is_active"])
    assert unit_officer not in users_allowed(Action.REGISTER, tree.unit)


def test_commune_police_are_told_to_register_the_commune_and_to_review_its_units(
    tree, commune_police, unit_officer
):
    assert set(users_allowed(Action.REGISTER, tree.commune)) == {commune_police}
    assert set(users_allowed(Action.REGISTER, tree.unit)) == {unit_officer}
    assert commune_police in users_allowed(Action.REGISTRATION_REVIEW, tree.unit)
    assert commune_police not in users_allowed(Action.REGISTRATION_REVIEW, tree.commune)


def test_excluding_the_administrators_drops_them_and_nobody_else(tree, personas):
    users = dict(personas)
    # An administrator who also holds another role is still told as a holder of that role.
    users["admin_and_police"] = f.user_with_role("quantri.xa", Role.SYSTEM_ADMIN, tree.nation)
    Membership.objects.create(user=users["admin_and_police"], node=tree.commune, role=Role.COMMUNE_POLICE)
    police_only = Scope.for_user(personas["commune_police"])
    for action in Action:
        for name in NODES:
            node = getattr(tree, name)
            everyone = set(users_allowed(action, node).values_list("pk", flat=True))
            told = set(users_allowed(action, node, exclude_roles=NOT_ADMINS).values_list("pk", flat=True))
            expected = everyone - {personas["admin"].pk, users["admin_and_police"].pk}
            if police_only.allows(action, node):
                expected.add(users["admin_and_police"].pk)
            assert told == expected, (action, name)


def test_users_allowed_is_one_query(tree, personas, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(users_allowed(Action.REGISTRATION_REVIEW, tree.unit))


@pytest.mark.parametrize("action", list(Action))
def test_digest_recipients_are_the_users_allowed(tree, personas, action, django_assert_max_num_queries):
    users = dict(personas)
    users["narrow"] = f.user_with_role(
        "tinh.hep", Role.PROVINCE_OFFICER, tree.province, include_descendants=False
    )
    users["revoked"] = f.user_with_role("xa.cu", Role.COMMUNE_POLICE, tree.sibling_commune, is_active=False)
    # Skipped as an administrator, told as the commune police of the commune.
    users["admin_and_police"] = f.user_with_role("quantri.xa", Role.SYSTEM_ADMIN, tree.nation)
    Membership.objects.create(user=users["admin_and_police"], node=tree.commune, role=Role.COMMUNE_POLICE)
    on = dt.date(2026, 3, 17)
    obligations = [obligation(getattr(tree, name), due=dt.date(2026, 3, 31), action=action) for name in NODES]
    # Two queries whatever the number of nodes: the nodes, then the memberships that could cover them.
    with django_assert_max_num_queries(2):
        digests = build_digests(obligations, on)
    assert personas["admin"].pk not in digests
    for name in NODES:
        node = getattr(tree, name)
        expected = set(users_allowed(action, node, exclude_roles=NOT_ADMINS).values_list("pk", flat=True))
        got = {uid for uid, d in digests.items() if any(i.obligation.node_id == node.pk for i in d.items)}
        assert got == expected, (action, name)

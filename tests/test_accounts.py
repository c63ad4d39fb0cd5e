"""Managing users: nobody can act on a more senior account or widen their own reach."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from antq.accounts import services
from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.core.errors import DomainError
from tests import factories as f


def test_province_officer_cannot_touch_the_province_leaders_account(
    client, tree, province_officer, province_leader
):
    client.force_login(province_officer)
    assert client.get(reverse("accounts:user_detail", args=[province_leader.pk])).status_code == 403
    response = client.post(
        reverse("accounts:user_set_password", args=[province_leader.pk]),
        {"password": "mot-mat-khau-moi-rat-dai"},
    )
    assert response.status_code == 403
    province_leader.refresh_from_db()
    assert province_leader.check_password(f.PASSWORD)


def test_a_revoked_junior_role_does_not_expose_a_senior_account(client, tree, province_officer, admin):
    Membership.objects.create(user=admin, node=tree.commune, role=Role.INSPECTOR, is_active=False)
    client.force_login(province_officer)
    assert client.get(reverse("accounts:user_detail", args=[admin.pk])).status_code == 403


def test_password_reset_ends_api_tokens_and_is_logged_where_the_manager_sees_it(
    client, tree, province_officer, commune_police
):
    token = Token.objects.create(user=commune_police)
    client.force_login(province_officer)
    client.post(
        reverse("accounts:user_set_password", args=[commune_police.pk]),
        {"password": "mot-mat-khau-moi-rat-dai"},
    )
    assert not Token.objects.filter(key=token.key).exists()
    event = AuditEvent.objects.get(object_type="auth.user", object_id=str(commune_police.pk))
    assert event.node_path == tree.commune.path


def test_a_grant_without_descendants_cannot_hand_out_descendants(tree, commune_police):
    narrow = f.user_with_role("tinh.hep", Role.PROVINCE_OFFICER, tree.province, include_descendants=False)
    scope = Scope.for_user(narrow)
    with pytest.raises(DomainError):
        services.membership_grant(
            by=narrow,
            scope=scope,
            user=commune_police,
            node=tree.province,
            role=Role.COMMUNE_POLICE,
            include_descendants=True,
        )
    granted = services.membership_grant(
        by=narrow,
        scope=scope,
        user=commune_police,
        node=tree.province,
        role=Role.INSPECTOR,
        include_descendants=False,
    )
    assert granted.include_descendants is False


def test_nobody_grants_themselves_a_role(tree, province_officer):
    with pytest.raises(DomainError):
        services.membership_grant(
            by=province_officer,
            scope=Scope.for_user(province_officer),
            user=province_officer,
            node=tree.commune,
            role=Role.COMMUNE_POLICE,
        )


def test_roles_held_elsewhere_do_not_pool_into_grant_rights(tree, commune_police):
    mixed = f.user_with_role("hon.hop", Role.PROVINCE_OFFICER, tree.province)
    Membership.objects.create(user=mixed, node=tree.other_commune, role=Role.SYSTEM_ADMIN)
    scope = Scope.for_user(mixed)
    assert scope.can_grant(tree.other_unit.path, Role.SYSTEM_ADMIN, True)
    assert not scope.can_grant(tree.commune.path, Role.SYSTEM_ADMIN, True)
    assert not scope.can_grant(tree.commune.path, Role.PROVINCE_LEADER, True)


def test_user_list_shows_only_memberships_in_the_managers_area(
    client, tree, province_officer, commune_police
):
    Membership.objects.create(user=commune_police, node=tree.other_commune, role=Role.INSPECTOR)
    client.force_login(province_officer)
    page = client.get(reverse("accounts:user_list")).context["page"]
    police = next(u for u in page.object_list if u.pk == commune_police.pk)
    assert [m.node.code for m in police.memberships.all()] == ["X21583"]


def test_changing_only_the_descendants_flag_is_logged_as_an_update(tree, province_officer, commune_police):
    scope = Scope.for_user(province_officer)
    services.membership_grant(
        by=province_officer,
        scope=scope,
        user=commune_police,
        node=tree.commune,
        role=Role.COMMUNE_POLICE,
        include_descendants=False,
    )
    event = AuditEvent.objects.filter(object_type="accounts.membership").latest("id")
    assert event.action == "update" and event.changes == {"include_descendants": [True, False]}


@pytest.mark.parametrize(
    ("role", "target"),
    [
        (Role.UNIT_OFFICER, "province"),
        (Role.UNIT_OFFICER, "commune"),
        (Role.COMMUNE_POLICE, "unit"),
        (Role.PROVINCE_LEADER, "commune"),
    ],
)
def test_roles_are_granted_only_on_their_kind_of_node(tree, admin, commune_leader, role, target):
    with pytest.raises(DomainError):
        services.membership_grant(
            by=admin, scope=Scope.for_user(admin), user=commune_leader, node=getattr(tree, target), role=role
        )


@pytest.mark.parametrize("username", ["nguyễn văn a", "ab", "Có Dấu", "x y"])
def test_usernames_are_plain_ascii(tree, admin, username):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.user_create(
            by=admin,
            scope=Scope.for_user(admin),
            username=username,
            full_name="Nguyễn Văn A",
            email="",
            password="mot-mat-khau-du-dai",
            node=tree.unit,
            role=Role.UNIT_OFFICER,
        )
    assert "username" in exc.value.error_dict

"""API v1: token auth, scope (404 outside, 403 without the action), services and audit, schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.audit.models import AuditAction, AuditEvent
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from tests import factories as f
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"
NODES = "/api/v1/nodes/"
MEMBERSHIPS = "/api/v1/memberships/"


def client_for(user: User) -> APIClient:
    """A client that authenticates with a real token, like an integration would."""
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def codes(response: Any) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


def events(obj: Any, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)
    )


# --- Token auth ------------------------------------------------------------------------------


def test_token_obtain_then_use(commune_police: User) -> None:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "xa.congan", "password": f.PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=commune_police).key

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "xa.congan"
    assert [r["role"] for r in me.json()["roles"]] == [Role.COMMUNE_POLICE]
    commune_police.refresh_from_db()
    assert commune_police.last_login is not None  # a token login is a login


def test_token_wrong_password_is_refused_in_vietnamese(commune_police: User) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "xa.congan", "password": "sai"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Không thể đăng nhập với thông tin đã nhập."}


def test_token_lockout_applies_after_repeated_failures(commune_police: User) -> None:
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "xa.congan", "password": "sai"}, format="json")
    # Even the right password is refused while the account is locked.
    response = client.post(
        "/api/v1/auth/token/", {"username": "xa.congan", "password": f.PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert "15 phút" in response.json()["detail"]
    assert not Token.objects.filter(user=commune_police).exists()


def test_successful_token_login_resets_failure_count(commune_police: User) -> None:
    client = APIClient()
    bad = {"username": "xa.congan", "password": "sai"}
    good = {"username": "xa.congan", "password": f.PASSWORD}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/api/v1/auth/token/", bad, format="json")
    assert client.post("/api/v1/auth/token/", good, format="json").status_code == 200
    # Had the count not been reset, this failure would lock the account.
    client.post("/api/v1/auth/token/", bad, format="json")
    assert client.post("/api/v1/auth/token/", good, format="json").status_code == 200


def test_unauthenticated_is_401(tree: Tree) -> None:
    response = APIClient().get(UNITS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "đăng nhập" in response.json()["detail"]


def test_invalid_token_is_401(tree: Tree) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token khong-hop-le")
    assert client.get(UNITS).status_code == 401


# --- Units: reads ----------------------------------------------------------------------------


def test_unit_list_is_scoped_to_the_commune(tree: Tree, commune_police: User) -> None:
    response = client_for(commune_police).get(UNITS)
    assert response.status_code == 200
    assert codes(response) == {"X21583-KDC01", "X21583-CSGD01"}


def test_unit_list_of_province_officer_covers_the_province_only(tree: Tree, province_officer: User) -> None:
    response = client_for(province_officer).get(UNITS)
    assert codes(response) == {"X21583-KDC01", "X21583-CSGD01", "X21600-KDC01"}


def test_unit_out_of_scope_is_404(tree: Tree, commune_police: User) -> None:
    client = client_for(commune_police)
    assert client.get(f"{UNITS}{tree.other_unit.pk}/").status_code == 404
    assert client.get(f"{UNITS}{tree.sibling_unit.pk}/").status_code == 404
    # A commune is a node, not a unit.
    assert client.get(f"{UNITS}{tree.commune.pk}/").status_code == 404
    assert client.get(f"{UNITS}{tree.unit.pk}/").status_code == 200


def test_unit_representation(tree: Tree, commune_police: User) -> None:
    data = client_for(commune_police).get(f"{UNITS}{tree.unit.pk}/").json()
    assert data["code"] == "X21583-KDC01"
    assert data["parent"] == {"id": tree.commune.pk, "code": "X21583", "name": "Phường Quy Nhơn"}
    assert data["contacts"] == {"name": "", "phone": "", "email": ""}
    assert data["eligible"] is True
    assert data["exclusion_code"] == ""
    assert data["exclusion_reason"] == ""
    assert data["version"] == 1
    assert data["people_count"] == 320


def test_excluded_unit_carries_the_reason(tree: Tree, commune_police: User) -> None:
    school = f.unit(
        tree.commune,
        "Trường Tiểu học Lê Lợi",
        "X21583-CSGD02",
        kind=NodeKind.SCHOOL,
        education_level="primary",
    )
    data = client_for(commune_police).get(f"{UNITS}{school.pk}/").json()
    assert data["eligible"] is False
    assert data["exclusion_code"] == "EXC_PRIMARY_PRESCHOOL"
    assert data["exclusion_reason"].startswith("Cơ sở giáo dục tiểu học")


def test_unit_filters(tree: Tree, province_officer: User) -> None:
    client = client_for(province_officer)
    # Accent-insensitive search, as on the registry screen.
    assert codes(client.get(UNITS, {"q": "truong thcs"})) == {"X21583-CSGD01"}
    assert codes(client.get(UNITS, {"kind": NodeKind.SCHOOL})) == {"X21583-CSGD01"}
    assert codes(client.get(UNITS, {"commune": tree.sibling_commune.pk})) == {"X21600-KDC01"}
    assert codes(client.get(UNITS, {"within": tree.commune.pk})) == {"X21583-KDC01", "X21583-CSGD01"}
    assert codes(client.get(UNITS, {"status": "inactive"})) == set()
    assert codes(client.get(UNITS, {"eligibility": "eligible"})) == {
        "X21583-KDC01",
        "X21583-CSGD01",
        "X21600-KDC01",
    }
    # `within` outside the scope is not revealed; a bad value is a field error.
    assert client.get(UNITS, {"within": tree.other_province.pk}).status_code == 404
    bad = client.get(UNITS, {"kind": "province"})
    assert bad.status_code == 400
    assert "kind" in bad.json()


def test_unit_list_pages_with_a_cursor(tree: Tree, province_officer: User) -> None:
    client = client_for(province_officer)
    first = client.get(UNITS, {"page_size": 2}).json()
    assert len(first["results"]) == 2
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    seen = [r["code"] for r in first["results"] + second["results"]]
    assert sorted(seen) == sorted({"X21583-KDC01", "X21583-CSGD01", "X21600-KDC01"})


def test_unit_list_query_count_is_bounded(
    tree: Tree, province_officer: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(40):
        f.unit(tree.commune if n % 2 else tree.sibling_commune, f"Tổ dân phố {n + 10}", f"KDC-{n:03d}")
    client = client_for(province_officer)
    # Token + user, scope, one page of units with their parents: no query per row.
    with django_assert_max_num_queries(3):
        response = client.get(UNITS, {"page_size": 100})
    assert len(response.json()["results"]) == 43


@pytest.mark.parametrize("url", [NODES, MEMBERSHIPS])
def test_other_lists_query_count_is_bounded(
    url: str, tree: Tree, province_officer: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(20):
        f.user_with_role(f"xa.canbo{n}", Role.COMMUNE_LEADER, tree.commune)
        f.unit(tree.commune, f"Tổ dân phố {n + 10}", f"KDC-{n:03d}")
    client = client_for(province_officer)
    with django_assert_max_num_queries(3):
        response = client.get(url, {"page_size": 100})
    assert len(response.json()["results"]) > 20


# --- Units: writes ---------------------------------------------------------------------------


def new_unit(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": NodeKind.AGENCY,
        "name": "UBND phường Quy Nhơn",
        "code": "X21583-CQ01",
        "parent_code": "X21583",
        "people_count": 45,
        "contacts": {"name": "Nguyễn Văn A", "phone": "0256 3822 000", "email": "ubnd@example.vn"},
    }
    data.update(overrides)
    return data


def test_create_unit_writes_an_audit_event(tree: Tree, commune_police: User) -> None:
    response = client_for(commune_police).post(UNITS, new_unit(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    unit = OrgNode.objects.get(code="X21583-CQ01")
    assert data["id"] == unit.pk
    assert data["parent"]["code"] == "X21583"
    assert data["contacts"]["email"] == "ubnd@example.vn"
    assert unit.contact_name == "Nguyễn Văn A"
    assert unit.is_descendant_of(tree.commune)
    [event] = events(unit, AuditAction.CREATE)
    assert event.actor == commune_police


def test_create_unit_with_parent_id(tree: Tree, province_officer: User) -> None:
    payload = new_unit(parent=tree.sibling_commune.pk)
    del payload["parent_code"]
    response = client_for(province_officer).post(UNITS, payload, format="json")
    assert response.status_code == 201
    assert response.json()["parent"]["id"] == tree.sibling_commune.pk


def test_unit_officer_cannot_create(tree: Tree, unit_officer: User) -> None:
    response = client_for(unit_officer).post(UNITS, new_unit(), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền thực hiện thao tác này."
    assert not OrgNode.objects.filter(code="X21583-CQ01").exists()


def test_commune_leader_cannot_create(tree: Tree, commune_leader: User) -> None:
    assert client_for(commune_leader).post(UNITS, new_unit(), format="json").status_code == 403


def test_create_under_a_commune_out_of_scope_is_refused(tree: Tree, commune_police: User) -> None:
    response = client_for(commune_police).post(UNITS, new_unit(parent_code="X21600"), format="json")
    assert response.status_code == 400
    assert "parent_code" in response.json()
    assert not OrgNode.objects.filter(code="X21583-CQ01").exists()


def test_create_validates_like_the_form(tree: Tree, commune_police: User) -> None:
    client = client_for(commune_police)
    response = client.post(UNITS, new_unit(kind=NodeKind.ENTERPRISE), format="json")
    assert response.status_code == 400
    assert response.json() == {"enterprise_size": ["Vui lòng chọn quy mô doanh nghiệp."]}
    duplicate = client.post(UNITS, new_unit(code="X21583-KDC01"), format="json")
    assert duplicate.status_code == 400
    assert "code" in duplicate.json()
    admin_kind = client.post(UNITS, new_unit(kind=NodeKind.COMMUNE), format="json")
    assert admin_kind.status_code == 400
    assert "kind" in admin_kind.json()


def test_domain_error_is_400_with_detail(tree: Tree, admin: User) -> None:
    # A unit may hang under a commune or a province, not under the nation.
    response = client_for(admin).post(UNITS, new_unit(parent_code="VN"), format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Đơn vị phải trực thuộc một xã, phường, đặc khu hoặc một tỉnh."}


def test_update_unit_bumps_version_and_audits(tree: Tree, province_officer: User) -> None:
    response = client_for(province_officer).patch(
        f"{UNITS}{tree.unit.pk}/",
        {"name": "Tổ dân phố 1 (mới)", "people_count": 330, "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    tree.unit.refresh_from_db()
    assert tree.unit.name == "Tổ dân phố 1 (mới)"
    [event] = events(tree.unit, AuditAction.UPDATE)
    assert event.changes["people_count"] == [320, 330]


def test_unit_officer_may_edit_their_own_unit(tree: Tree, unit_officer: User) -> None:
    client = client_for(unit_officer)
    response = client.patch(f"{UNITS}{tree.unit.pk}/", {"address": "12 Lê Lợi", "version": 1}, format="json")
    assert response.status_code == 200
    assert (
        client.patch(f"{UNITS}{tree.school.pk}/", {"address": "x", "version": 1}, format="json").status_code
        == 404
    )


def test_naming_the_current_parent_is_not_a_move(tree: Tree, unit_officer: User) -> None:
    # The unit officer cannot see the commune, but may send the unit back as it was read.
    response = client_for(unit_officer).patch(
        f"{UNITS}{tree.unit.pk}/",
        {"parent_code": "X21583", "address": "12 Lê Lợi", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    moved = client_for(unit_officer).patch(
        f"{UNITS}{tree.unit.pk}/", {"parent_code": "X21600", "version": 2}, format="json"
    )
    assert moved.status_code == 400


def test_inspector_cannot_edit(tree: Tree, inspector: User) -> None:
    response = client_for(inspector).patch(
        f"{UNITS}{tree.unit.pk}/", {"name": "X", "version": 1}, format="json"
    )
    assert response.status_code == 403


def test_stale_version_is_409(tree: Tree, province_officer: User, commune_police: User) -> None:
    url = f"{UNITS}{tree.unit.pk}/"
    assert (
        client_for(commune_police).patch(url, {"name": "Sửa trước", "version": 1}, format="json").status_code
        == 200
    )
    response = client_for(province_officer).patch(url, {"name": "Sửa sau", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Bản ghi đã được người khác sửa lúc")
    tree.unit.refresh_from_db()
    assert tree.unit.name == "Sửa trước"


def test_update_requires_version(tree: Tree, province_officer: User) -> None:
    response = client_for(province_officer).patch(f"{UNITS}{tree.unit.pk}/", {"name": "X"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()


def test_move_unit_needs_create_right_on_the_new_parent(
    tree: Tree, province_officer: User, commune_police: User
) -> None:
    url = f"{UNITS}{tree.unit.pk}/"
    refused = client_for(commune_police).patch(
        url, {"parent": tree.sibling_commune.pk, "version": 1}, format="json"
    )
    assert refused.status_code == 400  # the sibling commune is not visible to this commune's police
    moved = client_for(province_officer).patch(url, {"parent_code": "X21600", "version": 1}, format="json")
    assert moved.status_code == 200
    tree.unit.refresh_from_db()
    assert tree.unit.parent == tree.sibling_commune


def test_deactivate_and_reactivate(tree: Tree, commune_police: User) -> None:
    client = client_for(commune_police)
    url = f"{UNITS}{tree.unit.pk}/"
    response = client.post(
        f"{url}deactivate/", {"reason": "Sáp nhập tổ dân phố", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    [event] = events(tree.unit, AuditAction.DEACTIVATE)
    assert event.reason == "Sáp nhập tổ dân phố"
    stale = client.post(f"{url}reactivate/", {"reason": "Nhầm", "version": 1}, format="json")
    assert stale.status_code == 409
    back = client.post(f"{url}reactivate/", {"reason": "Nhầm", "version": 2}, format="json")
    assert back.status_code == 200
    assert back.json()["is_active"] is True
    assert len(events(tree.unit, AuditAction.REACTIVATE)) == 1


def test_deactivate_needs_reason_and_role(tree: Tree, commune_police: User, unit_officer: User) -> None:
    url = f"{UNITS}{tree.unit.pk}/deactivate/"
    assert client_for(commune_police).post(url, {"version": 1}, format="json").status_code == 400
    assert client_for(unit_officer).post(url, {"reason": "x", "version": 1}, format="json").status_code == 403
    assert (
        client_for(commune_police)
        .post(f"{UNITS}{tree.other_unit.pk}/deactivate/", {"reason": "x", "version": 1}, format="json")
        .status_code
        == 404
    )


# --- Nodes -----------------------------------------------------------------------------------


def test_nodes_are_scoped(tree: Tree, commune_police: User) -> None:
    client = client_for(commune_police)
    assert codes(client.get(NODES)) == {"X21583", "X21583-KDC01", "X21583-CSGD01"}
    assert client.get(f"{NODES}{tree.province.pk}/").status_code == 404
    assert client.get(f"{NODES}{tree.commune.pk}/").json()["parent"]["code"] == "T52"


def test_node_filters(tree: Tree, province_officer: User) -> None:
    client = client_for(province_officer)
    assert codes(client.get(NODES, {"parent": tree.province.pk})) == {"X21583", "X21600"}
    assert codes(client.get(NODES, {"kind": NodeKind.COMMUNE})) == {"X21583", "X21600"}
    assert codes(client.get(NODES, {"q": "tay son"})) == {"X21600"}
    assert codes(client.get(NODES, {"parent": tree.other_province.pk})) == set()


# --- Memberships -----------------------------------------------------------------------------


def test_membership_list_is_scoped(
    tree: Tree, province_officer: User, commune_police: User, admin: User
) -> None:
    f.user_with_role("khac.tinh", Role.COMMUNE_POLICE, tree.other_commune)
    response = client_for(province_officer).get(MEMBERSHIPS)
    assert response.status_code == 200
    usernames = {row["user"]["username"] for row in response.json()["results"]}
    assert usernames == {"tinh.canbo", "xa.congan"}


def test_membership_list_needs_the_manage_right(tree: Tree, commune_police: User) -> None:
    assert client_for(commune_police).get(MEMBERSHIPS).status_code == 403


def test_province_officer_grants_a_membership(
    tree: Tree, province_officer: User, commune_police: User
) -> None:
    response = client_for(province_officer).post(
        MEMBERSHIPS,
        {"user": commune_police.pk, "node": tree.sibling_commune.pk, "role": Role.COMMUNE_LEADER},
        format="json",
    )
    assert response.status_code == 201, response.json()
    membership = Membership.objects.get(pk=response.json()["id"])
    assert (membership.user, membership.node, membership.role) == (
        commune_police,
        tree.sibling_commune,
        Role.COMMUNE_LEADER,
    )
    assert len(events(membership, AuditAction.CREATE)) == 1


def test_granting_system_admin_is_refused(tree: Tree, province_officer: User, commune_police: User) -> None:
    response = client_for(province_officer).post(
        MEMBERSHIPS,
        {"user": commune_police.pk, "node": tree.province.pk, "role": Role.SYSTEM_ADMIN},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Bạn không được cấp vai trò này tại đơn vị này (hoặc cho cả cấp dưới của đơn vị này)."
    }
    assert not Membership.objects.filter(role=Role.SYSTEM_ADMIN, user=commune_police).exists()


def test_grant_outside_scope_is_refused(tree: Tree, province_officer: User) -> None:
    stranger = f.user_with_role("khac.tinh", Role.COMMUNE_POLICE, tree.other_commune)
    response = client_for(province_officer).post(
        MEMBERSHIPS,
        {"user": stranger.pk, "node": tree.other_commune.pk, "role": Role.COMMUNE_LEADER},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"user", "node"}


def test_revoke_membership(tree: Tree, province_officer: User, commune_police: User) -> None:
    membership = commune_police.memberships.get()
    client = client_for(province_officer)
    assert client.post(f"{MEMBERSHIPS}{membership.pk}/revoke/", {}, format="json").status_code == 400
    response = client.post(
        f"{MEMBERSHIPS}{membership.pk}/revoke/", {"reason": "Chuyển công tác"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    [event] = events(membership, AuditAction.DEACTIVATE)
    assert event.reason == "Chuyển công tác"
    # The revoked user's token still authenticates but no longer sees anything.
    assert codes(client_for(commune_police).get(UNITS)) == set()


def test_revoke_out_of_scope_is_404(tree: Tree, province_officer: User) -> None:
    stranger = f.user_with_role("khac.tinh", Role.COMMUNE_POLICE, tree.other_commune)
    membership = stranger.memberships.get()
    response = client_for(province_officer).post(
        f"{MEMBERSHIPS}{membership.pk}/revoke/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404


def test_membership_404_outside_scope_before_403_without_the_right(
    tree: Tree, commune_police: User, unit_officer: User
) -> None:
    membership = commune_police.memberships.get()
    url = f"{MEMBERSHIPS}{membership.pk}/revoke/"
    # The commune police sees its own commune's memberships but may not manage them.
    assert client_for(commune_police).post(url, {"reason": "x"}, format="json").status_code == 403
    # The unit officer does not see the commune at all.
    assert client_for(unit_officer).post(url, {"reason": "x"}, format="json").status_code == 404
    assert client_for(unit_officer).get(f"{MEMBERSHIPS}{membership.pk}/").status_code == 404
    assert Membership.objects.get(pk=membership.pk).is_active


def test_me_lists_memberships_and_what_may_be_granted(tree: Tree, province_officer: User) -> None:
    data = client_for(province_officer).get("/api/v1/me/").json()
    assert [m["node"]["code"] for m in data["memberships"]] == ["T52"]
    assert {r["role"] for r in data["grantable_roles"]} == {
        Role.UNIT_OFFICER,
        Role.COMMUNE_POLICE,
        Role.COMMUNE_LEADER,
        Role.INSPECTOR,
    }
    assert "membership_manage" in data["actions"]


# --- Schema and docs -------------------------------------------------------------------------


def test_schema_is_valid_openapi(tree: Tree) -> None:
    response = APIClient().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert "/api/v1/units/{id}/deactivate/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_docs_render_swagger_ui_from_local_assets(tree: Tree) -> None:
    response = APIClient().get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html

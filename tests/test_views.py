"""Registry and account screens as a user drives them (Django test client, real database)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from antq.accounts.models import Membership
from antq.audit.models import AuditEvent
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from tests import factories as f


def test_unit_list_search_without_accents_finds_accented_names(client, tree, province_officer):
    client.force_login(province_officer)
    response = client.get(reverse("units:list"), {"q": "kien my"})
    assert [u.code for u in response.context["page"].items] == ["X21600-KDC01"]
    assert "Thôn Kiên Mỹ" in response.content.decode()


def test_unit_list_filters_by_kind_eligibility_and_status(client, tree, province_officer):
    f.unit(tree.commune, "Trường Tiểu học Lê Lợi", "TH-1", kind=NodeKind.SCHOOL, education_level="primary")
    client.force_login(province_officer)
    schools = client.get(reverse("units:list"), {"kind": "school"}).context["page"].items
    assert {u.code for u in schools} == {"X21583-CSGD01", "TH-1"}
    excluded = client.get(reverse("units:list"), {"eligibility": "excluded"}).context["page"].items
    assert [u.code for u in excluded] == ["TH-1"]
    assert client.get(reverse("units:list"), {"status": "inactive"}).context["total"].count == 0


def test_a_long_list_is_counted_only_up_to_the_limit(client, tree, province_officer, monkeypatch):
    """Past COUNT_LIMIT the page stops counting and says "more than": the count is bounded work."""
    client.force_login(province_officer)
    every = client.get(reverse("units:list")).context["total"]
    assert every.count > 2 and not every.more
    monkeypatch.setattr("antq.core.pagination.COUNT_LIMIT", 2)
    response = client.get(reverse("units:list"))
    assert response.context["total"].count == 2 and response.context["total"].more
    assert "Hơn 2 đơn vị" in response.content.decode()


def test_htmx_search_returns_only_the_results_fragment(client, tree, commune_police):
    client.force_login(commune_police)
    response = client.get(reverse("units:list"), {"q": "nguyen du"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "Trường THCS Nguyễn Du" in body


def test_keyset_pages_walk_forward_and_back_without_gaps(client, tree, commune_police):
    for n in range(120):
        f.unit(tree.commune, f"Thôn {n:03d}", f"T-{n:03d}")
    client.force_login(commune_police)
    seen: list[str] = []
    response = client.get(reverse("units:list"))
    pages = [response.context["page"]]
    while pages[-1].next_token:
        pages.append(client.get(reverse("units:list"), {"after": pages[-1].next_token}).context["page"])
    for page in pages:
        seen += [u.code for u in page.items]
    assert len(seen) == len(set(seen)) == 122
    back = client.get(reverse("units:list"), {"before": pages[2].prev_token}).context["page"]
    assert [u.code for u in back.items] == [u.code for u in pages[1].items]


def test_unit_list_query_count_does_not_grow_with_rows(
    client, tree, commune_police, django_assert_max_num_queries
):
    for n in range(60):
        f.unit(tree.commune, f"Thôn {n}", f"Q-{n}")
    client.force_login(commune_police)
    # + 3 for the page frame: the bell's unread count, the due-next banner's cycle and overrides.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("units:list"))
    assert len(response.context["page"].items) == 50


def test_create_form_shows_vietnamese_error_next_to_the_field(client, tree, commune_police):
    client.force_login(commune_police)
    response = client.post(
        reverse("units:create"),
        {"kind": "enterprise", "name": "Công ty A", "code": "DN-A", "parent": tree.commune.pk},
    )
    assert response.status_code == 200
    assert "Vui lòng chọn quy mô doanh nghiệp." in response.context["form"].errors["enterprise_size"]
    assert not OrgNode.objects.filter(code="DN-A").exists()


def test_create_then_edit_a_unit_through_the_forms(client, tree, commune_police):
    client.force_login(commune_police)
    response = client.post(
        reverse("units:create"),
        {
            "kind": "agency",
            "name": "Trạm Y tế phường Quy Nhơn",
            "code": "CQ-YT",
            "parent": tree.commune.pk,
            "people_count": 12,
        },
    )
    unit = OrgNode.objects.get(code="CQ-YT")
    assert response.status_code == 302 and response["Location"] == reverse("units:detail", args=[unit.pk])
    data = {
        "name": "Trạm Y tế phường Quy Nhơn",
        "code": "CQ-YT",
        "parent": tree.commune.pk,
        "people_count": 14,
        "version": 1,
    }
    assert client.post(reverse("units:edit", args=[unit.pk]), data).status_code == 302
    unit.refresh_from_db()
    assert unit.people_count == 14 and unit.kind == "agency"


def test_second_writer_with_a_stale_form_is_told_and_nothing_is_overwritten(client, tree, commune_police):
    client.force_login(commune_police)
    data = {"name": tree.unit.name, "code": tree.unit.code, "parent": tree.commune.pk, "version": 1}
    assert (
        client.post(reverse("units:edit", args=[tree.unit.pk]), {**data, "people_count": 1}).status_code
        == 302
    )
    response = client.post(reverse("units:edit", args=[tree.unit.pk]), {**data, "people_count": 2})
    assert response.status_code == 200
    assert "Bản ghi đã được người khác sửa lúc" in response.content.decode()
    tree.unit.refresh_from_db()
    assert tree.unit.people_count == 1


def test_unit_officer_edits_own_unit_but_cannot_move_it(client, tree, unit_officer):
    client.force_login(unit_officer)
    data = {"name": tree.unit.name, "code": tree.unit.code, "parent": tree.sibling_commune.pk, "version": 1}
    response = client.post(reverse("units:edit", args=[tree.unit.pk]), data)
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    data["parent"] = tree.commune.pk
    data["contact_phone"] = "0912345678"
    assert client.post(reverse("units:edit", args=[tree.unit.pk]), data).status_code == 302


def test_deactivate_keeps_unit_and_shows_it_in_history(client, tree, commune_police):
    client.force_login(commune_police)
    client.post(reverse("units:deactivate", args=[tree.unit.pk]), {"reason": "Sáp nhập", "version": 1})
    page = client.get(reverse("units:detail", args=[tree.unit.pk])).content.decode()
    assert "Ngừng hoạt động" in page and "Sáp nhập" in page


def test_excluded_unit_shows_the_reason(client, tree, commune_police):
    school = f.unit(
        tree.commune, "Trường Mầm non Sơn Ca", "MN-1", kind=NodeKind.SCHOOL, education_level="preschool"
    )
    client.force_login(commune_police)
    page = client.get(reverse("units:detail", args=[school.pk])).content.decode()
    assert "tiểu học, mầm non, nhà trẻ" in page


def test_province_officer_creates_a_user_with_a_role_in_the_province(client, tree, province_officer):
    client.force_login(province_officer)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "canbo.moi",
            "full_name": "Nguyễn Văn Mới",
            "email": "",
            "password": "mot-mat-khau-du-dai",
            "node": tree.unit.code,
            "role": "unit_officer",
            "include_descendants": "on",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="canbo.moi")
    assert membership.node == tree.unit and membership.role == "unit_officer"
    assert AuditEvent.objects.filter(object_type="accounts.membership", action="create").exists()


def test_province_officer_cannot_grant_out_of_scope_or_province_roles(client, tree, province_officer):
    client.force_login(province_officer)
    base = {
        "username": "x",
        "full_name": "X Y",
        "password": "mot-mat-khau-du-dai",
        "include_descendants": "on",
    }
    out = client.post(
        reverse("accounts:user_create"), {**base, "node": tree.other_unit.code, "role": "unit_officer"}
    )
    assert "node" in out.context["form"].errors
    admin_role = client.post(
        reverse("accounts:user_create"), {**base, "node": tree.commune.code, "role": "system_admin"}
    )
    assert "role" in admin_role.context["form"].errors
    assert not User.objects.filter(username="x").exists()


def test_revoking_a_membership_removes_the_scope_at_once(client, tree, province_officer, commune_police):
    membership = Membership.objects.get(user=commune_police)
    client.force_login(province_officer)
    client.post(reverse("accounts:membership_revoke", args=[membership.pk]), {"reason": "Chuyển công tác"})
    client.force_login(commune_police)
    assert client.get(reverse("units:detail", args=[tree.unit.pk])).status_code == 404


@pytest.mark.django_db
def test_login_page_is_vietnamese_and_locks_out_after_repeated_failures(client, tree, commune_police):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="vi"' in page and "Đăng nhập ANTQ" in page
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "xa.congan", "password": "sai"})
    locked = client.post(reverse("accounts:login"), {"username": "xa.congan", "password": f.PASSWORD})
    assert locked.status_code == 429
    assert "tạm khoá" in locked.content.decode()


def test_audit_log_is_scoped(client, tree, admin, commune_police, province_officer):
    from antq.org import services

    services.unit_update(by=admin, unit=tree.other_unit, data={"people_count": 5})
    services.unit_update(by=admin, unit=tree.unit, data={"people_count": 6})
    client.force_login(commune_police)
    events = client.get(reverse("audit:list")).context["page"].object_list
    assert [e.object_id for e in events] == [str(tree.unit.pk)]


def test_breadcrumb_switch_only_to_nodes_in_scope(client, tree, province_officer):
    client.force_login(province_officer)
    assert client.post(reverse("org:switch", args=[tree.commune.pk])).status_code == 302
    home = client.get(reverse("home"))
    assert home.context["current_node"] == tree.commune
    assert [n.code for n in home.context["breadcrumb"]] == ["T52", "X21583"]
    assert client.post(reverse("org:switch", args=[tree.other_commune.pk])).status_code == 404


def test_english_is_available_through_the_language_switch(client, tree, commune_police):
    client.force_login(commune_police)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("units:list")).content.decode()
    assert 'lang="en"' in page


def test_admin_renames_a_commune_with_audit_and_others_cannot(client, tree, admin, province_officer):
    url = reverse("org:node_edit", args=[tree.commune.pk])
    client.force_login(province_officer)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    data = {
        "name": "Phường Quy Nhơn Mới",
        "short_name": "",
        "division": "Phường",
        "valid_from": "2025-07-01",
        "valid_to": "",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    tree.commune.refresh_from_db()
    assert tree.commune.name == "Phường Quy Nhơn Mới" and "phuong quy nhon moi" in tree.commune.search_text
    event = AuditEvent.objects.get(object_id=str(tree.commune.pk), action="update")
    assert event.changes["name"] == ["Phường Quy Nhơn", "Phường Quy Nhơn Mới"]
    bad = client.post(url, {**data, "valid_to": "2020-01-01", "version": 2})
    assert bad.status_code == 200 and bad.context["form"].non_field_errors()


def test_tree_browser_query_count_does_not_grow_with_children(
    client, tree, province_officer, django_assert_max_num_queries
):
    for n in range(30):
        commune = f.node(NodeKind.COMMUNE, f"Xã Thử {n}", f"XT-{n}", tree.province, division="Xã")
        f.unit(commune, f"Thôn {n}", f"XT-{n}-1")
    client.force_login(province_officer)
    # + 3 for the page frame: the bell's unread count, the due-next banner's cycle and overrides.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("org:browse"), {"node": tree.province.pk})
    counts = dict((child.code, n) for child, n in response.context["rows"])
    assert counts["XT-7"] == 1 and counts["X21583"] == 2


def test_province_officer_filters_the_list_by_commune(client, tree, province_officer):
    client.force_login(province_officer)
    client.post(reverse("org:switch", args=[tree.province.pk]))
    response = client.get(reverse("units:list"))
    assert [c.code for c in response.context["communes"]] == ["X21583", "X21600"]
    filtered = client.get(reverse("units:list"), {"commune": tree.sibling_commune.pk})
    assert [u.code for u in filtered.context["page"].items] == ["X21600-KDC01"]


def test_a_grant_without_descendants_does_not_list_what_is_below(client, tree):
    narrow = f.user_with_role("xa.hep", "commune_leader", tree.commune, include_descendants=False)
    client.force_login(narrow)
    response = client.get(reverse("org:browse"), {"node": tree.commune.pk})
    assert response.status_code == 200
    assert client.get(reverse("units:detail", args=[tree.unit.pk])).status_code == 404
    assert response.context["by_kind"] == {}


def test_back_button_restore_gets_the_whole_page_not_the_fragment(client, tree, commune_police):
    client.force_login(commune_police)
    response = client.get(
        reverse("units:list"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_demo_data_is_refused_in_production(db, settings):
    from antq.core.errors import DomainError
    from antq.demo.data import load_demo

    settings.PRODUCTION = True
    with pytest.raises(DomainError):
        load_demo()


def test_history_reads_in_words_not_codes(client, tree, commune_police, django_assert_max_num_queries):
    from antq.org import services

    client.force_login(commune_police)
    firm = services.unit_create(
        by=commune_police,
        parent=tree.commune,
        data={"kind": "enterprise", "name": "Công ty Phú Tài", "code": "DN-PT", "enterprise_size": "small"},
    )
    services.unit_set_active(by=commune_police, unit=firm, active=False, reason="Giải thể")
    with django_assert_max_num_queries(18):
        page = client.get(reverse("units:detail", args=[firm.pk])).content.decode()
    assert "Doanh nghiệp nhỏ, siêu nhỏ" in page and "EXC_SMALL" not in page
    assert "Phường Quy Nhơn" in page and "Nhỏ" in page and "Có → Không" in page
    assert "Thử xa.congan" in page  # the actor's full name, not the login


def test_export_link_follows_the_filters_applied_by_htmx(client, tree, commune_police):
    client.force_login(commune_police)
    fragment = client.get(reverse("units:list"), {"kind": "school"}, HTTP_HX_REQUEST="true").content.decode()
    assert "export.xlsx?kind=school" in fragment


def test_a_new_unit_without_code_gets_the_next_free_one(client, tree, commune_police):
    client.force_login(commune_police)
    client.post(
        reverse("units:create"),
        {"kind": "residential_area", "name": "Tổ dân phố 9", "code": "", "parent": tree.commune.pk},
    )
    assert OrgNode.objects.get(name="Tổ dân phố 9").code == "X21583-KDC02"


def test_only_an_administrator_changes_a_unit_code(client, tree, unit_officer, admin):
    data = {"name": tree.unit.name, "code": "TDP1-MOI", "parent": tree.commune.pk, "version": 1}
    client.force_login(unit_officer)
    client.post(reverse("units:edit", args=[tree.unit.pk]), data)
    tree.unit.refresh_from_db()
    assert tree.unit.code == "X21583-KDC01"
    data["version"] = tree.unit.version
    client.force_login(admin)
    assert client.post(reverse("units:edit", args=[tree.unit.pk]), data).status_code == 302
    tree.unit.refresh_from_db()
    assert tree.unit.code == "TDP1-MOI"


def test_codes_are_stored_in_capitals(tree, commune_police):
    from antq.org import services

    unit = services.unit_create(
        by=commune_police,
        parent=tree.commune,
        data={"kind": "agency", "name": "Trạm Y tế", "code": " x21583-cq09 "},
    )
    assert unit.code == "X21583-CQ09"

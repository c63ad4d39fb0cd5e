"""The tree, the registry services, eligibility and the admin-unit loader."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from antq.audit.models import AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.text import fold, search_tokens
from antq.org import services
from antq.org.admin_units import load_current_admin_units
from antq.org.choices import EducationLevel, EnterpriseSize, NodeKind
from antq.org.models import OrgNode, subtree_upper_bound


def test_fold_strips_vietnamese_accents_and_maps_d_stroke():
    assert fold("Phường Tân Phú") == "phuong tan phu"
    assert fold("ĐÔNG  Hà") == "dong ha"
    assert search_tokens("  Đông   hà ") == ["dong", "ha"]


def test_subtree_upper_bound_is_the_next_sibling_prefix():
    assert subtree_upper_bound("000001000009") == "000001000010"


def test_subtree_query_excludes_siblings_and_other_provinces(tree):
    codes = set(OrgNode.objects.in_subtree(tree.commune).values_list("code", flat=True))
    assert codes == {"X21583", "X21583-KDC01", "X21583-CSGD01"}


def test_search_is_accent_insensitive_on_the_stored_key(tree):
    found = OrgNode.objects.search(search_tokens("to dan pho quy nhon"))
    assert list(found.values_list("code", flat=True)) == ["X21583-KDC01"]
    assert (
        OrgNode.objects.search(search_tokens("dong ha")).filter(kind=NodeKind.COMMUNE).get()
        == tree.other_commune
    )


def test_unit_create_places_unit_under_commune_and_audits(tree, commune_police):
    unit = services.unit_create(
        by=commune_police,
        parent=tree.commune,
        data={
            "kind": NodeKind.ENTERPRISE,
            "name": "Công ty TNHH Phú Tài",
            "code": "DN-PT",
            "enterprise_size": EnterpriseSize.MEDIUM,
        },
    )
    assert unit.path.startswith(tree.commune.path) and unit.depth == tree.commune.depth + 1
    assert unit.is_eligible
    event = AuditEvent.objects.get(object_id=str(unit.pk), action="create")
    assert event.actor == commune_police and event.changes["name"] == [None, "Công ty TNHH Phú Tài"]


@pytest.mark.parametrize(
    ("kind", "attrs", "code"),
    [
        (NodeKind.ENTERPRISE, {"enterprise_size": EnterpriseSize.SMALL}, "EXC_SMALL_MICRO_ENTERPRISE"),
        (NodeKind.ENTERPRISE, {"enterprise_size": EnterpriseSize.MICRO}, "EXC_SMALL_MICRO_ENTERPRISE"),
        (NodeKind.SCHOOL, {"education_level": EducationLevel.PRIMARY}, "EXC_PRIMARY_PRESCHOOL"),
        (NodeKind.SCHOOL, {"education_level": EducationLevel.CRECHE}, "EXC_PRIMARY_PRESCHOOL"),
        (NodeKind.AGENCY, {"is_armed_forces": True}, "EXC_ARMED_FORCES"),
        (NodeKind.SCHOOL, {"education_level": EducationLevel.UPPER_SECONDARY}, ""),
        (NodeKind.AGENCY, {}, ""),
    ],
)
def test_units_excluded_by_tt124_are_kept_but_marked(tree, admin, kind, attrs, code):
    unit = services.unit_create(
        by=admin,
        parent=tree.commune,
        data={"kind": kind, "name": "Đơn vị thử", "code": f"U-{kind}-{code}", **attrs},
    )
    assert unit.exclusion_code == code
    assert OrgNode.objects.filter(pk=unit.pk).exists()


def test_unit_cannot_hang_under_another_unit(tree, admin):
    with pytest.raises(DomainError):
        services.unit_create(
            by=admin, parent=tree.unit, data={"kind": NodeKind.AGENCY, "name": "X", "code": "X-1"}
        )


def test_duplicate_code_is_refused_with_a_field_error(tree, admin):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            by=admin,
            parent=tree.commune,
            data={"kind": NodeKind.AGENCY, "name": "Trùng mã", "code": "X21583-KDC01"},
        )
    assert "code" in exc.value.error_dict


def test_update_records_old_and_new_values_and_bumps_version(tree, commune_police):
    unit = services.unit_update(
        by=commune_police, unit=tree.unit, data={"people_count": 400}, expected_version=1
    )
    assert unit.version == 2
    event = AuditEvent.objects.get(object_id=str(unit.pk), action="update")
    assert event.changes == {"people_count": [320, 400]}


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(tree, commune_police, commune_leader):
    services.unit_update(by=commune_police, unit=tree.unit, data={"people_count": 400}, expected_version=1)
    with pytest.raises(ConcurrentEditError):
        services.unit_update(
            by=commune_police, unit=tree.unit, data={"people_count": 999}, expected_version=1
        )
    tree.unit.refresh_from_db()
    assert tree.unit.people_count == 400


def test_moving_a_unit_to_another_commune_rewrites_its_path(tree, province_officer):
    moved = services.unit_update(by=province_officer, unit=tree.unit, data={}, parent=tree.sibling_commune)
    assert moved.path.startswith(tree.sibling_commune.path)
    assert OrgNode.objects.in_subtree(tree.sibling_commune).filter(pk=moved.pk).exists()
    assert not OrgNode.objects.in_subtree(tree.commune).filter(pk=moved.pk).exists()


def test_changing_size_recomputes_eligibility(tree, admin):
    firm = services.unit_create(
        by=admin,
        parent=tree.commune,
        data={
            "kind": NodeKind.ENTERPRISE,
            "name": "Công ty",
            "code": "DN-1",
            "enterprise_size": EnterpriseSize.LARGE,
        },
    )
    firm = services.unit_update(by=admin, unit=firm, data={"enterprise_size": EnterpriseSize.SMALL})
    assert firm.exclusion_code == "EXC_SMALL_MICRO_ENTERPRISE"


def test_deactivate_needs_a_reason_and_keeps_the_row(tree, commune_police):
    with pytest.raises(DomainError):
        services.unit_set_active(by=commune_police, unit=tree.unit, active=False, reason=" ")
    services.unit_set_active(by=commune_police, unit=tree.unit, active=False, reason="Sáp nhập thôn")
    tree.unit.refresh_from_db()
    assert not tree.unit.is_active
    assert AuditEvent.objects.get(action="deactivate").reason == "Sáp nhập thôn"


@pytest.mark.django_db
def test_load_admin_units_gives_34_provinces_and_3321_communes_and_is_idempotent():
    first = load_current_admin_units()
    assert OrgNode.objects.filter(kind=NodeKind.PROVINCE).count() == 34
    assert OrgNode.objects.filter(kind=NodeKind.COMMUNE).count() == 3321
    assert first.created == 1 + 34 + 3321
    assert (
        OrgNode.objects.filter(kind=NodeKind.PROVINCE, division="Thành phố trực thuộc trung ương").count()
        == 6
    )
    snapshot = list(OrgNode.objects.order_by("pk").values_list("pk", "path", "name", "updated_at"))
    second = load_current_admin_units()
    assert (second.created, second.updated) == (0, 0)
    assert list(OrgNode.objects.order_by("pk").values_list("pk", "path", "name", "updated_at")) == snapshot
    gia_lai = OrgNode.objects.get(code="T52")
    assert gia_lai.name == "Tỉnh Gia Lai"
    assert OrgNode.objects.in_subtree(gia_lai).filter(kind=NodeKind.COMMUNE).count() == 135


@pytest.mark.django_db
def test_reloading_after_an_official_rename_updates_the_name_and_audits_it():
    load_current_admin_units(province_numbers={52})
    commune = OrgNode.objects.get(code="X21583")
    official = commune.name
    OrgNode.objects.filter(pk=commune.pk).update(name="Tên cũ")
    result = load_current_admin_units(province_numbers={52})
    assert result.updated == 1
    commune.refresh_from_db()
    assert commune.name == official
    event = AuditEvent.objects.get(object_id=str(commune.pk), action="update")
    assert event.changes["name"] == ["Tên cũ", official]


def test_a_new_root_takes_the_path_after_the_highest_root(tree):
    # Roots numbered 1 and 3 (2 was never used, or was loaded elsewhere): counting them gives 3.
    stray = OrgNode(kind=NodeKind.NATION, name="Gốc lẻ", code="ROOT-3")
    services.prepare_node(stray, path="000003").save()
    assert services.allocate_child_paths(None, 2) == ["000004", "000005"]
    root = services.node_create(by=None, parent=None, kind=NodeKind.NATION, name="Gốc mới", code="ROOT-4")
    assert root.path == "000004" and root.depth == 0


def test_a_code_taken_at_the_same_moment_is_a_field_error_and_writes_nothing(tree, admin, monkeypatch):
    # Two requests pass `full_clean` with the same free code; the second INSERT then hits the
    # unique index. Skipping the check reproduces the second request.
    monkeypatch.setattr(OrgNode, "full_clean", lambda self, *args, **kwargs: None)
    counter = OrgNode.objects.get(pk=tree.commune.pk).child_counter
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            by=admin,
            parent=tree.commune,
            data={"kind": NodeKind.AGENCY, "name": "Trùng mã", "code": "X21583-KDC01"},
        )
    assert exc.value.message_dict == {"code": ["Mã đơn vị đã tồn tại."]}
    assert not OrgNode.objects.filter(name="Trùng mã").exists()
    assert OrgNode.objects.get(pk=tree.commune.pk).child_counter == counter
    assert AuditEvent.objects.count() == events

    with pytest.raises(ValidationError) as exc:
        services.unit_update(by=admin, unit=tree.school, data={"code": "X21583-KDC01", "name": "Đổi tên"})
    assert "code" in exc.value.message_dict
    school = OrgNode.objects.get(pk=tree.school.pk)
    assert (school.code, school.name, school.version) == ("X21583-CSGD01", tree.school.name, 1)
    assert AuditEvent.objects.count() == events

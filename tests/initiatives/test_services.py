"""Writes of the initiatives app: rules, permissions, audit, optimistic locking, all-or-nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from antq.accounts.scope import Scope
from antq.audit.models import AuditAction, AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.evidence.models import DocType, EvidenceDocument
from antq.initiatives import services
from antq.initiatives.catalogue import seeded_types, sync_types
from antq.initiatives.choices import InitiativeStatus
from antq.initiatives.models import Initiative, InitiativeType
from tests.initiatives.conftest import kind

pytestmark = pytest.mark.django_db


def _events(obj: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id")  # type: ignore[attr-defined]
    )


def test_the_migration_seeds_the_catalogue_and_the_loader_is_idempotent(db):
    codes = set(InitiativeType.objects.values_list("code", flat=True))
    assert {t["code"] for t in seeded_types()} <= codes
    assert {"camera_an_ninh", "to_hoa_giai", "ba_an_toan", "khu_dan_cu_khong_ma_tuy"} <= codes
    camera = kind()
    assert [i["key"] for i in camera.indicators] == ["cameras_installed", "cameras_online"]
    camera.is_active = False
    camera.save()
    assert sync_types(InitiativeType) == 0
    camera.refresh_from_db()
    assert camera.is_active is False  # a deactivated type is not revived by the loader


def test_unit_officer_registers_an_initiative_of_their_unit_with_its_indicators_copied(
    tree, unit_officer, create
):
    initiative = create(tree.unit, by=unit_officer)
    assert initiative.status == InitiativeStatus.ACTIVE
    assert initiative.indicators == kind().indicators
    [event] = _events(initiative)
    assert event.action == AuditAction.CREATE
    assert event.node_path == tree.unit.path
    assert event.actor == unit_officer


def test_unit_officer_cannot_register_on_another_unit(tree, unit_officer, create):
    with pytest.raises(PermissionDenied):
        create(tree.sibling_unit, by=unit_officer)


def test_province_officer_does_not_record_initiatives(tree, province_officer, create):
    with pytest.raises(PermissionDenied):
        create(tree.unit, by=province_officer)


def test_deactivated_type_is_refused_for_new_initiatives(tree, create):
    camera = kind()
    camera.is_active = False
    camera.save()
    with pytest.raises(ValidationError) as exc:
        create(tree.unit)
    assert "initiative_type" in exc.value.message_dict


def test_founding_decision_must_be_a_document_of_the_same_node(tree, commune_police, create):
    other = EvidenceDocument.objects.create(
        node=tree.commune,
        year=2025,
        doc_type=DocType.QUYET_DINH,
        issue_date=dt.date(2025, 2, 1),
        title="Quyết định thành lập",
        file="x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=commune_police,
    )
    with pytest.raises(ValidationError) as exc:
        create(tree.unit, founding_decision=other)
    assert "founding_decision" in exc.value.message_dict
    initiative = create(tree.commune, founding_decision=other)
    assert initiative.founding_decision == other


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(tree, commune_police, create):
    initiative = create(tree.unit)
    scope = Scope.for_user(commune_police)
    services.initiative_update(
        by=commune_police, scope=scope, initiative=initiative, data={"name": "Tên mới"}, expected_version=1
    )
    with pytest.raises(ConcurrentEditError):
        services.initiative_update(
            by=commune_police,
            scope=scope,
            initiative=initiative,
            data={"name": "Tên khác"},
            expected_version=1,
        )
    initiative.refresh_from_db()
    assert initiative.name == "Tên mới"
    assert initiative.version == 2
    assert _events(initiative)[-1].changes == {"name": ["Camera an ninh tổ dân phố 1", "Tên mới"]}


def test_activity_checks_date_and_indicator_values_naming_the_indicator(tree, commune_police, create):
    initiative = create(tree.unit)
    scope = Scope.for_user(commune_police)
    with pytest.raises(ValidationError) as exc:
        services.activity_add(
            by=commune_police,
            scope=scope,
            initiative=initiative,
            data={
                "occurred_on": dt.date(2024, 1, 1),
                "content": "",
                "indicator_values": {"cameras_online": -2},
            },
        )
    errors = exc.value.message_dict
    assert set(errors) == {"occurred_on", "content", "indicator_values"}
    assert "Số camera đang hoạt động" in errors["indicator_values"][0]
    activity = services.activity_add(
        by=commune_police,
        scope=scope,
        initiative=initiative,
        data={
            "occurred_on": dt.date(2025, 6, 1),
            "content": "Lắp camera",
            "indicator_values": {"cameras_online": "7"},
        },
    )
    assert activity.indicator_values == {"cameras_online": 7}
    assert _events(activity)[0].changes["indicator_values"] == [None, {"cameras_online": 7}]


def test_evaluation_is_the_superiors_and_one_per_year(
    tree, commune_police, unit_officer, province_officer, create
):
    initiative = create(tree.unit)
    with pytest.raises(PermissionDenied):
        services.evaluation_save(
            by=unit_officer,
            scope=Scope.for_user(unit_officer),
            initiative=initiative,
            year=2025,
            rating="tot",
            indicator_values={},
            comment="",
        )
    scope = Scope.for_user(commune_police)
    row = services.evaluation_save(
        by=commune_police,
        scope=scope,
        initiative=initiative,
        year=2025,
        rating="kha",
        indicator_values={"cameras_installed": 12},
        comment="Hoạt động đều",
    )
    # A second save without the version seen is refused: it would overwrite someone's evaluation.
    with pytest.raises(ConcurrentEditError):
        services.evaluation_save(
            by=commune_police,
            scope=scope,
            initiative=initiative,
            year=2025,
            rating="tot",
            indicator_values={},
            comment="",
        )
    updated = services.evaluation_save(
        by=province_officer,
        scope=Scope.for_user(province_officer),
        initiative=initiative,
        year=2025,
        rating="tot",
        indicator_values={},
        comment="Nâng loại",
        expected_version=row.version,
    )
    assert updated.pk == row.pk
    assert updated.rating == "tot"
    assert initiative.evaluations.count() == 1
    assert _events(row)[-1].changes["rating"] == ["kha", "tot"]


def test_commune_police_do_not_evaluate_their_own_communes_initiative(
    tree, commune_police, province_officer, create
):
    initiative = create(tree.commune)
    with pytest.raises(PermissionDenied):
        services.evaluation_save(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            initiative=initiative,
            year=2025,
            rating="tot",
            indicator_values={},
            comment="",
        )
    services.evaluation_save(
        by=province_officer,
        scope=Scope.for_user(province_officer),
        initiative=initiative,
        year=2025,
        rating="tot",
        indicator_values={},
        comment="",
    )


def test_evaluation_refuses_unknown_rating_and_years_before_the_start(tree, province_officer, create):
    initiative = create(tree.unit)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_save(
            by=province_officer,
            scope=Scope.for_user(province_officer),
            initiative=initiative,
            year=2020,
            rating="xuat_sac",
            indicator_values={},
            comment="",
        )
    assert set(exc.value.message_dict) == {"year", "rating"}


def test_retirement_needs_a_reason_goes_through_the_workflow_and_is_audited(tree, province_officer, create):
    initiative = create(tree.unit)
    scope = Scope.for_user(province_officer)  # the superior, who evaluates it
    with pytest.raises(ValidationError):
        services.initiative_retire(by=province_officer, scope=scope, initiative=initiative, reason="  ")
    retired = services.initiative_retire(
        by=province_officer,
        scope=scope,
        initiative=initiative,
        reason="Chỉ tồn tại trên giấy",
        retired_on=dt.date(2025, 9, 30),
        expected_version=1,
    )
    assert retired.status == InitiativeStatus.RETIRED
    assert retired.retired_on == dt.date(2025, 9, 30)
    event = _events(initiative)[-1]
    assert event.action == AuditAction.TRANSITION
    assert event.changes["status"] == ["active", "retired"]
    assert event.reason == "Chỉ tồn tại trên giấy"
    with pytest.raises(DomainError):
        services.initiative_retire(by=province_officer, scope=scope, initiative=retired, reason="Lần nữa")


def test_inspector_cannot_retire(tree, inspector, create):
    initiative = create(tree.unit)
    with pytest.raises(PermissionDenied):
        services.initiative_retire(
            by=inspector, scope=Scope.for_user(inspector), initiative=initiative, reason="Không hoạt động"
        )


def test_replication_copies_the_initiative_not_its_members_and_names_the_original(
    tree, commune_police, create
):
    initiative = create(tree.unit)
    scope = Scope.for_user(commune_police)
    services.member_add(by=commune_police, scope=scope, initiative=initiative, data={"name": "Trần Thị Lan"})
    [copy] = services.initiative_replicate(
        by=commune_police, scope=scope, initiative=initiative, nodes=[tree.school]
    )
    assert copy.node == tree.school
    assert copy.replicated_from == initiative
    assert (copy.initiative_type, copy.name, copy.indicators) == (
        initiative.initiative_type,
        initiative.name,
        initiative.indicators,
    )
    assert copy.members.count() == 0
    assert _events(copy)[0].changes["replicated_from"] == [None, initiative.pk]
    # Again to the same node: refused (the copy exists).
    with pytest.raises(ValidationError):
        services.initiative_replicate(
            by=commune_police, scope=scope, initiative=initiative, nodes=[tree.school]
        )


def test_replication_is_all_or_nothing(tree, commune_police, create):
    initiative = create(tree.unit)
    with pytest.raises(ValidationError) as exc:
        services.initiative_replicate(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            initiative=initiative,
            nodes=[tree.school, tree.sibling_unit],
        )
    assert "Thôn Kiên Mỹ" in exc.value.message_dict["nodes"][0]
    assert Initiative.objects.filter(replicated_from=initiative).count() == 0


def test_catalogue_admin_adds_deactivates_and_never_deletes_a_type_in_use(
    tree, admin, province_officer, create
):
    scope = Scope.for_user(admin)
    with pytest.raises(PermissionDenied):
        services.type_create(
            by=province_officer,
            scope=Scope.for_user(province_officer),
            code="x",
            name="X",
            description="",
            indicators=[],
        )
    new = services.type_create(
        by=admin,
        scope=scope,
        code="nha_an_toan",
        name="Nhà văn hóa an toàn",
        description="",
        indicators=[{"key": "events", "label": "Số buổi sinh hoạt", "unit": "buổi"}],
    )
    with pytest.raises(ValidationError) as exc:
        services.type_create(
            by=admin, scope=scope, code="nha_an_toan", name="Trùng", description="", indicators=[]
        )
    assert "code" in exc.value.message_dict
    create(tree.unit, initiative_type=new)
    with pytest.raises(DomainError):
        services.type_delete(by=admin, scope=scope, kind=new)
    services.type_set_active(by=admin, scope=scope, kind=new, active=False)
    new.refresh_from_db()
    assert new.is_active is False
    assert [e.action for e in _events(new)] == [AuditAction.CREATE, AuditAction.DEACTIVATE]
    unused = services.type_create(
        by=admin, scope=scope, code="tam", name="Tạm", description="", indicators=[]
    )
    services.type_delete(by=admin, scope=scope, kind=unused)
    assert not InitiativeType.objects.filter(code="tam").exists()

"""Plans written through the services: cascade, back-scheduling, warnings, workflow, progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.plans import selectors, services
from antq.plans.choices import PlanStatus, TaskStatus
from antq.plans.models import Plan, PlanTask
from antq.plans.rules import cascade_rules
from tests.plans.conftest import YEAR, add_task, day, issue, make_plan

pytestmark = pytest.mark.django_db


def _cascade(user, parent, node, today=None):  # type: ignore[no-untyped-def]
    return services.plan_cascade(
        by=user, scope=Scope.for_user(user), parent=parent, node=node, today=today or dt.date(YEAR, 1, 5)
    )


def test_new_plan_takes_the_level_defaults_and_is_audited(tree, province_officer):
    plan = make_plan(province_officer, tree.province)
    assert plan.status == PlanStatus.DRAFT
    assert plan.issuer_name == "Ủy ban nhân dân tỉnh Gia Lai"
    assert plan.symbol == "KH-UBND"
    assert plan.place == "Gia Lai"
    assert AuditEvent.objects.filter(
        object_type="plans.plan", object_id=str(plan.pk), action="create"
    ).exists()


def test_commune_police_cannot_draft_the_province_plan(tree, commune_police):
    with pytest.raises(PermissionDenied):
        make_plan(commune_police, tree.province)


def test_cascade_copies_targets_and_back_schedules_deadlines_by_level(tree, province_plan, commune_police):
    child = _cascade(commune_police, province_plan, tree.commune)
    assert child.parent == province_plan
    assert child.status == PlanStatus.DRAFT
    assert child.year == province_plan.year
    assert child.issuer_name == "Ủy ban nhân dân phường Quy Nhơn"
    assert province_plan.code in child.bases
    targets = list(child.targets.order_by("order"))
    assert [(t.label, t.value) for t in targets] == [
        ("Đăng ký phong trào", Decimal("100.00")),
        ("Công nhận đạt chuẩn", Decimal("80.00")),
    ]
    assert all(t.inherited_from.plan_id == province_plan.pk for t in targets)
    lead = cascade_rules().lead_for("commune")
    assert lead == 10  # the documented default of data/cascade.yaml
    tasks = list(child.tasks.order_by("order"))
    assert [t.deadline for t in tasks] == [day(3, 21), day(8, 10), None]
    assert all(t.lead_unit == "Công an phường Quy Nhơn" for t in tasks)
    assert all(t.inherited_from is not None for t in tasks)
    assert not any(t.is_late for t in tasks)


def test_a_unit_finishes_seven_days_before_its_commune(tree, province_plan, commune_police, unit_officer):
    commune_plan = _cascade(commune_police, province_plan, tree.commune)
    issue(commune_police, commune_plan, number="12")
    unit_plan = _cascade(unit_officer, commune_plan, tree.unit)
    assert [t.deadline for t in unit_plan.tasks.order_by("order")] == [day(3, 14), day(8, 3), None]
    assert unit_plan.symbol == "KH"


def test_back_scheduling_never_goes_before_the_drafting_day(tree, province_plan, commune_police):
    child = _cascade(commune_police, province_plan, tree.commune, today=day(3, 25))
    first = child.tasks.order_by("order").first()
    assert first.deadline == day(3, 25)  # 31/3 - 10 days would be before today


def test_cascade_refuses_a_draft_parent_a_non_ancestor_and_a_second_plan(
    tree, province_officer, commune_police, province_plan
):
    draft = make_plan(province_officer, tree.province)
    with pytest.raises(ValidationError) as excinfo:
        _cascade(commune_police, draft, tree.commune)
    assert "parent" in excinfo.value.error_dict
    sibling_plan = make_plan(province_officer, tree.province)
    with pytest.raises(ValidationError):
        services.check_parent(tree.province, sibling_plan)  # its own node is not an ancestor
    _cascade(commune_police, province_plan, tree.commune)
    with pytest.raises(DomainError):
        _cascade(commune_police, province_plan, tree.commune)


def test_a_late_deadline_warns_with_both_dates_and_issuing_keeps_the_warning(
    tree, province_plan, commune_police
):
    child = _cascade(commune_police, province_plan, tree.commune)
    festival = child.tasks.get(content__startswith="Tổ chức Ngày hội")
    services.task_save(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        plan=child,
        task=festival,
        data={"content": festival.content, "lead_unit": festival.lead_unit, "deadline": day(8, 30)},
        expected_version=festival.version,
    )
    rows = selectors.task_rows(child)
    warning = next(r.warning for r in rows if r.task.pk == festival.pk)
    assert warning == f"Hạn 30/08/{YEAR} muộn hơn hạn của kế hoạch cấp trên (20/08/{YEAR})"
    issued = issue(commune_police, child, number="7")
    assert issued.status == PlanStatus.ISSUED
    targets = selectors.target_rows(issued)
    assert selectors.plan_warnings(targets, selectors.task_rows(issued)) == [f"2. {warning}"]


def test_clearing_a_deadline_under_a_dated_task_still_warns(tree, province_plan, commune_police, admin):
    child = _cascade(commune_police, province_plan, tree.commune)
    festival = child.tasks.get(content__startswith="Tổ chức Ngày hội")
    festival = services.task_save(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        plan=child,
        task=festival,
        data={"content": festival.content, "lead_unit": festival.lead_unit, "deadline": None},
        expected_version=festival.version,
    )
    assert festival.deadline is None and festival.is_late
    rows = selectors.task_rows(child)
    warning = next(r.warning for r in rows if r.task.pk == festival.pk)
    assert warning == f"Chưa đặt hạn; kế hoạch cấp trên hạn 20/08/{YEAR}"
    assert selectors.plan_warnings(selectors.target_rows(child), rows) == [f"2. {warning}"]
    (row,) = selectors.child_plans(province_plan, Scope.for_user(admin))
    assert row.late_count == 1
    # A standing task under a standing task is not late.
    standing = child.tasks.get(inherited_from__deadline__isnull=True)
    assert standing.deadline is None and not standing.is_late


def test_lowering_an_inherited_target_warns_and_raising_it_does_not(tree, province_plan, commune_police):
    child = _cascade(commune_police, province_plan, tree.commune)
    first, second = child.targets.order_by("order")
    scope = Scope.for_user(commune_police)
    base = {"measure": "percent", "of_what": "khu dân cư đăng ký", "unit_types": ["KDC"]}
    services.target_save(
        by=commune_police, scope=scope, plan=child, target=first, data={**base, "label": "A", "value": "90"}
    )
    services.target_save(
        by=commune_police, scope=scope, plan=child, target=second, data={**base, "label": "B", "value": "85"}
    )
    warnings = {row.target.label: row.warning for row in selectors.target_rows(child)}
    assert warnings["A"].startswith("Thấp hơn chỉ tiêu của kế hoạch cấp trên (100%")
    assert warnings["B"] == ""


def test_target_values_are_checked_with_field_messages(tree, province_officer):
    plan = make_plan(province_officer, tree.province)
    with pytest.raises(ValidationError) as excinfo:
        services.target_save(
            by=province_officer,
            scope=Scope.for_user(province_officer),
            plan=plan,
            data={"label": "", "measure": "percent", "value": "120", "of_what": "", "unit_types": ["XYZ"]},
        )
    errors = excinfo.value.message_dict
    assert set(errors) == {"label", "value", "of_what", "unit_types"}
    assert "100%" in errors["value"][0]


def test_issue_needs_number_date_signer_purpose_and_tasks(tree, province_officer):
    plan = make_plan(province_officer, tree.province, purpose="")
    with pytest.raises(ValidationError) as excinfo:
        services.plan_issue(
            by=province_officer,
            scope=Scope.for_user(province_officer),
            plan=plan,
            data={"number": "", "issued_on": None, "signer_title": "", "signer_name": ""},
            expected_version=plan.version,
        )
    errors = excinfo.value.message_dict
    assert {"number", "issued_on", "signer_title", "signer_name", "__all__"} <= set(errors)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_an_issued_plan_is_immutable_and_audited_as_a_transition(tree, province_plan, province_officer):
    event = AuditEvent.objects.filter(
        object_type="plans.plan", object_id=str(province_plan.pk), action="transition"
    ).get()
    assert event.changes["status"] == ["draft", "issued"]
    assert province_plan.code == "45/KH-UBND"
    scope = Scope.for_user(province_officer)
    with pytest.raises(DomainError):
        services.plan_update(
            by=province_officer,
            scope=scope,
            plan=province_plan,
            data={"title": "X"},
            expected_version=province_plan.version,
        )
    with pytest.raises(DomainError):
        add_task(province_officer, province_plan, "Thêm sau khi ban hành", None)
    with pytest.raises(DomainError):
        services.item_delete(by=province_officer, scope=scope, item=province_plan.tasks.first())


def test_a_stale_edit_is_refused(tree, province_officer):
    plan = make_plan(province_officer, tree.province)
    scope = Scope.for_user(province_officer)
    services.plan_update(
        by=province_officer, scope=scope, plan=plan, data={"title": "Mới"}, expected_version=plan.version
    )
    with pytest.raises(ConcurrentEditError):
        services.plan_update(
            by=province_officer, scope=scope, plan=plan, data={"title": "Cũ"}, expected_version=plan.version
        )


def test_cancel_needs_a_reason_and_is_audited(tree, province_plan, province_officer):
    scope = Scope.for_user(province_officer)
    with pytest.raises(ValidationError):
        services.plan_cancel(
            by=province_officer,
            scope=scope,
            plan=province_plan,
            reason=" ",
            expected_version=province_plan.version,
        )
    cancelled = services.plan_cancel(
        by=province_officer,
        scope=scope,
        plan=province_plan,
        reason="Ban hành nhầm",
        expected_version=province_plan.version,
    )
    assert cancelled.status == PlanStatus.CANCELLED
    assert cancelled.cancel_reason == "Ban hành nhầm"
    assert AuditEvent.objects.filter(object_id=str(province_plan.pk), reason="Ban hành nhầm").exists()
    with pytest.raises(DomainError):
        services.plan_cancel(
            by=province_officer,
            scope=scope,
            plan=cancelled,
            reason="Lần nữa",
            expected_version=cancelled.version,
        )


def test_progress_moves_through_the_task_workflow(tree, province_plan, province_officer):
    scope = Scope.for_user(province_officer)
    task = province_plan.tasks.order_by("order").first()
    task = services.task_progress(
        by=province_officer,
        scope=scope,
        task=task,
        status=TaskStatus.IN_PROGRESS,
        progress=40,
        expected_version=task.version,
    )
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 40)
    task = services.task_progress(
        by=province_officer,
        scope=scope,
        task=task,
        status=TaskStatus.IN_PROGRESS,
        progress=60,
        expected_version=task.version,
    )
    assert task.progress == 60
    with pytest.raises(ConcurrentEditError):
        services.task_progress(
            by=province_officer,
            scope=scope,
            task=task,
            status=TaskStatus.DONE,
            progress=100,
            expected_version=task.version - 1,
        )
    with pytest.raises(ValidationError) as excinfo:
        services.task_progress(
            by=province_officer,
            scope=scope,
            task=task,
            status=TaskStatus.IN_PROGRESS,
            progress=100,
            expected_version=task.version,
        )
    assert "progress" in excinfo.value.message_dict
    task = services.task_progress(
        by=province_officer,
        scope=scope,
        task=task,
        status=TaskStatus.DONE,
        progress=70,
        expected_version=task.version,
    )
    assert (task.status, task.progress) == (TaskStatus.DONE, 100)
    with pytest.raises(DomainError):  # reopening needs a reason
        services.task_progress(
            by=province_officer,
            scope=scope,
            task=task,
            status=TaskStatus.IN_PROGRESS,
            progress=50,
            expected_version=task.version,
        )
    events = AuditEvent.objects.filter(object_type="plans.plantask", object_id=str(task.pk)).order_by("id")
    assert [e.action for e in events].count("transition") == 2


def test_progress_is_refused_on_a_draft_and_for_another_level(
    tree, province_plan, province_officer, commune_police
):
    draft = make_plan(province_officer, tree.province)
    add_task(province_officer, draft, "Nhiệm vụ", None)
    task = draft.tasks.get()
    with pytest.raises(DomainError):
        services.task_progress(
            by=province_officer,
            scope=Scope.for_user(province_officer),
            task=task,
            status=TaskStatus.IN_PROGRESS,
            progress=10,
            expected_version=task.version,
        )
    issued_task = province_plan.tasks.first()
    with pytest.raises(PermissionDenied):
        services.task_progress(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            task=issued_task,
            status=TaskStatus.IN_PROGRESS,
            progress=10,
            expected_version=issued_task.version,
        )


def test_number_is_unique_per_level_and_year(tree, province_plan, province_officer):
    other = make_plan(province_officer, tree.province)
    add_task(province_officer, other, "Nhiệm vụ", None)
    with pytest.raises(ValidationError) as excinfo:
        issue(province_officer, other, number="45")
    assert "number" in excinfo.value.message_dict
    assert Plan.objects.get(pk=other.pk).status == PlanStatus.DRAFT
    assert PlanTask.objects.filter(plan=other).count() == 1


def _task_data(deadline):  # type: ignore[no-untyped-def]
    return {
        "content": "Tổ chức Ngày hội",
        "measures": "",
        "lead_unit": "Công an tỉnh",
        "deadline": deadline,
        "check_method": "",
    }


def test_a_task_deadline_must_fall_in_the_plans_year_and_not_before_today(tree, province_officer):
    plan = make_plan(province_officer, tree.province)
    scope = Scope.for_user(province_officer)
    with pytest.raises(ValidationError) as caught:
        services.task_save(
            by=province_officer, scope=scope, plan=plan, data=_task_data(dt.date(YEAR - 1, 1, 1))
        )
    assert caught.value.message_dict["deadline"] == [
        f"Thời hạn phải trong năm {YEAR} của kế hoạch (từ 01/01/{YEAR} đến 31/12/{YEAR})."
    ]
    with pytest.raises(ValidationError) as caught:
        services.task_save(
            by=province_officer,
            scope=scope,
            plan=plan,
            data=_task_data(day(2, 1)),
            today=day(3, 1),
        )
    assert caught.value.message_dict["deadline"] == [
        f"Thời hạn không được trước ngày hôm nay (01/03/{YEAR})."
    ]
    task = services.task_save(by=province_officer, scope=scope, plan=plan, data=_task_data(day(2, 1)))
    # Once passed, an unchanged deadline does not block editing the rest of the task.
    edited = services.task_save(
        by=province_officer,
        scope=scope,
        plan=plan,
        task=task,
        data={**_task_data(day(2, 1)), "content": "Tổ chức Ngày hội toàn dân"},
        today=day(3, 1),
    )
    assert edited.content == "Tổ chức Ngày hội toàn dân" and edited.deadline == day(2, 1)

"""The rating round: the HD 01 rules enforced at submission, the workflow, immutability, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.forces import services
from antq.forces.choices import NotRatedReason, Position, RoundStatus
from antq.forces.models import MemberRating, RatingRound, TeamRating
from tests.forces.conftest import YEAR

ON = dt.date(YEAR, 10, 10)


def _open(user, commune, on=ON) -> RatingRound:
    return services.round_open(
        by=user, scope=Scope.for_user(user), commune=commune, year=YEAR, evaluated_on=on
    )


def _save(user, rnd, teams=None, members=None) -> RatingRound:
    return services.round_save(
        by=user,
        scope=Scope.for_user(user),
        round=rnd,
        teams=teams or {},
        members=members or {},
        expected_version=rnd.version,
    )


def _submit(user, rnd) -> RatingRound:
    rnd.refresh_from_db()
    return services.round_submit(by=user, scope=Scope.for_user(user), round=rnd, expected_version=rnd.version)


def _levels(rnd, levels):
    rows = list(TeamRating.objects.filter(round=rnd).order_by("team__name", "id"))
    return {r.pk: {"level": lv, "not_rated_reason": ""} for r, lv in zip(rows, levels, strict=True)}


@pytest.fixture
def thirteen(tree, kdcs, make_team):
    return [make_team(n, f"Tổ {i:02d}") for i, n in enumerate([tree.unit, *kdcs])]


def test_quota_refuses_three_excellent_beside_ten_good(tree, commune_police, thirteen):
    rnd = _open(commune_police, tree.commune)
    rnd = _save(commune_police, rnd, _levels(rnd, ["excellent"] * 3 + ["good"] * 10))
    with pytest.raises(ValidationError) as exc:
        _submit(commune_police, rnd)
    assert (
        "Số tổ xếp loại Hoàn thành xuất sắc (3) vượt 20% số tổ Hoàn thành tốt (10): tối đa 2."
        in exc.value.messages
    )
    assert RatingRound.objects.get(pk=rnd.pk).status == RoundStatus.DRAFT


def test_quota_accepts_two_excellent_beside_ten_good(tree, commune_police, thirteen):
    rnd = _open(commune_police, tree.commune)
    rnd = _save(commune_police, rnd, _levels(rnd, ["excellent"] * 2 + ["good"] * 10 + ["completed"]))
    assert _submit(commune_police, rnd).status == RoundStatus.SUBMITTED


def test_a_team_active_under_nine_months_is_not_rated(tree, commune_police, make_team):
    team = make_team(tree.unit, "Tổ Hòa Bình", founded_on=dt.date(YEAR, 3, 1))
    rnd = _open(commune_police, tree.commune)
    row = TeamRating.objects.get(round=rnd, team=team)
    assert row.not_rated_reason == NotRatedReason.TOO_NEW  # prefilled
    rnd = _save(commune_police, rnd, {row.pk: {"level": "good", "not_rated_reason": ""}})
    with pytest.raises(ValidationError) as exc:
        _submit(commune_police, rnd)
    assert (
        "Tổ Tổ Hòa Bình mới hoạt động 7 tháng (từ 01/03/2025), chưa đủ 9 tháng để xếp loại."
        in exc.value.messages
    )


def test_a_member_who_joined_late_is_not_rated(tree, commune_police, make_team, make_member):
    team = make_team(tree.unit)
    member = make_member(team, "Trần Thị B", joined_on=dt.date(YEAR, 5, 2))
    rnd = _open(commune_police, tree.commune)
    t_row = TeamRating.objects.get(round=rnd)
    m_row = MemberRating.objects.get(round=rnd, member=member)
    rnd = _save(
        commune_police,
        rnd,
        {t_row.pk: {"level": "good", "not_rated_reason": ""}},
        {m_row.pk: {"level": "good", "not_rated_reason": ""}},
    )
    with pytest.raises(ValidationError) as exc:
        _submit(commune_police, rnd)
    assert any("Trần Thị B" in m and "mới tham gia 5 tháng" in m for m in exc.value.messages)


def test_the_leader_may_not_be_rated_above_the_team(tree, commune_police, make_team, make_member):
    team = make_team(tree.unit)
    leader = make_member(team, "Lê Văn C", Position.LEADER)
    plain = make_member(team, "Phạm Văn D", Position.MEMBER)
    rnd = _open(commune_police, tree.commune)
    t_row = TeamRating.objects.get(round=rnd)
    rows = {r.member_id: r.pk for r in MemberRating.objects.filter(round=rnd)}
    rnd = _save(
        commune_police,
        rnd,
        {t_row.pk: {"level": "completed", "not_rated_reason": ""}},
        {rows[leader.pk]: {"level": "good", "not_rated_reason": ""}, rows[plain.pk]: {"level": "good"}},
    )
    with pytest.raises(ValidationError) as exc:
        _submit(commune_police, rnd)
    problems = [m for m in exc.value.messages if "cao hơn mức của tổ" in m]
    assert len(problems) == 1 and "Lê Văn C" in problems[0]  # a plain member may be rated above


def test_a_row_left_blank_blocks_submission(tree, commune_police, make_team):
    make_team(tree.unit, "Tổ Bình An")
    rnd = _open(commune_police, tree.commune)
    with pytest.raises(ValidationError) as exc:
        _submit(commune_police, rnd)
    assert "Tổ Tổ Bình An chưa được xếp loại (hoặc ghi lý do không xếp loại)." in exc.value.messages


def test_workflow_submit_return_resubmit_approve_and_then_immutable(
    tree, commune_police, commune_leader, make_team
):
    make_team(tree.unit)
    rnd = _open(commune_police, tree.commune)
    rnd = _save(commune_police, rnd, _levels(rnd, ["good"]))
    rnd = _submit(commune_police, rnd)
    leader_scope = Scope.for_user(commune_leader)
    with pytest.raises(PermissionDenied):
        services.round_approve(
            by=commune_police, scope=Scope.for_user(commune_police), round=rnd, expected_version=rnd.version
        )
    with pytest.raises(DomainError):
        services.round_return(
            by=commune_leader, scope=leader_scope, round=rnd, reason=" ", expected_version=rnd.version
        )
    rnd = services.round_return(
        by=commune_leader, scope=leader_scope, round=rnd, reason="Xem lại tổ 1", expected_version=rnd.version
    )
    assert rnd.status == RoundStatus.RETURNED and rnd.return_reason == "Xem lại tổ 1"
    rnd = _save(commune_police, rnd, _levels(rnd, ["completed"]))
    rnd = _submit(commune_police, rnd)
    rnd = services.round_approve(
        by=commune_leader, scope=leader_scope, round=rnd, expected_version=rnd.version
    )
    assert rnd.status == RoundStatus.APPROVED
    with pytest.raises(DomainError):
        _save(commune_police, rnd, _levels(rnd, ["good"]))
    assert TeamRating.objects.get(round=rnd).level == "completed"
    moves = list(
        AuditEvent.objects.filter(object_type="forces.ratinground", action="transition")
        .order_by("id")
        .values_list("changes__status", "reason")
    )
    assert moves == [
        (["draft", "submitted"], ""),
        (["submitted", "returned"], "Xem lại tổ 1"),
        (["returned", "submitted"], ""),
        (["submitted", "approved"], ""),
    ]


def test_a_stale_version_is_refused(tree, commune_police, make_team):
    make_team(tree.unit)
    rnd = _open(commune_police, tree.commune)
    stale = rnd.version
    _save(commune_police, rnd, _levels(rnd, ["good"]))
    with pytest.raises(ConcurrentEditError):
        services.round_save(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            round=rnd,
            teams=_levels(rnd, ["completed"]),
            expected_version=stale,
        )


def test_unknown_level_names_the_team(tree, commune_police, make_team):
    make_team(tree.unit, "Tổ Thống Nhất")
    rnd = _open(commune_police, tree.commune)
    with pytest.raises(ValidationError) as exc:
        _save(commune_police, rnd, _levels(rnd, ["gioi"]))
    assert any("Tổ Thống Nhất" in m for m in exc.value.messages)


def test_guard_force_only_on_agency_and_grassroots_only_on_kdc(tree, commune_police, agency, make_team):
    with pytest.raises(ValidationError):
        make_team(agency, kind="grassroots_team")
    with pytest.raises(ValidationError):
        make_team(tree.unit, kind="guard_force")
    assert make_team(agency).kind == "guard_force"


def test_unit_officer_cannot_record_a_team_elsewhere(tree, unit_officer, agency):
    with pytest.raises(PermissionDenied):
        services.team_create(
            by=unit_officer,
            scope=Scope.for_user(unit_officer),
            node=agency,
            kind="guard_force",
            data={"name": "Bảo vệ", "founded_on": dt.date(2024, 1, 1)},
        )


def test_dissolving_a_team_goes_through_the_workflow(tree, commune_police, make_team):
    team = make_team(tree.unit)
    with pytest.raises(ValidationError):
        services.team_dissolve(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            team=team,
            on=dt.date(2025, 6, 1),
            reason="",
            expected_version=team.version,
        )
    team = services.team_dissolve(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        team=team,
        on=dt.date(2025, 6, 1),
        reason="Sáp nhập tổ dân phố",
        expected_version=team.version,
    )
    assert team.status == "dissolved" and team.dissolved_on == dt.date(2025, 6, 1)
    assert AuditEvent.objects.filter(object_type="forces.securityteam", action="transition").count() == 1


# --- The 9 months: counted within the team's life, and "too new" only when it is true --------------


def test_a_member_who_joined_before_the_team_existed_counts_from_its_founding(
    tree, commune_police, make_team, make_member
):
    team = make_team(tree.unit, "Tổ Hòa Bình", founded_on=dt.date(YEAR, 3, 1))
    # A joining date typed before the team existed (here years before) must not make 9 months.
    member = make_member(team, "Trần Thị B", joined_on=dt.date(2020, 1, 10))
    rnd = _open(commune_police, tree.commune)
    t_row = TeamRating.objects.get(round=rnd)
    m_row = MemberRating.objects.get(round=rnd, member=member)
    assert m_row.not_rated_reason == NotRatedReason.TOO_NEW  # prefilled from the team's founding
    rnd = _save(
        commune_police,
        rnd,
        {t_row.pk: {"level": "", "not_rated_reason": NotRatedReason.TOO_NEW}},
        {m_row.pk: {"level": "good", "not_rated_reason": ""}},
    )
    with pytest.raises(ValidationError) as exc:
        _submit(commune_police, rnd)
    assert any(
        "Trần Thị B" in m and "mới tham gia 7 tháng trong năm (từ 01/03/2025)" in m
        for m in exc.value.messages
    ), exc.value.messages


def test_too_new_is_refused_for_a_team_active_nine_months(tree, commune_police, kdcs, make_team):
    """Leaving a rated-able team out as "too new" would shrink the base of the 20% quota."""
    make_team(tree.unit, "Tổ Cũ")
    make_team(kdcs[0], "Tổ Hai")
    rnd = _open(commune_police, tree.commune)
    rows = {r.team.name: r.pk for r in TeamRating.objects.filter(round=rnd).select_related("team")}
    rnd = _save(
        commune_police,
        rnd,
        {
            rows["Tổ Cũ"]: {"level": "", "not_rated_reason": NotRatedReason.TOO_NEW},
            rows["Tổ Hai"]: {"level": "good", "not_rated_reason": ""},
        },
    )
    with pytest.raises(ValidationError) as exc:
        _submit(commune_police, rnd)
    assert any(
        m.startswith("Tổ Tổ Cũ đã hoạt động") and "không được ghi lý do" in m for m in exc.value.messages
    ), exc.value.messages
    assert RatingRound.objects.get(pk=rnd.pk).status == RoundStatus.DRAFT


def test_too_new_is_refused_for_a_member_in_the_team_nine_months(
    tree, commune_police, make_team, make_member
):
    team = make_team(tree.unit)
    member = make_member(team, "Lý Văn H", joined_on=dt.date(2021, 1, 1))
    rnd = _open(commune_police, tree.commune)
    t_row = TeamRating.objects.get(round=rnd)
    m_row = MemberRating.objects.get(round=rnd, member=member)
    rnd = _save(
        commune_police,
        rnd,
        {t_row.pk: {"level": "good", "not_rated_reason": ""}},
        {m_row.pk: {"level": "", "not_rated_reason": NotRatedReason.TOO_NEW}},
    )
    with pytest.raises(ValidationError) as exc:
        _submit(commune_police, rnd)
    assert any("Lý Văn H" in m and "không được ghi lý do" in m for m in exc.value.messages)
    # Another reason stays allowed.
    rnd = _save(commune_police, rnd, members={m_row.pk: {"level": "", "not_rated_reason": "under_complaint"}})
    assert _submit(commune_police, rnd).status == RoundStatus.SUBMITTED


# --- Who rates, who approves ---------------------------------------------------------------------


def test_the_commune_leader_no_longer_drafts_nor_submits(tree, commune_police, commune_leader, make_team):
    make_team(tree.unit)
    with pytest.raises(PermissionDenied):
        _open(commune_leader, tree.commune)
    rnd = _open(commune_police, tree.commune)
    with pytest.raises(PermissionDenied):
        _save(commune_leader, rnd, _levels(rnd, ["good"]))
    rnd = _save(commune_police, rnd, _levels(rnd, ["good"]))
    with pytest.raises(PermissionDenied):
        _submit(commune_leader, rnd)
    assert RatingRound.objects.get(pk=rnd.pk).status == RoundStatus.DRAFT


def test_whoever_submitted_may_not_approve(tree, admin, commune_leader, make_team):
    """Even a user holding both actions (the administrator) cannot submit and approve alone."""
    make_team(tree.unit)
    rnd = _open(admin, tree.commune)
    rnd = _save(admin, rnd, _levels(rnd, ["good"]))
    rnd = _submit(admin, rnd)
    assert rnd.submitted_by == admin
    with pytest.raises(DomainError) as exc:
        services.round_approve(by=admin, scope=Scope.for_user(admin), round=rnd, expected_version=rnd.version)
    assert "người đã trình bản xếp loại này nên không thể tự phê duyệt" in str(exc.value)
    assert RatingRound.objects.get(pk=rnd.pk).status == RoundStatus.SUBMITTED
    rnd = services.round_approve(
        by=commune_leader, scope=Scope.for_user(commune_leader), round=rnd, expected_version=rnd.version
    )
    assert rnd.status == RoundStatus.APPROVED


def test_the_submitter_may_still_return_the_round(tree, admin, make_team):
    make_team(tree.unit)
    rnd = _open(admin, tree.commune)
    rnd = _submit(admin, _save(admin, rnd, _levels(rnd, ["good"])))
    rnd = services.round_return(
        by=admin,
        scope=Scope.for_user(admin),
        round=rnd,
        reason="Rút lại để sửa",
        expected_version=rnd.version,
    )
    assert rnd.status == RoundStatus.RETURNED


# --- Guard-force results: a recorded one is only corrected with its version ----------------------


def test_a_recorded_guard_result_is_not_overwritten_without_its_version(agency, commune_police, make_team):
    team = make_team(agency)
    scope = Scope.for_user(commune_police)
    row = services.guard_rating_set(
        by=commune_police, scope=scope, team=team, year=YEAR, data={"result": "good"}
    )
    with pytest.raises(ConcurrentEditError) as exc:
        services.guard_rating_set(
            by=commune_police, scope=scope, team=team, year=YEAR, data={"result": "completed"}
        )
    assert "đã có kết quả năm 2025" in str(exc.value)
    with pytest.raises(ConcurrentEditError):
        services.guard_rating_set(
            by=commune_police,
            scope=scope,
            team=team,
            year=YEAR,
            data={"result": "completed"},
            expected_version=0,
        )
    row.refresh_from_db()
    assert row.result == "good"
    row = services.guard_rating_set(
        by=commune_police,
        scope=scope,
        team=team,
        year=YEAR,
        data={"result": "completed"},
        expected_version=row.version,
    )
    assert row.result == "completed" and row.version == 2

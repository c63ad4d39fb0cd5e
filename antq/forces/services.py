"""Writes of the forces app: teams, members, the commune's rating round, guard-force results.

Every write is atomic and audited; records edited from a form carry the version the user saw (a
stale page is refused, nothing is overwritten); statuses change only through `core.workflow`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.workflow import apply_transition
from antq.evidence.models import EvidenceDocument
from antq.forces import checks
from antq.forces.choices import (
    POSITIONS_OF_KIND,
    TEAM_NODE_KINDS,
    NotRatedReason,
    RoundStatus,
    TeamKind,
    TeamStatus,
)
from antq.forces.models import (
    GuardForceRating,
    MemberRating,
    RatingRound,
    SecurityTeam,
    TeamMember,
    TeamRating,
)
from antq.forces.rules import rules
from antq.forces.workflows import ROUND, TEAM
from antq.org.choices import NodeKind
from antq.org.models import OrgNode, subtree_q


def _stale() -> ConcurrentEditError:
    return ConcurrentEditError(
        _(
            "Bản ghi này vừa được người khác thay đổi sau khi bạn mở trang. Các giá trị bạn nhập vẫn được "
            "giữ bên dưới: hãy tải lại trang để xem bản mới nhất rồi nhập lại."
        )
    )


def _check_version(current: Any, expected: int | None) -> None:
    if expected is not None and current.version != expected:
        raise _stale()


def _require(scope: Scope, action: str, node: OrgNode, message: str) -> None:
    if not scope.allows(action, node):
        raise PermissionDenied(message)


# --- Teams ---------------------------------------------------------------------------------------


def _clean_team(node: OrgNode, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    out["name"] = str(data.get("name") or "").strip()
    if not out["name"]:
        errors["name"] = [_("Vui lòng nhập tên tổ, lực lượng.")]
    elif len(out["name"]) > 255:
        errors["name"] = [_("Tên tổ, lực lượng dài quá 255 ký tự.")]
    founded = data.get("founded_on")
    if not isinstance(founded, dt.date):
        errors["founded_on"] = [_("Vui lòng nhập ngày thành lập.")]
    elif founded > timezone.localdate():
        errors["founded_on"] = [_("Ngày thành lập không được sau ngày hôm nay.")]
    out["founded_on"] = founded
    document = data.get("founding_document")
    if document is not None and (
        not isinstance(document, EvidenceDocument) or document.node_id != node.pk or not document.is_active
    ):
        errors["founding_document"] = [
            _("Quyết định thành lập phải là tài liệu còn hiệu lực trong hồ sơ minh chứng của đơn vị.")
        ]
    out["founding_document"] = document
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def team_create(*, by: User, scope: Scope, node: OrgNode, kind: str, data: dict[str, Any]) -> SecurityTeam:
    """Record a team of a residential area or the guard force of an agency/enterprise/school."""
    _require(scope, Action.ACTIVITY_RECORD, node, _("Bạn không có quyền ghi nhận lực lượng tại đơn vị này."))
    if kind not in TEAM_NODE_KINDS:
        raise ValidationError({"kind": [_("Vui lòng chọn loại lực lượng.")]})
    if node.kind not in TEAM_NODE_KINDS[kind]:
        message = (
            _("Tổ bảo vệ ANTT ở cơ sở thuộc một khu dân cư.")
            if kind == TeamKind.GRASSROOTS_TEAM
            else _("Lực lượng bảo vệ thuộc một cơ quan, doanh nghiệp hoặc cơ sở giáo dục.")
        )
        raise ValidationError({"node": [message]})
    facts = _clean_team(node, data)
    team = SecurityTeam.objects.create(node=node, kind=kind, created_by=by, **facts)
    record(
        actor=by, action=AuditAction.CREATE, obj=team, node_path=node.path, changes=diff({}, team.snapshot())
    )
    return team


@transaction.atomic
def team_update(
    *, by: User, scope: Scope, team: SecurityTeam, data: dict[str, Any], expected_version: int | None
) -> SecurityTeam:
    """Change a team's name, founding date or founding decision (not its unit nor its kind)."""
    current = SecurityTeam.objects.select_for_update().select_related("node").get(pk=team.pk)
    _require(scope, Action.ACTIVITY_RECORD, current.node, _("Bạn không có quyền sửa lực lượng này."))
    _check_version(current, expected_version)
    facts = _clean_team(current.node, data)
    before = current.snapshot()
    for name, value in facts.items():
        setattr(current, name, value)
    changes = diff(before, current.snapshot())
    if not changes:
        return current
    current.version += 1
    current.save()
    record(actor=by, action=AuditAction.UPDATE, obj=current, node_path=current.node.path, changes=changes)
    return current


def team_dissolve(
    *, by: User, scope: Scope, team: SecurityTeam, on: dt.date, reason: str, expected_version: int | None
) -> SecurityTeam:
    """Dissolve a team on a date, with the reason (its members and ratings are kept)."""
    if not isinstance(on, dt.date):
        raise ValidationError({"dissolved_on": [_("Vui lòng nhập ngày giải thể.")]})
    if on < team.founded_on or on > timezone.localdate():
        raise ValidationError({"dissolved_on": [_("Ngày giải thể phải từ ngày thành lập đến hôm nay.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Vui lòng nêu lý do giải thể.")]})
    return apply_transition(
        team,
        workflow=TEAM,
        to=TeamStatus.DISSOLVED,
        by=by,
        scope=scope,
        node=team.node,
        reason=reason,
        expected_version=expected_version,
        updates={"dissolved_on": on, "dissolved_reason": reason.strip()[:500]},
    )


def team_reactivate(
    *, by: User, scope: Scope, team: SecurityTeam, reason: str, expected_version: int | None
) -> SecurityTeam:
    """Undo a dissolution recorded in error (the reason is kept in the audit log)."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Vui lòng nêu lý do.")]})
    return apply_transition(
        team,
        workflow=TEAM,
        to=TeamStatus.ACTIVE,
        by=by,
        scope=scope,
        node=team.node,
        reason=reason,
        expected_version=expected_version,
        updates={"dissolved_on": None, "dissolved_reason": ""},
    )


# --- Members -------------------------------------------------------------------------------------


def _clean_member(team: SecurityTeam, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {"full_name": str(data.get("full_name") or "").strip()}
    if not out["full_name"]:
        errors["full_name"] = [_("Vui lòng nhập họ và tên.")]
    elif len(out["full_name"]) > 120:
        errors["full_name"] = [_("Họ và tên dài quá 120 ký tự.")]
    out["position"] = data.get("position") or ""
    if out["position"] not in POSITIONS_OF_KIND[team.kind]:
        errors["position"] = [_("Vui lòng chọn chức danh phù hợp với loại lực lượng.")]
    joined, left = data.get("joined_on"), data.get("left_on")
    today = timezone.localdate()
    if not isinstance(joined, dt.date):
        errors["joined_on"] = [_("Vui lòng nhập ngày tham gia.")]
    elif joined > today:
        errors["joined_on"] = [_("Ngày tham gia không được sau ngày hôm nay.")]
    if left is not None:
        if not isinstance(left, dt.date):
            errors["left_on"] = [_("Ngày thôi tham gia không hợp lệ.")]
        elif isinstance(joined, dt.date) and left < joined:
            errors["left_on"] = [_("Ngày thôi tham gia không được trước ngày tham gia.")]
        elif left > today:
            errors["left_on"] = [_("Ngày thôi tham gia không được sau ngày hôm nay.")]
    out["joined_on"], out["left_on"] = joined, left
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def member_add(*, by: User, scope: Scope, team: SecurityTeam, data: dict[str, Any]) -> TeamMember:
    """Add a person to a team."""
    _require(scope, Action.ACTIVITY_RECORD, team.node, _("Bạn không có quyền sửa lực lượng này."))
    if not team.is_active:
        raise DomainError(_("Tổ đã giải thể: không thêm thành viên được."))
    facts = _clean_member(team, data)
    member = TeamMember.objects.create(team=team, **facts)
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=member,
        node_path=team.node.path,
        changes=diff({}, {"team": team.pk, **member.snapshot()}),
    )
    return member


@transaction.atomic
def member_update(
    *, by: User, scope: Scope, member: TeamMember, data: dict[str, Any], expected_version: int | None
) -> TeamMember:
    """Correct a member's name, position or dates (e.g. the day they left)."""
    current = TeamMember.objects.select_for_update().select_related("team__node").get(pk=member.pk)
    _require(scope, Action.ACTIVITY_RECORD, current.team.node, _("Bạn không có quyền sửa lực lượng này."))
    _check_version(current, expected_version)
    facts = _clean_member(current.team, data)
    before = current.snapshot()
    for name, value in facts.items():
        setattr(current, name, value)
    changes = diff(before, current.snapshot())
    if not changes:
        return current
    current.version += 1
    current.save()
    record(
        actor=by, action=AuditAction.UPDATE, obj=current, node_path=current.team.node.path, changes=changes
    )
    return current


# --- Rating rounds -------------------------------------------------------------------------------


def round_teams(commune: OrgNode, evaluated_on: dt.date) -> Q:
    """The grassroots teams a commune's round rates: active, of its residential areas, founded by
    the evaluation date."""
    return (
        subtree_q(commune.path, field="node__path")
        & Q(kind=TeamKind.GRASSROOTS_TEAM, status=TeamStatus.ACTIVE, founded_on__lte=evaluated_on)
        & Q(node__kind=NodeKind.RESIDENTIAL_AREA)
    )


def _sync_rows(rnd: RatingRound) -> None:
    """Add a row for every team and member the round should rate and does not yet (never removes:
    a row the police filled in stays until the round is approved)."""
    period_start, _end = rules().evaluation_period(rnd.year)
    teams = list(
        SecurityTeam.objects.filter(round_teams(rnd.commune, rnd.evaluated_on)).exclude(ratings__round=rnd)
    )
    TeamRating.objects.bulk_create(
        TeamRating(
            round=rnd,
            team=t,
            not_rated_reason=checks.too_new_reason(checks.team_months(t, rnd.evaluated_on)),
        )
        for t in teams
    )
    members = list(
        TeamMember.objects.filter(
            team__in=SecurityTeam.objects.filter(round_teams(rnd.commune, rnd.evaluated_on))
        )
        .filter(joined_on__lte=rnd.evaluated_on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=period_start))
        .exclude(ratings__round=rnd)
        .select_related("team")
    )
    MemberRating.objects.bulk_create(
        MemberRating(
            round=rnd,
            member=m,
            not_rated_reason=checks.too_new_reason(
                checks.member_months(m, period_start, rnd.evaluated_on, m.team.founded_on)
            ),
        )
        for m in members
    )


def _default_evaluated_on(year: int) -> dt.date:
    start, end = rules().evaluation_period(year)
    return max(start, min(timezone.localdate(), end))


@transaction.atomic
def round_open(
    *, by: User, scope: Scope, commune: OrgNode, year: int, evaluated_on: dt.date | None = None
) -> RatingRound:
    """Open the commune's rating round of `year`, with a row for each team and member to rate."""
    if commune.kind != NodeKind.COMMUNE:
        raise ValidationError({"commune": [_("Đợt xếp loại được lập cho một xã, phường, đặc khu.")]})
    _require(scope, Action.FORCE_RATE, commune, _("Bạn không có quyền xếp loại tổ bảo vệ ANTT ở xã này."))
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("Năm đánh giá không hợp lệ.")]})
    on = evaluated_on or _default_evaluated_on(year)
    start, end = rules().evaluation_period(year)
    if not start <= on <= end:
        raise ValidationError(
            {
                "evaluated_on": [
                    _("Ngày đánh giá phải trong kỳ đánh giá năm %(year)s (từ %(start)s đến %(end)s).")
                    % {"year": year, "start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
                ]
            }
        )
    if RatingRound.objects.filter(commune=commune, year=year).exists():
        raise ValidationError({"year": [_("Xã này đã có đợt xếp loại năm %(year)s.") % {"year": year}]})
    try:
        with transaction.atomic():
            rnd = RatingRound.objects.create(commune=commune, year=year, evaluated_on=on, created_by=by)
    except IntegrityError as exc:  # opened by someone else in the meantime
        raise ValidationError(
            {"year": [_("Xã này đã có đợt xếp loại năm %(year)s.") % {"year": year}]}
        ) from exc
    _sync_rows(rnd)
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=rnd,
        node_path=commune.path,
        changes={"year": [None, year], "evaluated_on": [None, on.isoformat()], "status": [None, rnd.status]},
    )
    return rnd


def _lock_round(rnd: RatingRound, expected_version: int | None) -> RatingRound:
    current = RatingRound.objects.select_for_update().select_related("commune").get(pk=rnd.pk)
    _check_version(current, expected_version)
    return current


def _row_errors(values: dict[int, dict[str, str]], label: str, names: dict[int, str]) -> dict[str, list[str]]:
    levels = {c for c, _l in rules().level_choices()}
    errors: dict[str, list[str]] = {}
    for key, row in values.items():
        if key not in names:
            errors.setdefault("__all__", []).append(
                _("Dòng %(key)s không thuộc đợt xếp loại này.") % {"key": key}
            )
            continue
        if row.get("level", "") and row["level"] not in levels:
            errors.setdefault("__all__", []).append(
                _("%(label)s %(name)s: mức xếp loại “%(level)s” không có trong danh mục.")
                % {"label": label, "name": names[key], "level": row["level"]}
            )
        if row.get("not_rated_reason", "") and row["not_rated_reason"] not in NotRatedReason.values:
            errors.setdefault("__all__", []).append(
                _("%(label)s %(name)s: lý do không xếp loại không hợp lệ.")
                % {"label": label, "name": names[key]}
            )
        if len(row.get("note", "")) > 500:
            errors.setdefault("__all__", []).append(
                _("%(label)s %(name)s: ghi chú dài quá 500 ký tự.") % {"label": label, "name": names[key]}
            )
    return errors


@transaction.atomic
def round_save(
    *,
    by: User,
    scope: Scope,
    round: RatingRound,  # noqa: A002 - the domain's word
    teams: dict[int, dict[str, str]],
    members: dict[int, dict[str, str]] | None = None,
    evaluated_on: dt.date | None = None,
    expected_version: int | None,
) -> RatingRound:
    """Save the levels (and reasons, notes) typed for a round's rows; the rules are only checked at
    submission, so a draft may be saved half-done. `teams` / `members` map a row id to its values."""
    current = _lock_round(round, expected_version)
    _require(
        scope, Action.FORCE_RATE, current.commune, _("Bạn không có quyền xếp loại tổ bảo vệ ANTT ở xã này.")
    )
    if not current.is_editable:
        raise DomainError(
            _("Đợt xếp loại đang ở trạng thái “%(status)s”: không sửa được.")
            % {"status": current.get_status_display()}
        )
    members = members or {}
    team_rows = {r.pk: r for r in TeamRating.objects.filter(round=current).select_related("team")}
    member_rows = {r.pk: r for r in MemberRating.objects.filter(round=current).select_related("member")}
    errors = _row_errors(teams, _("Tổ"), {k: r.team.name for k, r in team_rows.items()})
    for field, messages in _row_errors(
        members, _("Tổ viên"), {k: r.member.full_name for k, r in member_rows.items()}
    ).items():
        errors.setdefault(field, []).extend(messages)
    start, end = rules().evaluation_period(current.year)
    if evaluated_on is not None and not start <= evaluated_on <= end:
        errors["evaluated_on"] = [
            _("Ngày đánh giá phải trong kỳ đánh giá năm %(year)s (từ %(start)s đến %(end)s).")
            % {"year": current.year, "start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
        ]
    if errors:
        raise ValidationError(errors)
    changes: dict[str, list[Any]] = {}
    fields = ("level", "not_rated_reason", "note")
    for rows, values, prefix in ((team_rows, teams, "team"), (member_rows, members, "member")):
        changed = []
        for key, new in values.items():
            row = rows[key]
            before = {f: getattr(row, f) for f in fields}
            after = {f: str(new.get(f, before[f])).strip() for f in fields}
            if before != after:
                for f in fields:
                    setattr(row, f, after[f])
                changed.append(row)
                name = row.team.name if prefix == "team" else row.member.full_name  # type: ignore[union-attr]
                changes[f"{prefix}:{name}"] = [
                    " / ".join(filter(None, (before["level"], before["not_rated_reason"]))) or None,
                    " / ".join(filter(None, (after["level"], after["not_rated_reason"]))) or None,
                ]
        if changed:
            type(changed[0]).objects.bulk_update(changed, fields)  # type: ignore[attr-defined,arg-type]
    if evaluated_on is not None and evaluated_on != current.evaluated_on:
        changes["evaluated_on"] = [current.evaluated_on.isoformat(), evaluated_on.isoformat()]
        current.evaluated_on = evaluated_on
    if changes:
        current.version += 1
        current.save(update_fields=["evaluated_on", "version", "updated_at"])
        record(
            actor=by, action=AuditAction.UPDATE, obj=current, node_path=current.commune.path, changes=changes
        )
    _sync_rows(current)
    return current


def round_rows(rnd: RatingRound) -> tuple[list[TeamRating], list[MemberRating]]:
    """The round's rows with what the table and the checks need: two queries."""
    teams = list(
        TeamRating.objects.filter(round=rnd)
        .select_related("team", "team__node")
        .order_by("team__node__path", "team__name", "team_id")
    )
    members = list(
        MemberRating.objects.filter(round=rnd)
        .select_related("member", "member__team")
        .order_by(
            "member__team__node__path",
            "member__team__name",
            "member__team_id",
            "member__position",
            "member__full_name",
        )
    )
    return teams, members


def round_check(
    rnd: RatingRound,
    teams: list[TeamRating] | None = None,
    members: list[MemberRating] | None = None,
) -> tuple[list[checks.Problem], checks.Counts]:
    """The rules applied to the round's saved rows."""
    if teams is None or members is None:
        teams, members = round_rows(rnd)
    return checks.check_round(
        year=rnd.year,
        evaluated_on=rnd.evaluated_on,
        teams=[checks.TeamRow(r.pk, r.team, r.level, r.not_rated_reason) for r in teams],
        members=[
            checks.MemberRow(
                r.pk, r.member, r.member.team.name, r.level, r.not_rated_reason, r.member.team.founded_on
            )
            for r in members
        ],
    )


def round_submit(*, by: User, scope: Scope, round: RatingRound, expected_version: int | None) -> RatingRound:  # noqa: A002
    """Submit the round to the chairman; refused, with every broken rule, while any remains."""
    with transaction.atomic():
        current = _lock_round(round, expected_version)
        _require(
            scope,
            Action.FORCE_RATE,
            current.commune,
            _("Bạn không có quyền xếp loại tổ bảo vệ ANTT ở xã này."),
        )
        if current.is_editable:
            _sync_rows(current)
        problems, _counts = round_check(current)
        if problems:
            raise ValidationError([p.message for p in problems])
        if not TeamRating.objects.filter(round=current).exists():
            raise DomainError(_("Đợt xếp loại chưa có tổ nào: hãy ghi nhận các tổ bảo vệ ANTT của xã trước."))
        return apply_transition(
            current,
            workflow=ROUND,
            to=RoundStatus.SUBMITTED,
            by=by,
            scope=scope,
            node=current.commune,
            expected_version=expected_version,
            updates={"return_reason": "", "submitted_by": by},
        )


def submitted_by_self(rnd: RatingRound, user: User) -> bool:
    """True when `user` submitted the round (and so may not approve it)."""
    return rnd.submitted_by_id is not None and rnd.submitted_by_id == user.pk


def round_approve(*, by: User, scope: Scope, round: RatingRound, expected_version: int | None) -> RatingRound:  # noqa: A002
    """The chairman of the commune committee approves the ratings: from then on they never change.
    Whoever submitted the round may not approve it too (one proposes, another decides)."""
    with transaction.atomic():
        current = _lock_round(round, expected_version)
        _require(
            scope,
            Action.DECISION_ISSUE,
            current.commune,
            _("Chỉ Chủ tịch UBND xã được phê duyệt kết quả xếp loại của xã này."),
        )
        if submitted_by_self(current, by):
            raise DomainError(
                _(
                    "Bạn là người đã trình bản xếp loại này nên không thể tự phê duyệt: việc phê duyệt do "
                    "Chủ tịch UBND xã (người khác với người trình) thực hiện."
                )
            )
        return apply_transition(
            current,
            workflow=ROUND,
            to=RoundStatus.APPROVED,
            by=by,
            scope=scope,
            node=current.commune,
            expected_version=expected_version,
        )


def round_return(
    *,
    by: User,
    scope: Scope,
    round: RatingRound,
    reason: str,
    expected_version: int | None,  # noqa: A002
) -> RatingRound:
    """The chairman returns the round to the commune police with the reason."""
    return apply_transition(
        round,
        workflow=ROUND,
        to=RoundStatus.RETURNED,
        by=by,
        scope=scope,
        node=round.commune,
        reason=reason,
        expected_version=expected_version,
        updates={"return_reason": reason.strip()[:500]},
    )


# --- Guard-force results -------------------------------------------------------------------------


@transaction.atomic
def guard_rating_set(
    *,
    by: User,
    scope: Scope,
    team: SecurityTeam,
    year: int,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> GuardForceRating:
    """Record (or correct) a guard force's result for a year: a level or an emulation title, with
    an optional evidence document of the unit. Correcting a recorded result needs the version the
    user saw (`expected_version`)."""
    _require(scope, Action.ACTIVITY_RECORD, team.node, _("Bạn không có quyền ghi kết quả của lực lượng này."))
    if team.kind != TeamKind.GUARD_FORCE:
        raise DomainError(_("Tổ bảo vệ ANTT ở cơ sở được xếp loại theo đợt của xã, không ghi kết quả riêng."))
    errors: dict[str, list[str]] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Năm không hợp lệ.")]
    result = data.get("result") or ""
    if result not in {c for c, _l in rules().result_choices()}:
        errors["result"] = [_("Vui lòng chọn kết quả xếp loại hoặc danh hiệu thi đua.")]
    evidence = data.get("evidence")
    if evidence is not None and (
        not isinstance(evidence, EvidenceDocument)
        or evidence.node_id != team.node_id
        or not evidence.is_active
    ):
        errors["evidence"] = [_("Tài liệu minh chứng phải là tài liệu còn hiệu lực của đơn vị.")]
    note = str(data.get("note") or "").strip()
    if len(note) > 500:
        errors["note"] = [_("Ghi chú dài quá 500 ký tự.")]
    if errors:
        raise ValidationError(errors)
    current = GuardForceRating.objects.select_for_update().filter(team=team, year=year).first()
    if current is None:
        if expected_version not in (None, 0):
            raise _stale()
        try:
            with transaction.atomic():
                row = GuardForceRating.objects.create(
                    team=team, year=year, result=result, evidence=evidence, note=note, recorded_by=by
                )
        except IntegrityError as exc:
            raise _stale() from exc
        record(
            actor=by,
            action=AuditAction.CREATE,
            obj=row,
            node_path=team.node.path,
            changes=diff({}, row.snapshot()),
        )
        return row
    if expected_version is None:
        # A result already recorded is only corrected by someone who saw it (its version): never
        # overwritten blindly by a second "first" entry.
        raise ConcurrentEditError(
            _(
                "Lực lượng đã có kết quả năm %(year)s (có thể do người khác vừa ghi). Các giá trị bạn nhập "
                "vẫn được giữ: hãy tải lại trang để xem kết quả hiện có rồi sửa."
            )
            % {"year": year}
        )
    _check_version(current, expected_version)
    before = current.snapshot()
    current.result, current.evidence, current.note, current.recorded_by = result, evidence, note, by
    changes = diff(before, current.snapshot())
    if not changes:
        return current
    current.version += 1
    current.save()
    record(actor=by, action=AuditAction.UPDATE, obj=current, node_path=team.node.path, changes=changes)
    return current

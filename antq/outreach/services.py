"""Writes of the outreach app: sessions (record, edit, withdraw), attendance imports, festival days.
Atomic and audited.

Every write checks the actor's `ACTIVITY_RECORD` on the record's node, validates all fields at once
(a ValidationError naming each field), refuses a stale version (`ConcurrentEditError`), and writes
its audit event in the same transaction. A festival day's status changes only through the
`workflows.FESTIVAL` table (`core.workflow.apply_transition`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.workflow import apply_transition
from antq.evidence.models import EvidenceDocument
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode
from antq.outreach.choices import (
    AttendanceMode,
    Audience,
    DeliveryForm,
    FestivalStatus,
    Participation,
    SessionKind,
)
from antq.outreach.importing import Person, identifier_key, name_birth_key
from antq.outreach.models import (
    FESTIVAL_FIELDS,
    MAX_YEAR,
    MIN_YEAR,
    Attendance,
    FestivalDay,
    OutreachSession,
    Participant,
)
from antq.outreach.workflows import FESTIVAL

# Where outreach is recorded: assessed units, and communes for their own activity.
OUTREACH_NODE_KINDS: frozenset[str] = frozenset(UNIT_KINDS | {NodeKind.COMMUNE})
SESSION_FIELDS = (
    "kind",
    "held_on",
    "topic",
    "audiences",
    "place",
    "delivery",
    "attendance_mode",
    "headcount",
    "evidence",
    "note",
)
# Rows per INSERT round (SQLite caps parameters per query).
WRITE_CHUNK = 500


def _require_record(scope: Scope, node: OrgNode) -> None:
    if not scope.allows(Action.ACTIVITY_RECORD, node):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận hoạt động phong trào của đơn vị này."))
    if node.kind not in OUTREACH_NODE_KINDS:
        raise ValidationError(
            {
                "node": [
                    _(
                        "Hoạt động được ghi cho một đơn vị (khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo "
                        "dục) hoặc một xã, phường, đặc khu."
                    )
                ]
            }
        )


def _stale() -> ConcurrentEditError:
    return ConcurrentEditError(
        _("Hồ sơ đã được người khác thay đổi sau khi bạn mở. Hãy tải lại trang rồi thực hiện lại.")
    )


def _text(data: Mapping[str, Any], name: str) -> str:
    return str(data.get(name) or "").strip()


def _check_length(errors: dict[str, list[str]], model: Any, name: str, value: str) -> None:
    limit = model._meta.get_field(name).max_length
    if limit and len(value) > limit:
        errors.setdefault(name, []).append(_("Dài quá %(n)s ký tự.") % {"n": limit})


def _evidence_error(document: EvidenceDocument, node: OrgNode, years: Iterable[int]) -> str:
    if document.node_id != node.pk:
        return _("Tài liệu minh chứng phải thuộc hồ sơ của chính đơn vị này.")
    if not document.is_active:
        return _("Tài liệu minh chứng đã bị thu hồi.")
    allowed = sorted(set(years))
    if document.year not in allowed:
        return _("Tài liệu minh chứng phải thuộc hồ sơ năm %(years)s.") % {
            "years": " hoặc ".join(str(y) for y in allowed)
        }
    return ""


# --- Sessions --------------------------------------------------------------------------------


def _clean_session(
    node: OrgNode, data: Mapping[str, Any], *, current: OutreachSession | None
) -> dict[str, Any]:
    """The session's fields, checked together; a ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    kind = data.get("kind")
    if kind not in SessionKind.values:
        errors["kind"] = [_("Vui lòng chọn loại hoạt động (tuyên truyền hoặc tập huấn).")]
    out["kind"] = kind
    held_on = data.get("held_on")
    if not isinstance(held_on, dt.date):
        errors["held_on"] = [_("Vui lòng nhập ngày tổ chức.")]
    elif held_on > timezone.localdate():
        errors["held_on"] = [_("Ngày tổ chức không được sau ngày hôm nay: chỉ ghi buổi đã diễn ra.")]
    elif not MIN_YEAR <= held_on.year <= MAX_YEAR:
        errors["held_on"] = [
            _("Năm tổ chức phải từ %(min)s đến %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        ]
    out["held_on"] = held_on
    for name, message in (
        ("topic", _("Vui lòng nhập chủ đề, nội dung.")),
        ("place", _("Vui lòng nhập địa điểm.")),
    ):
        out[name] = _text(data, name)
        if not out[name]:
            errors[name] = [message]
        _check_length(errors, OutreachSession, name, out[name])
    audiences = list(dict.fromkeys(str(a) for a in (data.get("audiences") or [])))
    if not audiences:
        errors["audiences"] = [_("Vui lòng chọn ít nhất một đối tượng.")]
    elif set(audiences) - set(Audience.values):
        errors["audiences"] = [_("Đối tượng không hợp lệ.")]
    out["audiences"] = [a for a in Audience.values if a in audiences]
    out["delivery"] = _text(data, "delivery")
    if out["delivery"] and out["delivery"] not in DeliveryForm.values:
        errors["delivery"] = [_("Hình thức không hợp lệ.")]
    mode = data.get("attendance_mode") or AttendanceMode.HEADCOUNT
    out["attendance_mode"] = mode
    headcount = data.get("headcount")
    if mode not in AttendanceMode.values:
        errors["attendance_mode"] = [_("Vui lòng chọn cách ghi người tham dự.")]
    elif mode == AttendanceMode.HEADCOUNT:
        if headcount is None or headcount == "":
            errors["headcount"] = [_("Vui lòng nhập số người tham dự (hoặc chọn ghi theo danh sách).")]
        elif not isinstance(headcount, int) or isinstance(headcount, bool) or headcount < 1:
            errors["headcount"] = [_("Số người tham dự phải là số nguyên dương.")]
        elif current is not None and current.is_list and current.attendances.exists():
            errors["attendance_mode"] = [
                _("Buổi đã có danh sách người tham dự: không đổi sang chỉ ghi số lượng được.")
            ]
        out["headcount"] = headcount
    else:
        out["headcount"] = None  # a list session counts its list
    evidence = data.get("evidence")
    if evidence is not None and isinstance(held_on, dt.date):
        if not isinstance(evidence, EvidenceDocument):
            errors["evidence"] = [_("Tài liệu minh chứng không hợp lệ.")]
        else:
            # A session in November or December may belong to next year's dossier (the evaluation
            # windows start on 01/11 or 16/11 of the year before).
            problem = _evidence_error(evidence, node, (held_on.year, held_on.year + 1))
            if problem:
                errors["evidence"] = [problem]
    out["evidence"] = evidence
    out["note"] = _text(data, "note")
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def session_create(*, by: User, scope: Scope, node: OrgNode, data: Mapping[str, Any]) -> OutreachSession:
    """Record a tuyên truyền session or a training class of `node`."""
    _require_record(scope, node)
    fields = _clean_session(node, data, current=None)
    session = OutreachSession.objects.create(node=node, recorded_by=by, **fields)
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=session,
        node_path=node.path,
        changes=diff({}, session.snapshot()),
    )
    return session


def _locked_session(session: OutreachSession, expected_version: int | None) -> OutreachSession:
    locked = OutreachSession.objects.select_for_update(of=("self",)).select_related("node").get(pk=session.pk)
    if expected_version is not None and locked.version != expected_version:
        raise _stale()
    return locked


@transaction.atomic
def session_update(
    *, by: User, scope: Scope, session: OutreachSession, data: Mapping[str, Any], expected_version: int
) -> OutreachSession:
    """Change a session's facts (not its node: its list's people belong to that node)."""
    _require_record(scope, session.node)
    locked = _locked_session(session, expected_version)
    if locked.is_withdrawn:
        raise DomainError(_("Buổi đã được rút: không sửa được."))
    fields = _clean_session(locked.node, data, current=locked)
    before = locked.snapshot()
    for name, value in fields.items():
        setattr(locked, name, value)
    changes = diff(before, locked.snapshot())
    if not changes:
        return locked
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])
    record(actor=by, action=AuditAction.UPDATE, obj=locked, node_path=locked.node.path, changes=changes)
    return locked


WITHDRAW_REASON_MAX = 500


@transaction.atomic
def session_withdraw(
    *, by: User, scope: Scope, session: OutreachSession, reason: str, expected_version: int
) -> OutreachSession:
    """Withdraw a session recorded in error (a wrong import, a session that did not take place):
    it is kept, with its list, the reason, who and when, but it no longer counts toward the reach
    and the lists leave it out unless asked. Audited with the reason; cannot be undone here."""
    _require_record(scope, session.node)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Vui lòng nêu lý do rút buổi tuyên truyền.")]})
    if len(reason) > WITHDRAW_REASON_MAX:
        raise ValidationError({"reason": [_("Dài quá %(n)s ký tự.") % {"n": WITHDRAW_REASON_MAX}]})
    locked = _locked_session(session, expected_version)
    if locked.is_withdrawn:
        raise DomainError(_("Buổi đã được rút trước đó."))
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = by
    locked.withdrawn_reason = reason
    locked.version += 1
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "version", "updated_at"])
    record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=locked,
        node_path=locked.node.path,
        changes={"withdrawn": [False, True], "withdrawn_reason": ["", reason]},
        reason=reason,
    )
    return locked


@dataclass(frozen=True)
class ImportResult:
    added: int  # people added to the session's list
    new_people: int  # of whom first seen at this node
    already_listed: int  # people of the file already on the list


def _chunks(items: list[Any], size: int = WRITE_CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def participants_by_key(node: OrgNode, keys: Iterable[str]) -> dict[str, Participant]:
    """The node's participants with these keys (a query per 500 keys)."""
    found: dict[str, Participant] = {}
    for chunk in _chunks(sorted(set(keys))):
        for participant in Participant.objects.filter(node=node, key__in=chunk):
            found[participant.key] = participant
    return found


@dataclass(frozen=True)
class Matches:
    """The node's participants that the people of a file are (by `Person.key`)."""

    known: dict[str, Participant]  # person key → participant, by key or by name and year of birth
    by_name: frozenset[str]  # keys of people with an identifier matched by name and year of birth


def match_participants(node: OrgNode, people: list[Person]) -> Matches:
    """Find the node's participants the people of a file are (a query per 500 keys, and as many
    for the fallback below).

    A person is first looked up by key. A person with an identifier who is not found that way is
    then the participant recorded without an identifier under the same folded name and year of
    birth (from a list without CCCD), so one person listed both ways counts once. That participant
    is taken by the first such person of the file only, and once it carries an identifier (see
    `attendance_import`) only by that identifier: two different CCCD are never merged."""
    known = participants_by_key(node, [p.key for p in people])
    fallback: dict[str, list[Person]] = {}
    for person in people:
        if person.key.startswith("id:") and person.key not in known and person.birth_year:
            fallback.setdefault(name_birth_key(person.full_name, person.birth_year), []).append(person)
    by_name: set[str] = set()
    if fallback:
        found = participants_by_key(node, fallback)
        for nb_key, candidates in fallback.items():
            participant = found.get(nb_key)
            if participant is None:
                continue
            owner = identifier_key(participant.identifier)
            for person in candidates:
                if not owner or person.key == f"id:{owner}":
                    known[person.key] = participant
                    by_name.add(person.key)
                    break
    return Matches(known=known, by_name=frozenset(by_name))


@transaction.atomic
def attendance_import(
    *,
    by: User,
    scope: Scope,
    session: OutreachSession,
    people: list[Person],
    file_name: str = "",
    expected_version: int | None = None,
) -> ImportResult:
    """Add the people of a checked file (`importing.read_attendance`, no errors) to the session's
    list, all or nothing. A person already known at the node (same key) is not created again, and
    one already on the list is not added twice, so re-importing the same file adds nobody. A
    headcount session becomes a list session (its headcount is dropped: the list counts)."""
    _require_record(scope, session.node)
    if not people:
        raise DomainError(_("Tệp không có người tham dự nào để nhập."))
    locked = _locked_session(session, expected_version)
    if locked.is_withdrawn:
        raise DomainError(_("Buổi đã được rút: không nhập danh sách vào buổi này được."))
    node = locked.node
    keys = [p.key for p in people]
    matches = match_participants(node, people)
    known = matches.known
    new = [
        Participant(
            node=node,
            key=p.key,
            full_name=p.full_name,
            identifier=p.identifier,
            group=p.group,
            birth_year=p.birth_year,
        )
        for p in people
        if p.key not in known
    ]
    for chunk in _chunks(new):
        # ignore_conflicts: another import of the node may have created the same person meanwhile;
        # the re-read below picks up their row.
        Participant.objects.bulk_create(chunk, ignore_conflicts=True)
    if new:
        known = {**participants_by_key(node, keys), **{k: known[k] for k in matches.by_name}}
    # A participant found by name and year of birth now carries the identifier: a later list keys
    # them by it, and another identifier under the same name no longer takes them.
    identified = []
    for person in people:
        participant = known[person.key]
        if person.key in matches.by_name and not participant.identifier:
            participant.identifier = person.identifier
            identified.append(participant)
    Participant.objects.bulk_update(identified, ["identifier"], batch_size=WRITE_CHUNK)
    listed = set(Attendance.objects.filter(session=locked).values_list("participant_id", flat=True))
    participants = list(dict.fromkeys(known[k].pk for k in keys))
    to_add = [pk for pk in participants if pk not in listed]
    for chunk in _chunks(to_add):
        Attendance.objects.bulk_create(
            [Attendance(session=locked, participant_id=pk) for pk in chunk], ignore_conflicts=True
        )
    changes: dict[str, Any] = {"attendance": [len(listed), len(listed) + len(to_add)]}
    update = ["version", "updated_at"]
    if not locked.is_list:
        changes["attendance_mode"] = [locked.attendance_mode, AttendanceMode.LIST.value]
        changes["headcount"] = [locked.headcount, None]
        locked.attendance_mode = AttendanceMode.LIST
        locked.headcount = None
        update += ["attendance_mode", "headcount"]
    locked.version += 1
    locked.save(update_fields=update)
    record(
        actor=by,
        action=AuditAction.IMPORT,
        obj=locked,
        node_path=node.path,
        changes={
            **changes,
            "file": file_name[:200],
            "new_people": len(new),
            "matched_by_name": len(matches.by_name),
        },
    )
    return ImportResult(
        added=len(to_add), new_people=len(new), already_listed=len(participants) - len(to_add)
    )


# --- Festival days ---------------------------------------------------------------------------


def host_candidates(node: OrgNode) -> tuple[OrgNode | None, str]:
    """(the commune a unit belongs to, the path prefix of that commune's subtree): a unit may join
    the festival day of its commune or of another unit of the same commune."""
    commune = node.parent if node.kind in UNIT_KINDS else None
    if commune is None or commune.kind != NodeKind.COMMUNE:
        return None, ""
    return commune, commune.path


def _host_error(node: OrgNode, host: OrgNode | None) -> str:
    if host is None:
        return _("Vui lòng chọn nơi tổ chức Ngày hội mà đơn vị tham gia.")
    if host.pk == node.pk:
        return _("Đơn vị tự tổ chức thì chọn “Tự tổ chức”, không chọn chính mình làm nơi tổ chức.")
    commune, prefix = host_candidates(node)
    if commune is None:
        # A commune holds its own festival day (it may join the province's: allow its ancestors).
        if node.path.startswith(host.path):
            return ""
        return _("Xã chỉ tham gia Ngày hội do cấp trên tổ chức.")
    if host.pk == commune.pk or (host.path.startswith(prefix) and host.kind in UNIT_KINDS):
        return ""
    return _("Chỉ tham gia Ngày hội do xã hoặc một đơn vị khác cùng xã tổ chức.")


def _clean_festival(node: OrgNode, year: int, data: Mapping[str, Any], *, status: str) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    participation = data.get("participation") or Participation.HOSTED
    if participation not in Participation.values:
        errors["participation"] = [_("Vui lòng chọn hình thức tham gia.")]
    out["participation"] = participation
    host = data.get("host")
    if participation == Participation.JOINED:
        problem = _host_error(node, host if isinstance(host, OrgNode) else None)
        if problem:
            errors["host"] = [problem]
        out["host"] = host
    else:
        out["host"] = None
    today = timezone.localdate()
    for name in ("planned_on", "held_on"):
        day = data.get(name)
        if day is not None and not isinstance(day, dt.date):
            errors[name] = [_("Ngày không hợp lệ.")]
        elif isinstance(day, dt.date) and day.year != year:
            errors[name] = [
                _("Ngày hội năm %(year)s: ngày phải từ 01/01/%(year)s đến 31/12/%(year)s.") % {"year": year}
            ]
        elif name == "held_on" and isinstance(day, dt.date) and day > today:
            errors[name] = [_("Ngày tổ chức không được sau ngày hôm nay.")]
        out[name] = day
    attendance = data.get("attendance")
    if attendance is not None and (
        not isinstance(attendance, int) or isinstance(attendance, bool) or attendance < 0
    ):
        errors["attendance"] = [_("Số người tham dự phải là số nguyên không âm.")]
    out["attendance"] = attendance
    if status == FestivalStatus.HELD:
        if out["held_on"] is None:
            errors.setdefault("held_on", [_("Ngày hội đã tổ chức: cần ngày tổ chức.")])
        if attendance is None or attendance == 0:
            errors.setdefault("attendance", [_("Ngày hội đã tổ chức: cần số người tham dự.")])
    for name in ("place", "activities", "note"):
        out[name] = _text(data, name)
    _check_length(errors, FestivalDay, "place", out["place"])
    plan = data.get("plan_document")
    if plan is not None:
        problem = _evidence_error(plan, node, (year,)) if isinstance(plan, EvidenceDocument) else "x"
        if problem:
            errors["plan_document"] = [problem if problem != "x" else _("Tài liệu không hợp lệ.")]
    out["plan_document"] = plan
    if errors:
        raise ValidationError(errors)
    return out


def _clean_photos(node: OrgNode, year: int, photos: Iterable[EvidenceDocument]) -> list[EvidenceDocument]:
    chosen = list({p.pk: p for p in photos}.values())
    for photo in chosen:
        problem = _evidence_error(photo, node, (year,))
        if not problem and not photo.content_type.startswith("image/"):
            problem = _("“%(title)s” không phải là ảnh (JPEG, PNG).") % {"title": photo.title}
        if problem:
            raise ValidationError({"photos": [problem]})
    return sorted(chosen, key=lambda p: p.pk)


def _check_year(year: Any) -> int:
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {"year": [_("Năm phải từ %(min)s đến %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}]}
        )
    return year


@transaction.atomic
def festival_create(
    *,
    by: User,
    scope: Scope,
    node: OrgNode,
    year: int,
    data: Mapping[str, Any],
    photos: Iterable[EvidenceDocument] = (),
) -> FestivalDay:
    """Plan the festival day of `node` for `year` (one per node and year)."""
    _require_record(scope, node)
    year = _check_year(year)
    fields = _clean_festival(node, year, data, status=FestivalStatus.PLANNED)
    chosen = _clean_photos(node, year, photos)
    if FestivalDay.objects.filter(node=node, year=year).exists():
        raise ValidationError({"year": [_("Đơn vị đã có Ngày hội năm %(year)s.") % {"year": year}]})
    try:
        with transaction.atomic():
            festival = FestivalDay.objects.create(node=node, year=year, recorded_by=by, **fields)
    except IntegrityError as exc:  # created meanwhile by someone else
        raise ValidationError({"year": [_("Đơn vị đã có Ngày hội năm %(year)s.") % {"year": year}]}) from exc
    festival.photos.set(chosen)
    changes = diff({}, {"year": year, **festival.snapshot()})
    if chosen:
        changes["photos"] = [[], [p.pk for p in chosen]]
    record(actor=by, action=AuditAction.CREATE, obj=festival, node_path=node.path, changes=changes)
    return festival


def _locked_festival(festival: FestivalDay, expected_version: int) -> FestivalDay:
    locked = FestivalDay.objects.select_for_update(of=("self",)).select_related("node").get(pk=festival.pk)
    if locked.version != expected_version:
        raise _stale()
    return locked


@transaction.atomic
def festival_update(
    *,
    by: User,
    scope: Scope,
    festival: FestivalDay,
    data: Mapping[str, Any],
    photos: Iterable[EvidenceDocument] | None = None,
    expected_version: int,
) -> FestivalDay:
    """Change a festival day's facts (its status changes only through `festival_mark_held`); a held
    festival day keeps its date and attendance."""
    _require_record(scope, festival.node)
    locked = _locked_festival(festival, expected_version)
    fields = _clean_festival(locked.node, locked.year, data, status=locked.status)
    before = locked.snapshot()
    for name, value in fields.items():
        setattr(locked, name, value)
    changes = diff(before, locked.snapshot())
    if photos is not None:
        old = sorted(locked.photos.values_list("pk", flat=True))
        chosen = _clean_photos(locked.node, locked.year, photos)
        new = [p.pk for p in chosen]
        if old != new:
            locked.photos.set(chosen)
            changes["photos"] = [old, new]
    if not changes:
        return locked
    locked.version += 1
    locked.save(update_fields=[*FESTIVAL_FIELDS, "version", "updated_at"])
    record(actor=by, action=AuditAction.UPDATE, obj=locked, node_path=locked.node.path, changes=changes)
    return locked


def festival_mark_held(
    *,
    by: User,
    scope: Scope,
    festival: FestivalDay,
    data: Mapping[str, Any],
    expected_version: int,
) -> FestivalDay:
    """planned → held (workflows.FESTIVAL), with the day it was held and how many took part."""
    _require_record(scope, festival.node)
    merged = {name: getattr(festival, name) for name in FESTIVAL_FIELDS}
    merged.update({k: v for k, v in data.items() if k in {"held_on", "attendance", "place", "activities"}})
    fields = _clean_festival(festival.node, festival.year, merged, status=FestivalStatus.HELD)
    updates = {name: fields[name] for name in ("held_on", "attendance", "place", "activities")}
    return apply_transition(
        festival,
        workflow=FESTIVAL,
        to=FestivalStatus.HELD,
        by=by,
        scope=scope,
        node=festival.node,
        expected_version=expected_version,
        updates=updates,
    )

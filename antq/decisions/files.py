"""The files of a decision: the Quyết định (DOCX, PDF) and the Giấy công nhận of its units.

A large decision takes long to lay out as PDF (measured: 500 units ≈ 8 s for the decision and
≈ 110 s for 500 certificates, against 0.4 s for the decision as DOCX), so each file is rendered
once per version of the decision and kept in the default storage: on the spot when the estimate is
short, otherwise by the task worker while the page shows its progress. Issued decisions never
change, so their files are final; they are queued as soon as the decision is issued.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from antq.core.errors import DomainError
from antq.core.text import fold
from antq.decisions import builders, texts
from antq.decisions.choices import DecisionKind, DecisionStatus
from antq.decisions.models import Decision, DecisionItem, DocumentFile, DocumentJob
from antq.doctemplates.services import active_template
from antq.documents import render_docx, render_pdf

log = logging.getLogger(__name__)
F = DocumentFile
# Seconds = base + per unit, measured with WeasyPrint and python-docx on a developer machine.
ESTIMATES: dict[str, tuple[float, float]] = {
    F.DECISION_PDF: (0.5, 0.016),
    F.DECISION_DOCX: (0.2, 0.001),
    F.CERTIFICATES_PDF: (0.2, 0.22),
    F.CERTIFICATES_DOCX: (0.2, 0.05),
}
# Longer than this and the file is made in the background (a request should not hang).
ON_THE_SPOT_SECONDS = 3.0
# A job without an answer for this long is taken as lost (worker stopped) and started again.
LOST_AFTER = dt.timedelta(minutes=15)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
CERTIFICATE_FILES = (F.CERTIFICATES_PDF, F.CERTIFICATES_DOCX)


def estimate(what: str, units: int) -> float:
    base, per_unit = ESTIMATES[what]
    return base + per_unit * units


def extension(what: str) -> str:
    return what.rsplit(".", 1)[-1]


def content_type(what: str) -> str:
    return CONTENT_TYPES[extension(what)]


def available(decision: Decision, what: str) -> bool:
    """The decision itself in every status (a draft to review, a revoked one for the record);
    certificates only while a recognition decision is in force (a revoked one must not print)."""
    if what not in DocumentFile.values:
        return False
    if what in CERTIFICATE_FILES:
        return decision.kind == DecisionKind.RECOGNITION and decision.status == DecisionStatus.ISSUED
    return True


def filename(decision: Decision, what: str) -> str:
    """ASCII file names: "quyet-dinh-125-qd-ubnd-2026.pdf", "du-thao-quyet-dinh-12.docx"."""
    stem = "giay-cong-nhan" if what in CERTIFICATE_FILES else "quyet-dinh"
    if decision.number:
        name = f"{stem}-{decision.number}-{decision.symbol}-{decision.cycle.year}"
    else:
        name = f"du-thao-{stem}-{decision.pk}"
    return f"{slugify(fold(name))}.{extension(what)}"


def render(decision: Decision, what: str) -> bytes:
    """The file's bytes, from the decision as it is now."""
    items = builders.decision_items(decision)
    renderer = render_pdf if extension(what) == "pdf" else render_docx
    if what in CERTIFICATE_FILES:
        return renderer(builders.certificates(decision, items))
    return renderer(builders.official_document(decision, items))


def certificate_pdf(item: DecisionItem) -> bytes:
    """One unit's Giấy công nhận (about 0.4 s: always on the spot)."""
    return render_pdf(builders.certificate(item.decision, item))


def template_key(decision: Decision) -> str:
    """What the wording of the decision's files comes from, part of their cache key: an issued
    decision's pinned wording never changes; a draft follows its province's template in force, so
    a template uploaded (or reverted) after a download gives a new file."""
    if decision.wording and not decision.is_draft:
        return "pinned"
    current = active_template(texts.TEMPLATE_KINDS[decision.kind], decision.issuer)
    return f"t{current.pk}" if current is not None else "default"


# ---- jobs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """The job of the requested file, and its bytes when they are ready now."""

    job: DocumentJob
    content: bytes | None


def _lost(job: DocumentJob) -> bool:
    if not job.is_running:
        return False
    since = job.started_at or job.created_at
    return timezone.now() - since > max(LOST_AFTER, dt.timedelta(seconds=3 * job.estimate_seconds))


def prepare(decision: Decision, what: str, *, by: User | None) -> Prepared:
    """The file of the decision's current version: read from storage, rendered now if quick, or
    queued for the worker (then `content` is None and the job tells the progress)."""
    if not available(decision, what):
        raise DomainError(_("Quyết định này không có tệp này."))
    units = decision.items.count()
    key = template_key(decision)
    try:
        with transaction.atomic():
            job, created = DocumentJob.objects.get_or_create(
                decision=decision,
                what=what,
                decision_version=decision.version,
                template_key=key,
                defaults={
                    "unit_count": units,
                    "estimate_seconds": round(estimate(what, units)),
                    "requested_by": by,
                },
            )
    except IntegrityError:  # requested twice at the same moment
        job, created = (
            DocumentJob.objects.get(
                decision=decision, what=what, decision_version=decision.version, template_key=key
            ),
            False,
        )
    if job.status == DocumentJob.Status.DONE and job.stored_file and default_storage.exists(job.stored_file):
        with default_storage.open(job.stored_file, "rb") as handle:
            return Prepared(job, handle.read())
    restart = job.status in (DocumentJob.Status.FAILED, DocumentJob.Status.DONE) or _lost(job)
    if estimate(what, units) <= ON_THE_SPOT_SECONDS:
        content = _run(job)
        return Prepared(job, content)
    if created or restart:
        DocumentJob.objects.filter(pk=job.pk).update(
            status=DocumentJob.Status.PENDING, failure="", started_at=None, finished_at=None
        )
        job.refresh_from_db()
        enqueue(job)
    return Prepared(job, None)


def enqueue(job: DocumentJob) -> None:
    from antq.decisions.tasks import render_document

    transaction.on_commit(partial(render_document.enqueue, job.pk))


def pin_wording(decision: Decision) -> None:
    """At issue: keep the wording the decision is signed with, so that a template uploaded later
    changes none of its copies (files rendered later, certificates printed on the spot)."""
    decision.wording = builders.live_wording(decision, builders.decision_items(decision))
    Decision.objects.filter(pk=decision.pk).update(wording=decision.wording)


def queue_issued_files(decision: Decision) -> None:
    """After an issue: have the large files made in the background, ready when someone asks."""
    units = decision.items.count()
    for what in (F.DECISION_PDF, F.CERTIFICATES_PDF):
        if not available(decision, what) or estimate(what, units) <= ON_THE_SPOT_SECONDS:
            continue
        job, created = DocumentJob.objects.get_or_create(
            decision=decision,
            what=what,
            decision_version=decision.version,
            template_key=template_key(decision),
            defaults={"unit_count": units, "estimate_seconds": round(estimate(what, units))},
        )
        if created:
            enqueue(job)


def run_job(job_id: int) -> None:
    """The task body: render the file unless the job was done meanwhile or its version is stale."""
    job = DocumentJob.objects.select_related("decision").filter(pk=job_id).first()
    if job is None or job.status == DocumentJob.Status.DONE:
        return
    _run(job)


def _run(job: DocumentJob) -> bytes | None:
    decision = (
        Decision.objects.select_related("cycle", "issuer", "issuer__parent")
        .filter(pk=job.decision_id)
        .first()
    )
    if (
        decision is None
        or decision.version != job.decision_version
        or template_key(decision) != job.template_key
    ):
        DocumentJob.objects.filter(pk=job.pk).update(
            status=DocumentJob.Status.FAILED,
            failure=_("Quyết định đã thay đổi sau khi yêu cầu tạo tệp; hãy tải lại."),
            finished_at=timezone.now(),
        )
        return None
    DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.RUNNING, started_at=timezone.now())
    try:
        content = render(decision, job.what)
        name = default_storage.save(
            f"decisions/{decision.pk}/v{decision.version}/{job.template_key}/{filename(decision, job.what)}",
            ContentFile(content),
        )
    except Exception as exc:
        log.exception("rendering %s of decision %s failed", job.what, decision.pk)
        DocumentJob.objects.filter(pk=job.pk).update(
            status=DocumentJob.Status.FAILED,
            failure=_("Không tạo được tệp: %(error)s") % {"error": exc},
            finished_at=timezone.now(),
        )
        return None
    DocumentJob.objects.filter(pk=job.pk).update(
        status=DocumentJob.Status.DONE, stored_file=name, finished_at=timezone.now(), failure=""
    )
    _drop_older(job, decision)
    return content


def _drop_older(job: DocumentJob, decision: Decision) -> None:
    """Files of earlier versions of a draft, or made with another template, are never served again."""
    older = DocumentJob.objects.filter(decision=decision, what=job.what).exclude(pk=job.pk)
    for name in older.exclude(stored_file="").values_list("stored_file", flat=True):
        default_storage.delete(name)
    older.delete()


def progress(job: DocumentJob) -> dict[str, object]:
    """What the progress block shows: a percentage estimated from the elapsed time (the renderer
    lays out the whole file in one call and reports nothing in between)."""
    job.refresh_from_db()
    if job.status == DocumentJob.Status.DONE:
        return {"percent": 100, "phrase": _("Đã tạo xong tệp.")}
    if job.status == DocumentJob.Status.FAILED:
        return {"percent": 0, "phrase": job.failure}
    if job.status == DocumentJob.Status.PENDING or job.started_at is None:
        return {"percent": 0, "phrase": _("Đang chờ đến lượt tạo tệp…")}
    elapsed = (timezone.now() - job.started_at).total_seconds()
    percent = min(95, int(100 * elapsed / max(job.estimate_seconds, 1)))
    return {
        "percent": percent,
        "phrase": _("Đang tạo tệp cho %(n)s đơn vị (ước tính khoảng %(s)s giây)…")
        % {"n": job.unit_count, "s": job.estimate_seconds},
    }

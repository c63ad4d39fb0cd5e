"""The operations `antq bench` times, each beside the baseline the issue names for it.

Pages are requested through Django's test client (URL routing, middleware, scope, templates: what a
user waits for, minus the network), signed in as the benchmark's own accounts. A baseline is the
least work that gives the same answer: the bare SQL of the page's rows, or openpyxl reading the file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import Workbook, load_workbook

from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.benchmarks.timing import Measure, Row, measure
from antq.core.pagination import _encode
from antq.core.text import search_tokens
from antq.criteria.engine.document import evaluate_document
from antq.cycles import services as cycle_services
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import Assessment, Registration
from antq.decisions.builders import official_document
from antq.decisions.choices import DecisionKind
from antq.decisions.models import Decision, DecisionItem
from antq.documents.render import render_docx, render_pdf
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode
from antq.units import importing
from antq.units.exporting import write_units
from antq.units.importing import HEADERS

EXAMPLE_FACTS = Path(__file__).resolve().parents[1] / "criteria" / "examples" / "so-khdt-2022.json"
SEARCH = "thon 1"
DEEP_ROW = 5000


def _verified_client(user: User) -> Client:
    """A client signed in as `user` whose session has passed the two-factor code, as a province
    officer's or an administrator's is in production: the pages are measured, not the sign-in."""
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    device, _c = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@dataclass
class Bench:
    """What every operation needs: sizes, repetitions and signed-in clients."""

    repeat: int
    import_rows: int
    admin: Client
    officer: Client
    admin_user: User
    units: int
    province: OrgNode

    @classmethod
    def prepare(cls, *, repeat: int, import_rows: int, province: str = "") -> Bench:
        nation = OrgNode.objects.get(kind=NodeKind.NATION)
        admin_user, _c = User.objects.get_or_create(username="bench.quantri")
        Membership.objects.get_or_create(user=admin_user, node=nation, role=Role.SYSTEM_ADMIN)
        admin = _verified_client(admin_user)
        agency = _draft_agency_assessment()
        officer_user, _c = User.objects.get_or_create(username="bench.donvi")
        Membership.objects.get_or_create(user=officer_user, node=agency.node, role=Role.UNIT_OFFICER)
        officer = _verified_client(officer_user)
        return cls(
            repeat=repeat,
            import_rows=import_rows,
            admin=admin,
            officer=officer,
            admin_user=admin_user,
            units=OrgNode.objects.filter(kind__in=UNIT_KINDS).count(),
            province=_province(province),
        )


def _province(code: str) -> OrgNode:
    """The province whose dashboard is timed: `code`, or the first one with cycles."""
    provinces = OrgNode.objects.filter(kind=NodeKind.PROVINCE, valid_to__isnull=True)
    if code:
        found = provinces.filter(code=code.upper()).first()
        if found is None:
            raise RuntimeError(f"Không có tỉnh mã {code}.")
        return found
    found = provinces.filter(cycles__isnull=False).order_by("path").first()
    if found is None:
        raise RuntimeError("Chưa có chu kỳ nào: chạy antq generate_national trước.")
    return found


def _draft_agency_assessment() -> Assessment:
    """An agency's assessment its officer can save: a draft one, started if none exists."""
    draft = (
        Assessment.objects.filter(status=AssessmentStatus.DRAFT, node__kind=NodeKind.AGENCY)
        .select_related("node", "cycle")
        .order_by("pk")
        .first()
    )
    if draft is not None:
        return draft
    registration = (
        Registration.objects.filter(
            status=RegistrationStatus.ACCEPTED, node__kind=NodeKind.AGENCY, cycle__status="open"
        )
        .exclude(Exists(Assessment.objects.filter(cycle=OuterRef("cycle"), node=OuterRef("node"))))
        .select_related("node", "cycle")
        .order_by("pk")
        .first()
    )
    if registration is None:
        raise RuntimeError(
            "Không có cơ quan nào đã được tiếp nhận đăng ký: chạy antq generate_national trước."
        )
    admin = User.objects.get(username="bench.quantri")
    return cycle_services.assessment_start(
        by=admin, scope=Scope.for_user(admin), cycle=registration.cycle, node=registration.node
    )


def _get(client: Client, url: str) -> Callable[[], None]:
    def run() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")

    return run


def _sql(statement: str, params: list[Any]) -> Callable[[], None]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            cursor.fetchall()

    return run


def unit_list(bench: Bench) -> list[Row]:
    """The national unit list with an accent-insensitive search: page 1 and a deep page."""
    kinds = sorted(UNIT_KINDS)
    marks = ", ".join(["%s"] * len(kinds))
    page_sql = (
        f"SELECT id, code, name, kind, parent_id, search_text FROM org_orgnode "  # noqa: S608 - fixed columns  # nosec B608
        f"WHERE kind IN ({marks}) AND search_text LIKE %s ORDER BY search_text, id LIMIT 51"
    )
    rows = [
        Row(
            "unit list, national, search page 1",
            f"{bench.units:,} units",
            measure(_get(bench.admin, f"/units/?{urlencode({'q': SEARCH})}"), repeat=bench.repeat),
            measure(_sql(page_sql, [*kinds, f"%{SEARCH}%"]), repeat=bench.repeat),
            "bare SQL of the page",
        )
    ]
    # One unit looked up by its full name: the case the trigram index is for (a scan otherwise).
    enterprises = OrgNode.objects.filter(kind=NodeKind.ENTERPRISE).order_by("pk")
    named = enterprises.values_list("name", flat=True).first()
    if named:
        tokens = search_tokens(named)
        likes = " AND ".join(["search_text LIKE %s"] * len(tokens))
        named_sql = (
            f"SELECT id, code, name, kind, parent_id, search_text FROM org_orgnode "  # noqa: S608  # nosec B608
            f"WHERE kind IN ({marks}) AND {likes} ORDER BY search_text, id LIMIT 51"
        )
        rows.append(
            Row(
                "unit list, national, search one name",
                f"{bench.units:,} units",
                measure(_get(bench.admin, f"/units/?{urlencode({'q': named})}"), repeat=bench.repeat),
                measure(_sql(named_sql, [*kinds, *(f"%{t}%" for t in tokens)]), repeat=bench.repeat),
                "bare SQL of the page",
            )
        )
    row = (
        OrgNode.objects.filter(kind__in=UNIT_KINDS)
        .order_by("search_text", "id")
        .only("search_text")[DEEP_ROW : DEEP_ROW + 1]
        .first()
    )
    if row is not None:
        deep_sql = (
            f"SELECT id, code, name, kind, parent_id, search_text FROM org_orgnode "  # noqa: S608  # nosec B608
            f"WHERE kind IN ({marks}) AND (search_text > %s OR (search_text = %s AND id > %s)) "
            f"ORDER BY search_text, id LIMIT 51"
        )
        rows.append(
            Row(
                f"unit list, national, page after row {DEEP_ROW:,}",
                f"{bench.units:,} units",
                measure(_get(bench.admin, f"/units/?after={_encode(row)}"), repeat=bench.repeat),
                measure(
                    _sql(deep_sql, [*kinds, row.search_text, row.search_text, row.pk]), repeat=bench.repeat
                ),
                "bare SQL of the page",
            )
        )
    return rows


def _replay(client: Client, url: str) -> Callable[[], None]:
    """The page's own SQL, captured once and executed bare (no ORM, no Python over the rows, no
    template): the least the database must do for the same figures."""
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)()
    statements = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")]

    def run() -> None:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()

    return run


def dashboards(bench: Bench) -> list[Row]:
    """The national, a province's and a commune's dashboard (cards, tables by kind, by child and by
    year), each beside its own SQL replayed bare."""
    commune = (
        OrgNode.objects.filter(parent=bench.province, kind=NodeKind.COMMUNE, valid_to__isnull=True)
        .order_by("path")
        .first()
    )
    nation = OrgNode.objects.get(kind=NodeKind.NATION)
    rows = []
    for label, node in (("national", nation), ("province", bench.province), ("commune", commune)):
        if node is None:
            continue
        url = f"/dashboard/{node.pk}/"
        units = OrgNode.objects.filter(path__startswith=node.path, kind__in=UNIT_KINDS).count()
        rows.append(
            Row(
                f"dashboard, {label}",
                f"{node.code}, {units:,} units",
                measure(_get(bench.admin, url), repeat=bench.repeat),
                measure(_replay(bench.admin, url), repeat=bench.repeat),
                "its SQL replayed bare",
            )
        )
    return rows


def assessment(bench: Bench) -> list[Row]:
    """Opening an assessment (the sheet) and saving one score through the API."""
    draft = _draft_agency_assessment()
    leaf = "QD510.CQ.5.a"
    values = [0, 1, 2]

    def save() -> None:
        version = Assessment.objects.values_list("version", flat=True).get(pk=draft.pk)
        values.append(values.pop(0))
        response = bench.officer.post(
            f"/api/v1/assessments/{draft.pk}/save-self/",
            data=json.dumps({"version": version, "self_scores": {leaf: values[0]}}),
            content_type="application/json",
        )
        if response.status_code != 200:
            raise RuntimeError(f"save-self: {response.status_code} {response.content[:300]!r}")

    return [
        Row(
            "open an assessment",
            draft.node.kind,
            measure(_get(bench.admin, f"/cycles/assessments/{draft.pk}/"), repeat=bench.repeat),
        ),
        Row("save one score (API)", leaf, measure(save, repeat=bench.repeat)),
    ]


def engine(bench: Bench) -> list[Row]:
    """The engine on one fact sheet (TT 124 + QĐ 510 + classification), repeated."""
    document = json.loads(EXAMPLE_FACTS.read_text(encoding="utf-8"))
    batch = 200
    ours = measure(
        lambda: [evaluate_document(document) for _ in range(batch)], repeat=max(3, bench.repeat // 5)
    )
    per_second = batch / (ours.median_ms / 1000)
    per_sheet = Measure(ours.median_ms / batch, ours.p95_ms / batch, ours.runs)
    return [Row("engine: evaluate a fact sheet", "CQ sheet", per_sheet, note=f"{per_second:,.0f} sheets/s")]


def _import_file(rows: int, commune_codes: list[str]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Đơn vị")
    sheet.append(list(HEADERS))
    index = {header: n for n, header in enumerate(HEADERS)}
    for n in range(rows):
        line: list[object] = [None] * len(HEADERS)
        line[0] = f"BENCH-{n:06d}"
        line[1] = f"Thôn đo hiệu năng {n}"
        line[2] = "Khu dân cư"
        line[3] = commune_codes[n % len(commune_codes)]
        line[index["Số hộ / số người"]] = 100
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def unit_import(bench: Bench) -> list[Row]:
    """A 100,000-row unit import (check, then write), against openpyxl reading the same file."""
    communes = list(OrgNode.objects.filter(kind=NodeKind.COMMUNE).values_list("code", flat=True)[:500])
    content = _import_file(bench.import_rows, communes)
    nation = OrgNode.objects.get(kind=NodeKind.NATION)

    def run() -> None:
        upload = SimpleUploadedFile("bench.xlsx", content)
        job = importing.start_import(by=bench.admin_user, node=nation, upload=upload)
        importing.run_validation(job_id=job.pk)
        job.refresh_from_db()
        if job.status != "ready":
            raise RuntimeError(f"import check: {job.status} {job.errors[:3]} {job.failure}")
        importing.confirm_import(job=job)
        importing.run_apply(job_id=job.pk)
        job.refresh_from_db()
        if job.status != "done":
            raise RuntimeError(f"import write: {job.status} {job.failure}")

    def clean() -> None:
        """Remove the imported units, untimed: the next run creates them again.

        Their audit events stay: the log is append-only (each run adds `import_rows` events, which
        the next import's timing includes as a slightly larger table, as in production).
        """
        OrgNode.objects.filter(code__startswith="BENCH-").delete()

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(content)
        handle.flush()

        def read() -> None:
            book = load_workbook(handle.name, read_only=True)
            for _row in book.active.iter_rows(values_only=True):  # type: ignore[union-attr]
                pass
            book.close()

        repeat = max(1, bench.repeat // 10)
        ours = measure(run, repeat=repeat, warmup=0, teardown=clean)
        baseline = measure(read, repeat=repeat, warmup=0)
    _vacuum("org_orgnode", "audit_auditevent")
    rate = bench.import_rows / (ours.median_ms / 1000)
    return [
        Row(
            "unit import (check + write)",
            f"{bench.import_rows:,} rows",
            ours,
            baseline,
            "openpyxl read-only read",
            note=f"{rate:,.0f} rows/s",
        )
    ]


def _vacuum(*tables: str) -> None:
    """Clear the dead rows the import's clean-up left (on PostgreSQL): the operations timed after it
    would otherwise read through 100,000 deleted units in every index."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:  # VACUUM refuses a transaction
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def unit_export(bench: Bench) -> list[Row]:
    ids = list(
        OrgNode.objects.filter(kind__in=UNIT_KINDS).order_by("path").values_list("pk", flat=True)[:10_000]
    )
    units = OrgNode.objects.filter(pk__in=ids)

    def run() -> None:
        write_units(units, io.BytesIO())

    return [
        Row("XLSX export of units", f"{len(ids):,} units", measure(run, repeat=max(3, bench.repeat // 5)))
    ]


def decision_documents(bench: Bench) -> list[Row]:
    """A recognition decision naming 500 units, rendered as DOCX and as PDF (annex included)."""
    province = OrgNode.objects.filter(kind=NodeKind.PROVINCE, cycles__isnull=False).order_by("path").first()
    assessment_rows = list(
        Assessment.objects.filter(cycle__province=province)
        .select_related("node", "cycle")
        .order_by("pk")[:500]
    )
    if not assessment_rows:
        return []
    decision = Decision(
        kind=DecisionKind.RECOGNITION,
        cycle=assessment_rows[0].cycle,
        issuer=province,
        number="125",
        issued_on=dt.date(assessment_rows[0].cycle.year, 11, 10),
        signer_name="Nguyễn Văn Minh",
    )
    items = [
        DecisionItem(decision=decision, node=a.node, assessment=a, position=n, total=Decimal(85))
        for n, a in enumerate(assessment_rows, start=1)
    ]
    document = official_document(decision, items)
    repeat = max(3, bench.repeat // 5)
    return [
        Row("decision DOCX", f"{len(items)} units", measure(lambda: render_docx(document), repeat=repeat)),
        Row("decision PDF", f"{len(items)} units", measure(lambda: render_pdf(document), repeat=repeat)),
    ]


OPERATIONS: dict[str, Callable[[Bench], list[Row]]] = {
    "dashboards": dashboards,
    "units": unit_list,
    "assessment": assessment,
    "engine": engine,
    "import": unit_import,
    "export": unit_export,
    "decision": decision_documents,
}

"""The process `tests/test_kill.py` kills: it runs one long write of ANTQ on a scratch database.

    python -m tests.kill_child setup                  prepare every scenario; prints their ids (JSON)
    python -m tests.kill_child import JOB             apply a checked unit import (run_apply)
    python -m tests.kill_child decision DECISION USER issue a recognition decision of many units
    python -m tests.kill_child rollup REPORT USER     submit the province's report (sum of its communes)
    python -m tests.kill_child rerun IDS_JSON          the three above, one after the other (one start-up)

Environment: DJANGO_SETTINGS_MODULE, DATABASE_URL (the scratch database), ANTQ_VAR_DIR (its files).
With KILL_HOOK=module:function, KILL_AFTER=N and KILL_MARKER=path, the N-th call of that function
returns, then the process writes the marker (saying whether a transaction is open) and sleeps: the
parent kills it there, in the middle of the work. Product code is not changed for this: the hook is
this script's own wrapper around a function the service calls. Without KILL_HOOK the work runs to
its end (the rerun after the kill).
"""

from __future__ import annotations

import importlib
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import django

# The unit import writes in chunks of this many rows (5,000 in production): a small file then
# takes several chunks, and the kill lands between two of them.
IMPORT_CHUNK = 4
IMPORT_NEW = 12
DECISION_UNITS = 13  # from 13 on, the certificates are made by a background document job
SLEEP_SECONDS = 120


def install_hook() -> None:
    spec = os.environ.get("KILL_HOOK")
    if not spec:
        return
    from django.db import connection

    module_name, name = spec.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, name)
    after = int(os.environ.get("KILL_AFTER", "1"))
    marker = Path(os.environ["KILL_MARKER"])
    calls = 0

    def hooked(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = original(*args, **kwargs)
        calls += 1
        if calls == after:
            marker.write_text(json.dumps({"in_atomic": connection.in_atomic_block, "calls": calls}))
            time.sleep(SLEEP_SECONDS)  # the parent's SIGKILL arrives here
        return result

    setattr(module, name, hooked)


def xlsx(rows: list[list[Any]]) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Mã", "Tên", "Loại", "Mã đơn vị cấp trên"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("don-vi.xlsx", out.getvalue())


def setup() -> dict[str, int]:
    """The three scenarios' data, through the services where it matters."""
    from antq.accounts.roles import Role
    from antq.accounts.scope import Scope
    from antq.decisions import services as decisions
    from antq.decisions.choices import DecisionKind
    from antq.org.choices import NodeKind
    from antq.reports import services as reports
    from antq.reports.definitions import load_national
    from antq.reports.models import ReportDefinition
    from antq.units import importing
    from antq.units.models import ImportJob
    from tests import factories as f
    from tests.decisions.helpers import assessment_row, cycle_row
    from tests.reports.conftest import YEAR, send, start, write

    nation = f.node(NodeKind.NATION, "Toàn quốc", "VN")
    province = f.node(NodeKind.PROVINCE, "Tỉnh Gia Lai", "T52", nation)
    communes = [
        f.node(NodeKind.COMMUNE, f"Xã Thử {n}", f"X2158{n}", province, division="Xã") for n in range(4)
    ]
    police = [f.user_with_role(f"xa{n}.congan", Role.COMMUNE_POLICE, c) for n, c in enumerate(communes)]
    leader = f.user_with_role("xa1.lanhdao", Role.COMMUNE_LEADER, communes[1])
    province_officer = f.user_with_role("tinh.canbo", Role.PROVINCE_OFFICER, province)

    # (a) a unit import: new units and changes to existing ones, checked and confirmed.
    home = communes[0]
    for n in range(3):
        f.unit(home, f"Cơ quan {n}", f"{home.code}-CQ{n:02d}", kind=NodeKind.AGENCY, subunit_count=3)
    rows = [
        [f"{home.code}-KDC{n:02d}", f"Tổ dân phố {n}", "Khu dân cư", home.code] for n in range(IMPORT_NEW)
    ]
    rows += [[f"{home.code}-CQ{n:02d}", f"Cơ quan {n} (tên mới)", "Cơ quan", home.code] for n in range(3)]
    job = importing.start_import(by=police[0], node=home, upload=xlsx(rows))
    importing.run_validation(job_id=job.pk)
    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportJob.Status.READY, (job.status, job.errors, job.failure)
    assert importing.confirm_import(job=job)

    # (b) a recognition decision drafted for many approved units of one commune.
    cycle = cycle_row(province)
    issuer = communes[1]
    units = [f.unit(issuer, f"Thôn {n:02d}", f"{issuer.code}-KDC{n:02d}") for n in range(DECISION_UNITS)]
    for unit in units:
        assessment_row(cycle, unit)
    decision = decisions.decision_draft_create(
        by=police[1],
        scope=Scope.for_user(police[1]),
        cycle=cycle,
        issuer=issuer,
        kind=DecisionKind.RECOGNITION,
        node_ids=[u.pk for u in units],
    )

    # (c) the province's 6-month report: three communes sent theirs (one accepted), the fourth
    # did not; the province's report is written and waits to be sent (its figures are their sum).
    load_national()  # the national definitions (loaded after migrate; a flushed test DB lost them)
    six_month = ReportDefinition.objects.get(node__isnull=True, code="so-ket-6-thang")
    sent = [send(police[n], communes[n], six_month) for n in range(3)]
    reports.report_accept(
        by=province_officer,
        scope=Scope.for_user(province_officer),
        report=sent[0],
        expected_version=sent[0].version,
    )
    report = write(province_officer, start(province_officer, province, six_month, YEAR))
    return {
        "job": job.pk,
        "decision": decision.pk,
        "leader": leader.pk,
        "report": report.pk,
        "province_officer": province_officer.pk,
    }


def run_import(job_id: int) -> None:
    from antq.units import importing

    importing.WRITE_CHUNK = IMPORT_CHUNK
    importing.run_apply(job_id=job_id)


def run_decision(decision_id: int, user_id: int) -> None:
    from django.contrib.auth.models import User

    from antq.accounts.scope import Scope
    from antq.decisions import services
    from antq.decisions.models import Decision
    from tests.decisions.helpers import ISSUE_DATA

    user = User.objects.get(pk=user_id)
    decision = Decision.objects.get(pk=decision_id)
    services.decision_issue(
        by=user,
        scope=Scope.for_user(user),
        decision=decision,
        expected_version=decision.version,
        data=ISSUE_DATA,
    )


def run_rollup(report_id: int, user_id: int) -> None:
    from django.contrib.auth.models import User

    from antq.accounts.scope import Scope
    from antq.reports import services
    from antq.reports.models import Report

    user = User.objects.get(pk=user_id)
    report = Report.objects.get(pk=report_id)
    services.report_submit(
        by=user, scope=Scope.for_user(user), report=report, expected_version=report.version
    )


def main(argv: list[str]) -> None:
    django.setup()
    install_hook()
    what = argv[0]
    if what == "rerun":
        ids = json.loads(argv[1])
        run_import(ids["job"])
        run_decision(ids["decision"], ids["leader"])
        run_rollup(ids["report"], ids["province_officer"])
        return
    args = [int(a) for a in argv[1:]]
    if what == "setup":
        print(json.dumps(setup()))  # noqa: T201 - the parent reads the ids from stdout
    elif what == "import":
        run_import(*args)
    elif what == "decision":
        run_decision(*args)
    elif what == "rollup":
        run_rollup(*args)
    else:
        raise SystemExit(f"unknown work {what!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

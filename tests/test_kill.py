"""A process killed in the middle of a long write leaves the database as it was.

Three of ANTQ's longest writes run in a child process (`tests/kill_child.py`) on a scratch copy of
the test database (a file for SQLite, a database made from the test database as template for
PostgreSQL): (a) applying a unit import (new units in chunks, changed units, one audit row each),
(b) issuing a recognition decision of 13 units (status, items in force, pinned wording, the
certificates' document job), (c) submitting a province's report, the roll-up of its communes'
reports (the sum of the received reports plus the rest of the subtree, the transition, the audit
row, the receivers' notifications). The child stops in the middle, with its transaction open and
rows written, and is killed with SIGKILL; every table is then compared, row by row, with the copy
taken just before. Then the same three works run again, to their end, in one process.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parent.parent
MARKER_TIMEOUT = 60


class Scratch:
    """A copy of the migrated test database that child processes write to."""

    def __init__(self, vendor: str, url: str, reader: Callable[[], Any], var_dir: Path) -> None:
        self.vendor, self.url, self.reader, self.var_dir = vendor, url, reader, var_dir

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KILL_")}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings_test",
            DATABASE_URL=self.url,
            ANTQ_VAR_DIR=str(self.var_dir),
            PYTHONPATH=str(ROOT),
            **extra,
        )
        return env

    def child(self, *args: str, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.kill_child", *args],
            cwd=ROOT,
            env=self.env(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str) -> str:
        """Run a child to its end; its stdout."""
        process = self.child(*args)
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err[-4000:]
        return out

    def state(self) -> dict[str, tuple[int, str]]:
        """Every table: its row count and a checksum of its rows."""
        raw = self.reader()
        try:
            cursor = raw.cursor()
            if self.vendor == "sqlite":
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%'"
                )
            else:
                cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = sorted(row[0] for row in cursor.fetchall())
            found = {}
            for table in tables:
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the catalogue
                rows = sorted(repr(row) for row in cursor.fetchall())
                found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
            return found
        finally:
            raw.close()

    def scalar(self, sql: str, *params: Any) -> Any:
        raw = self.reader()
        try:
            cursor = raw.cursor()
            cursor.execute(sql if self.vendor == "sqlite" else sql.replace("?", "%s"), params)
            row = cursor.fetchone()
            return row[0] if row else None
        finally:
            raw.close()


@pytest.fixture(scope="module")
def scratch(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Scratch]:
    """The migrated test database copied once for this module (migrating anew costs about a
    minute); the copy is deleted afterwards."""
    base = tmp_path_factory.mktemp("kill")
    var_dir = base / "var"
    var_dir.mkdir()
    with django_db_blocker.unblock():
        vendor = connection.vendor
        # The test database, never the development one named by the settings.
        assert str(connection.settings_dict["NAME"]).startswith(("test_", "file:memorydb")) or (
            connection.settings_dict.get("TEST", {}).get("NAME") == connection.settings_dict["NAME"]
        ), connection.settings_dict["NAME"]
        if vendor == "sqlite":
            path = base / "kill.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)  # the test database is in memory: copy it out
            target.close()
            yield Scratch(vendor, f"sqlite:///{path}", lambda: sqlite3.connect(path), var_dir)
            return
        assert vendor == "postgresql", vendor
        import psycopg

        params = dict(connection.settings_dict)
        template = params["NAME"]
        name = f"{template}_kill_{uuid.uuid4().hex[:8]}"
        auth = {
            "host": params.get("HOST") or None,
            "port": params.get("PORT") or None,
            "user": params.get("USER") or None,
            "password": params.get("PASSWORD") or None,
        }
        # CREATE DATABASE … TEMPLATE needs the template without sessions: ours is closed (it opens
        # again on the next query).
        connections.close_all()
        with psycopg.connect(dbname="postgres", autocommit=True, **auth) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        user = params.get("USER") or ""
        password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
        host = params.get("HOST") or "localhost"
        port = params.get("PORT") or 5432
        url = f"postgresql://{user}{password}@{host}:{port}/{name}"
        try:
            yield Scratch(vendor, url, lambda: psycopg.connect(dbname=name, **auth), var_dir)
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **auth) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def kill_in_the_middle(scratch: Scratch, hook: str, after: int, *args: str) -> dict[str, Any]:
    """Start the work, wait until the hook says it is in the middle, SIGKILL it; what the hook saw."""
    marker = scratch.var_dir / f"marker-{uuid.uuid4().hex}"
    process = scratch.child(*args, KILL_HOOK=hook, KILL_AFTER=str(after), KILL_MARKER=str(marker))
    try:
        deadline = time.monotonic() + MARKER_TIMEOUT
        while not marker.exists():
            if process.poll() is not None:
                _out, err = process.communicate()
                pytest.fail(f"the child ended before the middle of its work: {err[-4000:]}")
            assert time.monotonic() < deadline, "the child never reached the middle of its work"
            time.sleep(0.05)
        time.sleep(0.1)  # the marker is written whole before the sleep starts
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    seen: dict[str, Any] = json.loads(marker.read_text())
    return seen


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


# The mark makes pytest-django create the test database (the copy's source); the test itself reads
# and writes only the copy, through the children and plain connections.
@pytest.mark.django_db
def test_killed_long_writes_leave_the_database_as_before_and_can_be_rerun(
    scratch: Scratch, request: pytest.FixtureRequest
) -> None:
    started = time.monotonic()
    ids = json.loads(scratch.run("setup").strip().splitlines()[-1])
    survived = 0

    def import_done() -> None:
        status = scratch.scalar("SELECT status FROM units_importjob WHERE id = ?", ids["job"])
        assert status == "done"
        assert scratch.scalar("SELECT count(*) FROM org_orgnode WHERE code LIKE ?", "X21580-KDC%") == 12
        assert scratch.scalar("SELECT count(*) FROM org_orgnode WHERE name LIKE ?", "%(tên mới)") == 3

    def decision_done() -> None:
        assert (
            scratch.scalar("SELECT status FROM decisions_decision WHERE id = ?", ids["decision"]) == "issued"
        )
        in_force = scratch.scalar(
            "SELECT count(*) FROM decisions_decisionitem WHERE decision_id = ? AND in_force = ?",
            ids["decision"],
            True,
        )
        assert in_force == 13
        # The certificates were rendered by the document job once the issue committed.
        job = scratch.scalar(
            "SELECT stored_file FROM decisions_documentjob WHERE decision_id = ? AND status = ?",
            ids["decision"],
            "done",
        )
        assert job and (Path(scratch.var_dir) / "test-media" / job).stat().st_size > 0

    def rollup_done() -> None:
        assert scratch.scalar("SELECT status FROM reports_report WHERE id = ?", ids["report"]) == "submitted"
        assert scratch.scalar("SELECT children_reported FROM reports_report WHERE id = ?", ids["report"]) == 3

    scenarios: list[tuple[str, str, int, list[str], Callable[[], None]]] = [
        # After the second chunk of new units and their audit rows (8 of 12 written, 3 changes to come).
        ("import", "antq.units.import_writes:insert_rows", 2, [str(ids["job"])], import_done),
        # After every row of the issue is written (status, items, wording, document job), before commit.
        (
            "decision",
            "antq.decisions.files:queue_issued_files",
            1,
            [str(ids["decision"]), str(ids["leader"])],
            decision_done,
        ),
        # After the report's transition, audit row and notifications, before commit.
        (
            "rollup",
            "antq.reports.services:_notify",
            1,
            [str(ids["report"]), str(ids["province_officer"])],
            rollup_done,
        ),
    ]
    for work, hook, after, args, _done in scenarios:
        before = scratch.state()
        seen = kill_in_the_middle(scratch, hook, after, work, *args)
        assert seen["in_atomic"] is True, f"{work}: the hook ran outside the transaction"
        after_kill = scratch.state()
        assert changed_tables(before, after_kill) == [], f"{work}: a kill left changes behind"
        survived += 1
    # The same works, run again after the kills, go through (the killed ones left no lock, no
    # half-written row and no file that would stand in the way).
    before = scratch.state()
    scratch.run("rerun", json.dumps(ids))
    for _work, _hook, _after, _args, done in scenarios:
        done()
    assert changed_tables(before, scratch.state())
    assert survived == 3
    elapsed = time.monotonic() - started
    request.node.user_properties.append(
        ("count", f"kills survived: {survived} ({scratch.vendor}, {elapsed:.1f} s)")
    )

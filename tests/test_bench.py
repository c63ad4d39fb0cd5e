"""`antq bench` on a tiny generated dataset: every operation runs and is written to the JSON table.

The figures themselves are measured on PostgreSQL with the national dataset (`make bench`); here
only that the command works end to end (pages answer 200, the import is checked and written).
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from antq.criteria import loader
from antq.demo.national import generate_national
from antq.org.models import OrgNode


@pytest.mark.django_db
def test_the_benchmark_runs_every_operation_and_writes_its_table(tmp_path, capsys, settings):
    # As in production: the administrator and the province pages sit behind the two-factor gate.
    settings.ANTQ_2FA_REQUIRED = True
    loader.apply(loader.read_files())
    generate_national(units=300, years=1, seed=2, provinces=["T52"], actor=User.objects.create(username="g"))
    out = tmp_path / "bench.json"
    call_command(
        "bench",
        repeat=2,
        import_rows=40,
        only="dashboards,units,assessment,engine,import,export",
        json=str(out),
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    names = [row["operation"] for row in report["rows"]]
    assert "unit list, national, search page 1" in names
    assert "save one score (API)" in names
    assert "unit import (check + write)" in names
    # Each dashboard is timed beside its own SQL replayed bare: a real, positive baseline.
    boards = [row for row in report["rows"] if row["operation"].startswith("dashboard, ")]
    assert [row["operation"] for row in boards] == [
        "dashboard, national",
        "dashboard, province",
        "dashboard, commune",
    ]
    assert all(row["baseline_median_ms"] > 0 and row["ratio"] > 0 for row in boards)
    assert all(row["median_ms"] > 0 and row["runs"] >= 1 for row in report["rows"])
    import_row = next(row for row in report["rows"] if row["operation"].startswith("unit import"))
    assert import_row["baseline"] == "openpyxl read-only read" and import_row["ratio"] > 0
    # The import's own units are removed after each run: the dataset is left as it was.
    assert not OrgNode.objects.filter(code__startswith="BENCH-").exists()
    assert "median ms" in capsys.readouterr().out


def test_compare_puts_two_runs_side_by_side(tmp_path, capsys):
    def run(units: int, ms: float) -> str:
        path = tmp_path / f"{units}.json"
        row = {"operation": "dashboard, province", "size": "T22, 3,300 units", "median_ms": ms}
        path.write_text(json.dumps({"units": units, "rows": [row]}), encoding="utf-8")
        return str(path)

    out = tmp_path / "growth.json"
    call_command("bench_compare", run(20_000, 80.0), run(200_000, 88.0), json=str(out))
    growth = json.loads(out.read_text(encoding="utf-8"))
    assert growth["rows"][0]["growth"] == 1.1
    assert (growth["before_units"], growth["after_units"]) == (20_000, 200_000)
    assert "200,000 units" in capsys.readouterr().out

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
def test_the_benchmark_runs_every_operation_and_writes_its_table(tmp_path, capsys):
    loader.apply(loader.read_files())
    generate_national(units=300, years=1, seed=2, provinces=["T52"], actor=User.objects.create(username="g"))
    out = tmp_path / "bench.json"
    call_command(
        "bench", repeat=2, import_rows=40, only="units,assessment,engine,import,export", json=str(out)
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    names = [row["operation"] for row in report["rows"]]
    assert "unit list, national, search page 1" in names
    assert "save one score (API)" in names
    assert "unit import (check + write)" in names
    assert all(row["median_ms"] > 0 and row["runs"] >= 1 for row in report["rows"])
    import_row = next(row for row in report["rows"] if row["operation"].startswith("unit import"))
    assert import_row["baseline"] == "openpyxl read-only read" and import_row["ratio"] > 0
    # The import's own units are removed after each run: the dataset is left as it was.
    assert not OrgNode.objects.filter(code__startswith="BENCH-").exists()
    assert "median ms" in capsys.readouterr().out

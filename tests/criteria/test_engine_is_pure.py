"""The engine must not import Django: it is shared by the command, the API and offline tools."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import antq.criteria.engine as engine

ENGINE_DIR = Path(engine.__file__).parent


def test_no_django_in_engine_sources():
    offenders = [
        p.name
        for p in ENGINE_DIR.rglob("*.py")
        if "import django" in p.read_text(encoding="utf-8").lower()
        or "from django" in p.read_text(encoding="utf-8").lower()
    ]
    assert offenders == []


def test_engine_imports_and_runs_without_django():
    code = (
        "import sys, json\n"
        "from antq.criteria.engine import evaluate_document\n"
        "evaluate_document({'unit': {'type': 'agency'}, 'year': 2022})\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(json.dumps(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

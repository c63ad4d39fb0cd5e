"""The API and the command line answer the same document with the same result, both from the framework
versions stored in the database (loaded here as `antq load_frameworks` does)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from antq.criteria import loader

EXAMPLE = Path(__file__).resolve().parents[2] / "antq" / "criteria" / "examples" / "so-khdt-2022.json"


@pytest.fixture
def loaded(db):
    loader.apply(loader.read_files())


def test_api_and_command_give_the_same_result_for_the_seed_agency(loaded, commune_police):
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    client = APIClient()
    client.force_authenticate(commune_police)
    response = client.post("/api/v1/evaluate", document, format="json")
    assert response.status_code == 200
    assert response.json()["recognized"] is True
    out = io.StringIO()
    call_command("evaluate", str(EXAMPLE), stdout=out)
    assert json.loads(out.getvalue()) == response.json()


def test_an_invalid_sheet_names_each_bad_field(loaded, commune_police):
    client = APIClient()
    client.force_authenticate(commune_police)
    response = client.post("/api/v1/evaluate", {"unit": {"type": "castle"}, "year": "x"}, format="json")
    assert response.status_code == 400
    paths = {p["path"] for p in response.json()["problems"]}
    assert any(path.startswith("unit") for path in paths) and "year" in paths
    with pytest.raises(CommandError):
        call_command("evaluate", "/nonexistent.json")


def test_anonymous_callers_are_refused(db):
    assert APIClient().post("/api/v1/evaluate", {}, format="json").status_code in (401, 403)

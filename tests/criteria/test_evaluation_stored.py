"""`antq evaluate` and POST /api/v1/evaluate use the framework versions stored in the database
(`antq.criteria.evaluation.evaluate_stored`), national or the province's variant."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from antq.criteria import loader
from antq.criteria.engine import FactsError
from antq.criteria.evaluation import FrameworksNotLoaded, evaluate_stored
from antq.criteria.models import FrameworkVersion, ThresholdConfirmation
from antq.criteria.selectors import engine_framework
from tests.conftest import Tree

from .helpers import criterion, full_scores, passing_facts

pytestmark = pytest.mark.django_db

LOCAL_TEXT = "Thực hiện chủ trương, chính sách (văn bản của tỉnh)."


@pytest.fixture
def national() -> dict[str, FrameworkVersion]:
    loader.apply(loader.read_files())
    return {v.framework.code: v for v in FrameworkVersion.objects.select_related("framework")}


def reworded(content: dict[str, Any], label: str) -> dict[str, Any]:
    out = copy.deepcopy(content)
    out["version"] = label
    crit = next(
        c for c in out["criteria_sets"]["co_quan_doanh_nghiep"]["criteria"] if c["id"] == "TT124.CQDN.2"
    )
    crit["text_vi"] = LOCAL_TEXT
    return out


@pytest.fixture
def variant(national: dict[str, FrameworkVersion], tree: Tree) -> FrameworkVersion:
    base = national["tt124"]
    version = FrameworkVersion(
        framework=base.framework,
        label="2021.1-gl",
        content=reworded(base.content, "2021.1-gl"),
        province=tree.province,
        derived_from=base,
    )
    version.save()
    return version


def command(*args: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
    from antq.criteria.management.commands.evaluate import Command

    cmd = Command()
    cmd.stdin = io.StringIO(json.dumps(document or passing_facts("agency", 2024)))
    out = io.StringIO()
    call_command(cmd, "-", *args, stdout=out)
    return json.loads(out.getvalue())


def test_nothing_loaded_is_an_error_telling_to_load_the_frameworks(commune_police: User) -> None:
    with pytest.raises(FrameworksNotLoaded, match="antq load_frameworks"):
        evaluate_stored(passing_facts("agency"))
    with pytest.raises(CommandError, match="antq load_frameworks"):
        command()
    client = APIClient()
    client.force_authenticate(commune_police)
    response = client.post("/api/v1/evaluate", passing_facts("agency"), format="json")
    assert response.status_code == 503 and "antq load_frameworks" in response.json()["detail"]
    assert client.post("/api/v1/evaluate", {}, format="json").status_code == 400  # the request first


def test_the_stored_content_is_what_is_applied_not_the_file(national: dict[str, FrameworkVersion]) -> None:
    version = national["tt124"]
    FrameworkVersion.objects.filter(pk=version.pk).update(content=reworded(version.content, "2021.1"))
    result = command()
    assert criterion(result, "TT124.CQDN.2")["text_vi"] == LOCAL_TEXT
    assert criterion(evaluate_stored(passing_facts("agency")), "TT124.CQDN.2")["text_vi"] == LOCAL_TEXT


def test_a_frozen_version_is_parsed_once_an_open_one_every_time(
    national: dict[str, FrameworkVersion],
) -> None:
    version = FrameworkVersion.objects.get(pk=national["tt124"].pk)
    assert engine_framework(version) is not engine_framework(version)  # open to edits: parsed afresh
    FrameworkVersion.objects.filter(pk=version.pk).update(frozen=True)
    frozen = FrameworkVersion.objects.get(pk=version.pk)
    first = engine_framework(frozen)
    assert engine_framework(FrameworkVersion.objects.get(pk=version.pk)) is first


def test_the_province_variant_applies_only_with_the_province(variant: FrameworkVersion, tree: Tree) -> None:
    national_result = command()
    assert national_result["tt124"]["version"] == "2021.1"
    assert criterion(national_result, "TT124.CQDN.2")["text_vi"] != LOCAL_TEXT
    local = command("--province", tree.province.code)
    assert local["tt124"]["version"] == "2021.1-gl"
    assert criterion(local, "TT124.CQDN.2")["text_vi"] == LOCAL_TEXT
    assert command("--province", tree.other_province.code)["tt124"]["version"] == "2021.1"
    with pytest.raises(CommandError, match="Không có tỉnh"):
        command("--province", "NOPE")


def test_a_pinned_variant_label_is_found_only_under_its_province(
    variant: FrameworkVersion, tree: Tree
) -> None:
    facts = passing_facts("agency", 2024)
    facts["frameworks"] = {"tt124": "2021.1-gl"}
    assert evaluate_stored(facts, province=tree.province)["tt124"]["version"] == "2021.1-gl"
    with pytest.raises(FactsError) as err:
        evaluate_stored(facts)
    assert [p.path for p in err.value.problems] == ["frameworks.tt124"]


def test_confirmed_thresholds_make_the_classification_final(
    national: dict[str, FrameworkVersion], tree: Tree, commune_police: User
) -> None:
    base = national["qd510-cq-dn-csgd"]
    content = copy.deepcopy(base.content)
    content["version"] = "2023.1-gl"
    content["classification"]["illustrative"] = False  # thresholds set from a provincial decision
    sheet = FrameworkVersion(
        framework=base.framework,
        label="2023.1-gl",
        content=content,
        province=tree.province,
        derived_from=base,
    )
    sheet.save()
    facts = passing_facts("agency", 2024)
    facts["scores"] = full_scores()
    before = evaluate_stored(facts, province=tree.province)
    assert before["qd510"]["version"] == "2023.1-gl"
    assert before["qd510"]["classification"]["provisional"] is True
    ThresholdConfirmation.objects.create(
        version=sheet,
        confirmed_by=commune_police,
        document_number="12/HD-BCĐ",
        document_date=dt.date(2024, 1, 5),
    )
    result = evaluate_stored(facts, province=tree.province)
    assert result["qd510"]["classification"]["provisional"] is False
    assert "TẠM TÍNH" not in result["qd510"]["classification"]["reason"]
    assert evaluate_stored(facts)["qd510"]["classification"]["provisional"] is True  # national: unchanged


def test_the_api_takes_a_province_the_caller_sees(
    variant: FrameworkVersion, tree: Tree, commune_police: User
) -> None:
    client = APIClient()
    client.force_authenticate(commune_police)
    document = passing_facts("agency", 2024)
    url = "/api/v1/evaluate"
    assert client.post(url, document, format="json").json()["tt124"]["version"] == "2021.1"
    local = client.post(f"{url}?province={tree.province.code}", document, format="json")
    assert local.status_code == 200 and local.json()["tt124"]["version"] == "2021.1-gl"
    assert (
        client.post(f"{url}?province={tree.other_province.code}", document, format="json").status_code == 404
    )
    assert client.post(f"{url}?province=NOPE", document, format="json").status_code == 404
    assert client.post(f"{url}?province={tree.commune.code}", document, format="json").status_code == 404


def test_the_file_based_cli_still_reads_the_yaml(variant: FrameworkVersion, tmp_path: Path) -> None:
    from antq.criteria.engine.cli import main

    FrameworkVersion.objects.filter(pk=variant.derived_from_id).update(content=variant.content)
    sheet = tmp_path / "facts.json"
    sheet.write_text(json.dumps(passing_facts("agency", 2024)), encoding="utf-8")
    out = io.StringIO()
    assert main([str(sheet)], stdout=out) == 0
    assert json.loads(out.getvalue())["tt124"]["version"] == "2021.1"
    assert criterion(json.loads(out.getvalue()), "TT124.CQDN.2")["text_vi"] != LOCAL_TEXT

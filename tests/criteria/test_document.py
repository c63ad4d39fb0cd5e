"""The JSON contract: seed report, JSON Schemas, CLI and management command, validation messages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import antq.criteria
from antq.criteria import loader
from antq.criteria.engine import FactsError, evaluate_document
from antq.criteria.engine.cli import main
from antq.criteria.management.commands.evaluate import Command

from .helpers import UNIT_TYPES, full_scores, passing_facts, with_incident

ROOT = Path(antq.criteria.__file__).parent
SEED = ROOT / "examples" / "so-khdt-2022.json"
FACTS_SCHEMA = json.loads((ROOT / "schemas" / "facts.schema.json").read_text(encoding="utf-8"))
RESULT_SCHEMA = json.loads((ROOT / "schemas" / "result.schema.json").read_text(encoding="utf-8"))


def test_seed_agency_2022_is_recognized():
    result = evaluate_document(json.loads(SEED.read_text(encoding="utf-8")))
    assert result["recognized"] is True
    assert result["tt124"]["summary_vi"].startswith("Đạt 5/5 tiêu chí")
    assert result["tt124"]["window"] == {"from": "2021-11-16", "to": "2022-11-15"}


def test_schemas_are_valid_schemas():
    jsonschema.Draft202012Validator.check_schema(FACTS_SCHEMA)
    jsonschema.Draft202012Validator.check_schema(RESULT_SCHEMA)


@pytest.mark.parametrize("unit_type", UNIT_TYPES)
def test_documents_match_the_schemas(unit_type):
    facts = with_incident(passing_facts(unit_type), "INC_SERIOUS_CRIME", "2024-01-01", force_majeure=True)
    facts = with_incident(facts, "INC_ILLEGAL_STRIKE", "2024-01-02")
    if unit_type in ("agency", "school"):
        facts["scores"] = full_scores()
    jsonschema.validate(facts, FACTS_SCHEMA)
    jsonschema.validate(evaluate_document(facts), RESULT_SCHEMA)


def test_seed_matches_the_schemas():
    document = json.loads(SEED.read_text(encoding="utf-8"))
    jsonschema.validate(document, FACTS_SCHEMA)
    jsonschema.validate(evaluate_document(document), RESULT_SCHEMA)


BAD = {
    "unit": {"type": "agency", "size": "big"},
    "year": 2022,
    "answers": {
        "TT124.KDC.1": True,
        "TT124.CQDN.9": True,
        "TT124.CQDN.5": {
            "subunits_good_ratio": {"met": 8, "total": 7},
            "subunits_disciplined_warning_or_above": -2,
        },
        "TT124.CQDN.4": {"guard_force_rating": "tot"},
    },
    "incidents": [
        {"type": "INC_UNKNOWN", "date": "2022-01-01"},
        {"type": "INC_ILLEGAL_STRIKE", "date": "01/02/2022"},
        {"type": "INC_SERIOUS_CRIME", "date": "2022-02-30", "force_majeure": "yes"},
    ],
    "scores": {"QD510.CQ.1": {"self": 3.5}, "QD510.CQ.2": {"superior": -1}},
    "extra": 1,
}
EXPECTED_PATHS = [
    "extra",
    "unit.size",
    "incidents[0].type",
    "incidents[1].date",
    "incidents[2].date",
    "incidents[2].force_majeure",
    "answers.TT124.KDC.1",
    "answers.TT124.CQDN.9",
    "answers.TT124.CQDN.5.subunits_good_ratio.met",
    "answers.TT124.CQDN.5.subunits_disciplined_warning_or_above",
    "answers.TT124.CQDN.4.guard_force_rating",
    "scores.QD510.CQ.1.self",
    "scores.QD510.CQ.2.superior",
]


def test_every_bad_field_is_named():
    with pytest.raises(FactsError) as err:
        evaluate_document(BAD)
    assert sorted(p.path for p in err.value.problems) == sorted(EXPECTED_PATHS)
    text = str(err.value)
    for fragment in (
        "không áp dụng cho loại đơn vị “Cơ quan”",
        "không tồn tại",
        "ISO YYYY-MM-DD",
        "không được âm",
    ):
        assert fragment in text


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"unit": {"type": "village"}, "year": 2022}, "unit.type"),
        ({"unit": {"type": "agency"}, "year": 2021}, "year"),
        ({"unit": {"type": "agency"}}, "year"),
        ({"year": 2022}, "unit"),
        ({"unit": {"type": "agency"}, "year": 2022, "frameworks": {"tt124": "1999.1"}}, "frameworks.tt124"),
        ({"unit": {"type": "school", "exclusion": "EXC_ARMED_FORCES"}, "year": 2022}, "unit.exclusion"),
    ],
)
def test_single_problems(document, path):
    with pytest.raises(FactsError) as err:
        evaluate_document(document)
    assert [p.path for p in err.value.problems] == [path]


def test_cli_file_and_stdin(tmp_path, capsys):
    out = io.StringIO()
    assert main([str(SEED)], stdout=out) == 0
    assert json.loads(out.getvalue())["recognized"] is True
    assert "Sở Kế hoạch và Đầu tư" in out.getvalue()  # ensure_ascii=False
    out = io.StringIO()
    assert main(["-"], stdin=io.StringIO(SEED.read_text(encoding="utf-8")), stdout=out) == 0
    err = io.StringIO()
    assert main(["-"], stdin=io.StringIO(json.dumps(BAD)), stdout=io.StringIO(), stderr=err) == 1
    assert "incidents[1].date" in err.getvalue()
    assert main(["-"], stdin=io.StringIO("{not json"), stderr=io.StringIO()) == 1
    assert main([str(tmp_path / "missing.json")], stderr=io.StringIO()) == 2


@pytest.fixture
def loaded(db):
    """`antq evaluate` reads the versions stored in the database."""
    loader.apply(loader.read_files())


def test_management_command(loaded, tmp_path):
    out = io.StringIO()
    call_command(Command(), str(SEED), stdout=out)
    assert json.loads(out.getvalue())["recognized"] is True
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(BAD), encoding="utf-8")
    with pytest.raises(CommandError) as err:
        call_command(Command(), str(bad))
    assert "scores.QD510.CQ.1.self" in str(err.value)


def test_management_command_stdin(loaded, monkeypatch):
    command = Command()
    monkeypatch.setattr(command, "stdin", io.StringIO(SEED.read_text(encoding="utf-8")), raising=False)
    out = io.StringIO()
    call_command(command, "-", stdout=out)
    assert json.loads(out.getvalue())["year"] == 2022

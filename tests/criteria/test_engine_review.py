"""Engine fixes from the review: version by the end of the unit's window, same-year windows, a pinned
version not in force, incomplete TT 124 → unknown (not "chưa đạt"), excluded units' award reason,
`requires_recognized` and `excuse_flags` read from the YAML, Vietnamese wording."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import antq.criteria
from antq.criteria.engine import FactsError, FrameworkError, Library, evaluate_document, load_framework
from antq.criteria.engine.library import DATA_DIR

from .helpers import full_scores, passing_facts, with_incident

RESULT_SCHEMA = json.loads(
    (Path(antq.criteria.__file__).parent / "schemas" / "result.schema.json").read_text(encoding="utf-8")
)


def raw(name: str) -> dict[str, Any]:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


TT124 = raw("tt124/2021.1.yaml")
SHEET = raw("qd510/cq-dn-csgd.2023.1.yaml")


def library(*docs: dict[str, Any]) -> Library:
    return Library.of([load_framework(d) for d in docs])


def tt124_version(label: str, effective_from: str) -> dict[str, Any]:
    doc = copy.deepcopy(TT124)
    doc.update(version=label, effective_from=effective_from)
    return doc


# --- 4. Which version: the end of the unit type's window, not 31/12 ---------------------------------


def test_a_version_in_force_after_the_window_ends_is_not_used_for_that_year() -> None:
    # In force on 20/11/2024: after the 15/11/2024 end of the agency window, before 31/12/2024.
    lib = library(TT124, tt124_version("2024.1", "2024-11-20"), SHEET)
    assert lib.tt124_for(2024, unit_type="agency").version == "2021.1"  # type: ignore[union-attr]
    assert evaluate_document(passing_facts("agency", 2024), lib)["tt124"]["version"] == "2021.1"
    assert evaluate_document(passing_facts("agency", 2025), lib)["tt124"]["version"] == "2024.1"


def test_the_residential_area_window_ends_earlier() -> None:
    # In force on 05/11/2024: after the KDC window (31/10), inside the agency one (15/11).
    lib = library(TT124, tt124_version("2024.1", "2024-11-05"))
    assert evaluate_document(passing_facts("residential_area", 2024), lib)["tt124"]["version"] == "2021.1"
    assert evaluate_document(passing_facts("agency", 2024), lib)["tt124"]["version"] == "2024.1"


def test_the_sheet_is_chosen_by_the_end_of_the_window_too() -> None:
    later = copy.deepcopy(SHEET)
    later.update(version="2024.1", effective_from="2024-12-01")
    lib = library(TT124, SHEET, later)
    assert evaluate_document(passing_facts("agency", 2024), lib)["qd510"]["version"] == "2023.1"


def test_a_pinned_version_not_in_force_at_the_end_of_the_window_is_refused() -> None:
    lib = library(TT124, tt124_version("2024.1", "2024-11-20"), SHEET)
    facts = passing_facts("agency", 2024)
    facts["frameworks"] = {"tt124": "2024.1"}
    with pytest.raises(FactsError) as err:
        evaluate_document(facts, lib)
    problems = {p.path: p.message for p in err.value.problems}
    assert "không áp dụng được cho năm này" in problems["frameworks.tt124"]
    assert "20/11/2024" in problems["frameworks.tt124"] and "15/11/2024" in problems["frameworks.tt124"]
    facts["year"] = 2025
    assert evaluate_document(facts, lib)["tt124"]["version"] == "2024.1"


def test_a_pinned_sheet_not_in_force_is_refused() -> None:
    later = copy.deepcopy(SHEET)
    later.update(version="2024.1", effective_from="2024-12-01")
    facts = passing_facts("agency", 2024)
    facts["frameworks"] = {"qd510": "2024.1"}
    with pytest.raises(FactsError) as err:
        evaluate_document(facts, library(TT124, SHEET, later))
    assert [p.path for p in err.value.problems] == ["frameworks.qd510"]


def test_a_same_year_window_comes_from_the_yaml() -> None:
    doc = copy.deepcopy(TT124)
    doc["evaluation_windows"]["khu_dan_cu"].update({"from": "01-01", "to": "12-31", "from_year_offset": 0})
    window = load_framework(doc).window_for("residential_area").for_year(2024)  # type: ignore[union-attr]
    assert window == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    del doc["evaluation_windows"]["khu_dan_cu"]["from_year_offset"]  # inferred: 01-01 is before 12-31
    assert load_framework(doc).window_for("residential_area").for_year(2024)[0] == dt.date(2024, 1, 1)  # type: ignore[union-attr]
    result = evaluate_document(
        with_incident(passing_facts("residential_area", 2024), "INC_NEW_HOTSPOT", "2023-12-15"), library(doc)
    )
    assert result["incidents"][0]["status"] == "outside_window"


def test_a_window_offset_that_contradicts_its_dates_is_refused() -> None:
    doc = copy.deepcopy(TT124)
    doc["evaluation_windows"]["khu_dan_cu"]["from_year_offset"] = 0  # 01/11 → 31/10 in one year
    doc["evaluation_windows"]["xa_cq_dn_csgd"]["from_year_offset"] = 2
    with pytest.raises(FrameworkError) as err:
        load_framework(doc)
    paths = {p.path for p in err.value.problems}
    assert paths == {
        "evaluation_windows.khu_dan_cu.from_year_offset",
        "evaluation_windows.xa_cq_dn_csgd.from_year_offset",
    }


# --- 5. Incomplete TT 124, exclusions, award rule, excuse flags, wording ----------------------------


def test_incomplete_tt124_leaves_8c_the_totals_the_classification_and_the_award_unknown() -> None:
    facts = passing_facts("agency", 2024)
    del facts["answers"]["TT124.CQDN.4"]
    facts["scores"] = full_scores()
    result = evaluate_document(facts)
    jsonschema.validate(result, RESULT_SCHEMA)
    assert result["tt124"]["status"] == "incomplete"
    item8 = next(i for i in result["qd510"]["items"] if i["id"] == "QD510.CQ.8")
    item8c = next(s for s in item8["sub_items"] if s["id"] == "QD510.CQ.8.c")
    assert (item8c["self"], item8c["superior"], item8["superior"]) == (None, None, None)
    assert "thiếu dữ liệu" in item8c["notes"][0]
    assert result["qd510"]["totals"]["superior"] is None
    assert result["classification"] is None and result["qd510"]["classification"] is None
    assert result["award_eligible"] is None
    assert "thiếu dữ liệu" in result["award"]["reason"] and "TT124.CQDN.4" in result["award"]["reason"]
    assert "chưa đạt" not in result["award"]["reason"]


def test_incomplete_tt124_without_a_sheet_leaves_the_award_unknown() -> None:
    facts = passing_facts("residential_area", 2024)
    facts["answers"].pop(next(iter(facts["answers"])))
    result = evaluate_document(facts)
    assert result["award_eligible"] is None and "thiếu dữ liệu" in result["award"]["reason"]


def test_an_excluded_unit_is_told_it_is_excluded_under_article_1() -> None:
    result = evaluate_document(passing_facts("enterprise", 2024, exclusion="EXC_SMALL_MICRO_ENTERPRISE"))
    assert result["award_eligible"] is False
    assert "loại trừ theo Điều 1 TT 124" in result["award"]["reason"]
    assert "chưa đạt" not in result["award"]["reason"]


def test_the_award_rule_requires_recognized_flag_is_read_from_the_yaml() -> None:
    relaxed = copy.deepcopy(SHEET)
    relaxed["award_rule"].update(requires_recognized=False, min_level="trung_binh")
    strict = copy.deepcopy(SHEET)
    strict["award_rule"].update(min_level="trung_binh")
    facts = passing_facts("agency", 2024)
    facts["answers"]["TT124.CQDN.2"] = False  # not recognized: 8c = 0, total 50 → Trung bình
    facts["scores"] = full_scores()
    assert evaluate_document(facts, library(TT124, strict))["award_eligible"] is False
    result = evaluate_document(facts, library(TT124, relaxed))
    assert result["recognized"] is False and result["classification"] == "trung_binh"
    assert result["award_eligible"] is True
    assert "không đòi hỏi đạt chuẩn TT 124" in result["award"]["reason"]


def test_excuse_flags_come_from_the_yaml() -> None:
    doc = copy.deepcopy(TT124)
    doc["excuse_flags"]["reported_promptly"] = {"label_vi": "báo cáo ngay"}
    doc["incident_types"]["INC_SERIOUS_FIRE_ACCIDENT"]["excused_by"] = ["force_majeure", "reported_promptly"]
    facts = with_incident(
        passing_facts("agency", 2024), "INC_SERIOUS_FIRE_ACCIDENT", "2024-03-01", reported_promptly=True
    )
    result = evaluate_document(facts, library(doc))
    incident = result["incidents"][0]
    assert incident["status"] == "excused" and "báo cáo ngay" in incident["reason"]
    with pytest.raises(FactsError) as err:  # the shipped version has no such flag
        evaluate_document(facts)
    assert [p.path for p in err.value.problems] == ["incidents[0].reported_promptly"]


def test_messages_say_json_object_not_mapping() -> None:
    with pytest.raises(FactsError) as err:
        evaluate_document({"unit": ["agency"], "year": 2024})
    message = next(p.message for p in err.value.problems if p.path == "unit")
    assert "đối tượng JSON" in message and "mapping" not in str(err.value)

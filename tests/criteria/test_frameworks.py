"""Framework files: ids and numbers from criteria.yaml, and one error report listing every problem."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from antq.criteria.engine import FrameworkError, default_library, load_framework, load_library
from antq.criteria.engine.library import DATA_DIR
from antq.criteria.engine.schema import ScoreSheet, TT124Framework

TT124_FILE = DATA_DIR / "tt124" / "2021.1.yaml"
QD510_FILE = DATA_DIR / "qd510" / "cq-dn-csgd.2023.1.yaml"


def raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_packaged_files_load_and_carry_metadata():
    for path in (TT124_FILE, QD510_FILE):
        data = raw(path)
        assert {"framework", "version", "source", "verified"} <= set(data)
        assert isinstance(load_framework(path), (TT124Framework, ScoreSheet))


def test_tt124_windows_and_excuses_from_data():
    framework = default_library().tt124_for(2024)
    assert framework is not None
    assert framework.window_for("residential_area").for_year(2024)[0].isoformat() == "2023-11-01"
    assert framework.window_for("school").for_year(2024)[1].isoformat() == "2024-11-15"
    assert framework.incident_types["INC_SERIOUS_CRIME"].excused_by == ("force_majeure", "timely_handled")


def test_qd510_sheet_numbers():
    sheet = default_library().sheet_for("agency", 2024)
    assert sheet is not None
    maxima = {item.id: item.max_points for item in sheet.items}
    assert maxima == {
        "QD510.CQ.1": 3, "QD510.CQ.2": 3, "QD510.CQ.3": 5, "QD510.CQ.4": 5, "QD510.CQ.5": 14,
        "QD510.CQ.6": 4, "QD510.CQ.7": 10, "QD510.CQ.8": 53, "QD510.CQ.9": 3,
    }  # fmt: skip
    leaves = sheet.leaf_ids()
    assert leaves["QD510.CQ.8.c"] == 50 and leaves["QD510.CQ.5.c"] == 2 and leaves["QD510.CQ.5.e"] == 2
    item9 = next(i for i in sheet.items if i.id == "QD510.CQ.9")
    assert item9.bonus is not None and (
        item9.bonus.per_collective_award,
        item9.bonus.per_individual_award,
        item9.bonus.cap,
    ) == (2, 1, 3)
    assert sheet.classification is not None
    assert sheet.classification.verified is False and sheet.classification.illustrative is True
    assert [lv.code for lv in sheet.classification.levels] == ["xuat_sac", "kha", "trung_binh", "yeu"]
    assert sheet.applies_to == ("agency", "enterprise", "school")


def test_no_sheet_is_invented_for_residential_areas_or_communes():
    library = default_library()
    assert library.sheet_for("residential_area", 2024) is None
    assert library.sheet_for("commune", 2024) is None


def test_loader_lists_every_problem_of_a_tt124_file():
    data = copy.deepcopy(raw(TT124_FILE))
    crits = data["criteria_sets"]["khu_dan_cu"]["criteria"]
    crits[0]["checks"][2]["op"] = "≈"
    crits[0]["checks"][2]["value"] = "7/0"
    crits[2]["sub_items"][0]["incidents"] = ["INC_NOPE"]
    crits[4]["checks"][0]["min"] = "gioi"
    data["evaluation_windows"]["khu_dan_cu"]["from"] = "13-01"
    data["unit_types"]["school"]["criteria_set"] = "truong_hoc"
    data["incident_types"]["INC_SERIOUS_CRIME"]["excused_by"] = ["luck"]
    data["verified"] = "yes"
    del data["version"]
    with pytest.raises(FrameworkError) as err:
        load_framework(data)
    paths = {p.path for p in err.value.problems}
    assert paths == {
        "criteria_sets.khu_dan_cu.criteria[0].checks[2].op",
        "criteria_sets.khu_dan_cu.criteria[0].checks[2].value",
        "criteria_sets.khu_dan_cu.criteria[2].sub_items[0].incidents[0]",
        "criteria_sets.khu_dan_cu.criteria[4].checks[0].min",
        "evaluation_windows.khu_dan_cu.from",
        "unit_types.school.criteria_set",
        "incident_types.INC_SERIOUS_CRIME.excused_by[0]",
        "verified",
        "version",
    }
    assert "phép so sánh không hợp lệ" in str(err.value)


def test_loader_lists_every_problem_of_a_sheet():
    data = copy.deepcopy(raw(QD510_FILE))
    data["items"][4]["sub_items"][0]["max_points"] = 3  # sub-items of item 5 now sum to 15, not 14
    data["items"][8]["bonus"]["cap"] = 4
    data["classification"]["levels"][1]["min"] = 95
    data["classification"]["verified"] = True
    data["award_rule"]["min_level"] = "tot"
    with pytest.raises(FrameworkError) as err:
        load_framework(data)
    paths = {p.path for p in err.value.problems}
    assert paths == {
        "items[4].max_points",
        "items[8].bonus.cap",
        "classification.levels[1].min",
        "classification.illustrative",
        "award_rule.min_level",
    }


def test_library_reports_every_file(tmp_path):
    (tmp_path / "a.yaml").write_text("framework: tt125\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("framework: [\n", encoding="utf-8")
    sheet = raw(QD510_FILE)
    sheet["items"][4]["sub_items"][2]["linked_incidents"] = ["INC_NOT_IN_TT124"]
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(sheet, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FrameworkError) as err:
        load_library(tmp_path)
    files = {Path(p.file).name for p in err.value.problems}
    assert {"a.yaml", "b.yaml"} <= files
    assert any("INC_NOT_IN_TT124" in p.message for p in err.value.problems)
    assert "a.yaml: framework:" in str(err.value)

"""The rating rules read from data/rating_rules.yaml and their arithmetic."""

from __future__ import annotations

import datetime as dt

import yaml

from antq.forces.rules import RULES_FILE, rules, whole_months


def test_the_data_file_cites_hd01_and_holds_the_parameters():
    raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    assert "01/HD-BCA-V05" in raw["source"]["document"]
    assert raw["quota"]["share"] == 0.20
    assert raw["min_months_active"] == 9
    assert [lv["label"] for lv in raw["levels"]] == [
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ",
    ]


def test_quota_is_the_floor_of_twenty_percent_of_good():
    r = rules()
    assert [r.excellent_allowed(n) for n in (0, 4, 5, 9, 10, 14, 15)] == [0, 0, 1, 1, 2, 2, 3]


def test_evaluation_period_runs_from_15_november_to_14_november():
    assert rules().evaluation_period(2026) == (dt.date(2025, 11, 15), dt.date(2026, 11, 14))


def test_whole_months_counts_only_completed_months():
    assert whole_months(dt.date(2026, 3, 1), dt.date(2026, 11, 14)) == 8
    assert whole_months(dt.date(2026, 3, 1), dt.date(2026, 12, 1)) == 9
    assert whole_months(dt.date(2026, 3, 15), dt.date(2026, 12, 14)) == 8
    assert whole_months(dt.date(2026, 5, 1), dt.date(2026, 4, 1)) == 0


def test_good_results_include_the_emulation_titles_worth_as_much():
    assert set(rules().good_results()) == {"excellent", "good", "collective_excellent", "collective_advanced"}
    assert rules().kdc5_levels() == ["excellent", "good", "completed"]

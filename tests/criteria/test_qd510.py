"""QĐ 510 agency/enterprise/school sheet: caps, derived and linked items, totals, classification, awards."""

from __future__ import annotations

import pytest

from antq.criteria.engine import FactsError, evaluate_document

from .helpers import full_scores, passing_facts, with_incident


def scored(unit_type="agency", scores=None, **unit):
    facts = passing_facts(unit_type, **unit)
    facts["scores"] = full_scores() if scores is None else scores
    return facts


def item(result, item_id):
    for it in result["qd510"]["items"]:
        if it["id"] == item_id:
            return it
        for sub in it["sub_items"]:
            if sub["id"] == item_id:
                return sub
    raise KeyError(item_id)


@pytest.mark.parametrize("unit_type", ["agency", "enterprise", "school"])
def test_full_marks(unit_type):
    result = evaluate_document(scored(unit_type))
    assert result["qd510"]["totals"] == {"max": 100, "self": 100, "superior": 100}
    classification = result["qd510"]["classification"]
    assert classification["level"] == "xuat_sac" and classification["provisional"] is True
    assert "TẠM TÍNH" in classification["reason"]
    assert result["award"]["eligible"] is True and result["award"]["provisional"] is True
    assert "chưa được xác minh" in result["award"]["reason"]


def test_item_8c_follows_tt124():
    facts = with_incident(scored(), "INC_ILLEGAL_STRIKE", "2024-05-01")
    result = evaluate_document(facts)
    assert result["recognized"] is False
    assert item(result, "QD510.CQ.8.c")["superior"] == 0
    assert any("được thay bằng 0" in n for n in item(result, "QD510.CQ.8.c")["notes"])
    assert result["qd510"]["totals"]["superior"] <= 50
    assert result["award"]["eligible"] is False


@pytest.mark.parametrize(
    ("incident", "item_id"),
    [("INC_ILLEGAL_STRIKE", "QD510.CQ.5.c"), ("INC_STATE_SECRET_BREACH", "QD510.CQ.5.e")],
)
def test_linked_items_get_no_points(incident, item_id):
    result = evaluate_document(with_incident(scored(), incident, "2024-05-01"))
    assert item(result, item_id)["self"] == 0 and item(result, item_id)["superior"] == 0
    assert any(incident in n and "01/05/2024" in n for n in item(result, item_id)["notes"])


def test_linked_incident_outside_window_keeps_points():
    result = evaluate_document(with_incident(scored(), "INC_ILLEGAL_STRIKE", "2023-11-15"))
    assert item(result, "QD510.CQ.5.c")["superior"] == 2
    assert result["recognized"] is True


def test_strike_at_school_costs_sheet_points_but_not_recognition():
    result = evaluate_document(with_incident(scored("school"), "INC_ILLEGAL_STRIKE", "2024-05-01"))
    assert result["recognized"] is True
    assert item(result, "QD510.CQ.5.c")["superior"] == 0


@pytest.mark.parametrize(
    ("collective", "individual", "points"),
    [(0, 0, 0), (0, 1, 1), (1, 0, 2), (1, 1, 3), (2, 0, 3), (0, 5, 3), (3, 4, 3)],
)
def test_item_9_bonus_is_capped(collective, individual, points):
    scores = full_scores()
    scores["QD510.CQ.9"] = {
        "self": {"collective_awards": collective, "individual_awards": individual},
        "superior": 0,
    }
    result = evaluate_document(scored(scores=scores))
    assert item(result, "QD510.CQ.9")["self"] == points
    if 2 * collective + individual > 3:
        assert any("trần 3" in n for n in item(result, "QD510.CQ.9")["notes"])


@pytest.mark.parametrize(
    ("item_id", "points", "message"),
    [
        ("QD510.CQ.1", 4, "vượt quá điểm tối đa 3"),
        ("QD510.CQ.9", 3.5, "vượt quá điểm tối đa 3"),
        ("QD510.CQ.7", -1, "không được âm"),
        ("QD510.CQ.5", 14, "nhập điểm cho từng tiểu mục"),
        ("QD510.CQ.42", 1, "không tồn tại"),
    ],
)
def test_points_out_of_range_are_rejected(item_id, points, message):
    facts = scored(scores={item_id: {"superior": points}})
    with pytest.raises(FactsError) as err:
        evaluate_document(facts)
    assert [p.path for p in err.value.problems][0].startswith(f"scores.{item_id}")
    assert message in str(err.value)


def test_classification_uses_the_superior_column():
    scores = full_scores()
    for leaf in ("QD510.CQ.7", "QD510.CQ.3", "QD510.CQ.2"):
        scores[leaf]["superior"] = 0  # 100 - 18 = 82
    result = evaluate_document(scored(scores=scores))
    assert result["qd510"]["totals"] == {"max": 100, "self": 100, "superior": 82}
    assert result["classification"] == "kha"
    assert result["award"]["eligible"] is True


def test_average_is_not_award_eligible():
    scores = {leaf: {"self": v["self"], "superior": 0} for leaf, v in full_scores().items()}
    result = evaluate_document(scored(scores=scores))
    assert result["qd510"]["totals"]["superior"] == 50  # only 8c, derived
    assert result["classification"] == "trung_binh"
    assert result["award"]["eligible"] is False


def test_missing_superior_column():
    scores = {leaf: {"self": v["self"]} for leaf, v in full_scores().items()}
    result = evaluate_document(scored(scores=scores))
    assert result["qd510"]["totals"]["superior"] is None
    assert result["qd510"]["classification"] is None
    assert result["award"]["eligible"] is None


def test_missing_items_count_zero_with_a_note():
    result = evaluate_document(scored(scores={"QD510.CQ.1": {"superior": 3}}))
    assert result["qd510"]["totals"]["superior"] == 53
    assert any("không có điểm, tính 0" in n for n in result["qd510"]["notes"])


@pytest.mark.parametrize("unit_type", ["residential_area", "commune"])
def test_no_sheet_for_residential_areas_and_communes(unit_type):
    facts = passing_facts(unit_type)
    facts["scores"] = {"QD510.KDC.1": {"superior": 5}}
    result = evaluate_document(facts)
    assert result["recognized"] is True
    assert result["qd510"] is None and result["classification"] is None
    assert result["award_eligible"] is None
    assert any("Chưa có bảng chấm điểm QĐ 510" in n for n in result["notes"])
    assert any("không được chấm" in n for n in result["notes"])


def test_not_recognized_without_sheet_is_not_award_eligible():
    facts = with_incident(passing_facts("residential_area"), "INC_SEPARATISM", "2024-02-02")
    assert evaluate_document(facts)["award_eligible"] is False

"""Every incident type on every unit type, excuses, and evaluation window boundaries (TT 124 Điều 4–8)."""

from __future__ import annotations

import pytest

from antq.criteria.engine import default_library, evaluate_document

from .helpers import UNIT_TYPES, criterion, failed_ids, passing_facts, with_incident

ALL_INCIDENTS = sorted(default_library().tt124[0].incident_types)

# The law as written (rules.md §1.5): which criterion (and point) each incident type fails, per unit type.
KDC_LIKE = {
    "INC_ANTI_PARTY": "KDC.3.a",
    "INC_SABOTAGE_TARGETS": "KDC.3.b",
    "INC_ILLEGAL_RELIGION": "KDC.3.c",
    "INC_EXPLOIT_RELIGION_ETHNIC_DISPUTE": "KDC.3.d",
    "INC_SEPARATISM": "KDC.3.đ",
    "INC_PROLONGED_INTERNAL_DISPUTE": "KDC.3.e",
    "INC_INCITE_MASS_COMPLAINT": "KDC.3.g",
    "INC_SERIOUS_CRIME": "KDC.4.b",
    "INC_NEW_HOTSPOT": "KDC.4.c",
    "INC_NEW_VICE_PERSON": "KDC.4.c",
    "INC_SERIOUS_FIRE_ACCIDENT": "KDC.4.d",
}
CQDN = {
    "INC_ILLEGAL_RELIGION": "TT124.CQDN.3.a",
    "INC_EXPLOIT_RELIGION_ETHNIC_DISPUTE": "TT124.CQDN.3.b",
    "INC_INCITE_MASS_COMPLAINT": "TT124.CQDN.3.c",
    "INC_ILLEGAL_STRIKE": "TT124.CQDN.3.d",
    "INC_SERIOUS_CRIME": "TT124.CQDN.3.đ",
    "INC_STATE_SECRET_BREACH": "TT124.CQDN.3.e",
    "INC_SERIOUS_FIRE_ACCIDENT": "TT124.CQDN.3.g",
    "INC_SERIOUS_ENV_FOOD": "TT124.CQDN.3.g",
    "INC_STAFF_ADMIN_SANCTION_OR_VICE": "TT124.CQDN.3.h",
}
CSGD = {k: v.replace("CQDN", "CSGD") for k, v in CQDN.items() if not v.endswith((".d", ".h"))}
CSGD |= {"INC_SCHOOL_VIOLENCE": "TT124.CSGD.4.a", "INC_SCHOOL_MEMBER_CRIME_OR_VICE": "TT124.CSGD.4.b"}
EXPECTED: dict[str, dict[str, str]] = {
    "residential_area": {k: f"TT124.{v}" for k, v in KDC_LIKE.items()},
    "commune": {k: f"TT124.XA.2.{v}" for k, v in KDC_LIKE.items()},
    "agency": CQDN,
    "enterprise": CQDN,
    "school": CSGD,
}
EXCUSES = {
    "INC_SERIOUS_CRIME": {"force_majeure", "timely_handled"},
    "INC_SERIOUS_FIRE_ACCIDENT": {"force_majeure"},
    "INC_SERIOUS_ENV_FOOD": {"force_majeure"},
}
IN_WINDOW = "2024-06-01"
CASES = [(u, i) for u in UNIT_TYPES for i in ALL_INCIDENTS]


def parent(sub_item_id: str) -> str:
    return ".".join(sub_item_id.split(".")[:3])


def test_catalogue_matches_the_law():
    assert set(ALL_INCIDENTS) == {*KDC_LIKE, *CQDN, *CSGD}
    framework = default_library().tt124[0]
    for unit_type, expected in EXPECTED.items():
        index = framework.incident_index(unit_type)
        assert {k: v[0] for k, v in index.items()} == expected, unit_type
    assert {k: set(v.excused_by) for k, v in framework.incident_types.items() if v.excused_by} == EXCUSES


@pytest.mark.parametrize(("unit_type", "incident"), CASES)
def test_incident_in_window(unit_type, incident):
    result = evaluate_document(with_incident(passing_facts(unit_type), incident, IN_WINDOW))
    target = EXPECTED[unit_type].get(incident)
    event = result["incidents"][0]
    if target is None:
        assert result["recognized"] is True
        assert event["status"] == "not_applicable"
        return
    assert result["recognized"] is False
    assert event["status"] == "counted"
    assert event["criteria"] == [target]
    assert failed_ids(result) == [parent(target)]
    reasons = " ".join(criterion(result, parent(target))["reasons"])
    assert target in reasons and "01/06/2024" in reasons


@pytest.mark.parametrize(("unit_type", "incident"), [c for c in CASES if c[1] in EXPECTED[c[0]]])
@pytest.mark.parametrize("flag", ["force_majeure", "timely_handled"])
def test_excuse_flags(unit_type, incident, flag):
    facts = with_incident(passing_facts(unit_type), incident, IN_WINDOW, **{flag: True})
    result = evaluate_document(facts)
    event = result["incidents"][0]
    if flag in EXCUSES.get(incident, set()):
        assert result["recognized"] is True
        assert event["status"] == "excused"
        target = EXPECTED[unit_type][incident]
        reasons = " ".join(criterion(result, parent(target))["reasons"])
        assert "miễn trừ" in reasons and "Không tính" in reasons
    else:
        assert result["recognized"] is False
        assert event["status"] == "counted"
        assert "không được pháp luật cho miễn trừ" in event["reason"]


WINDOW_CASES = [
    # residential area: 01/11 of the previous year – 31/10
    ("residential_area", "2023-10-31", False),
    ("residential_area", "2023-11-01", True),
    ("residential_area", "2024-10-31", True),
    ("residential_area", "2024-11-01", False),
    # others: 16/11 of the previous year – 15/11
    *[
        (u, d, inside)
        for u in ("commune", "agency", "enterprise", "school")
        for d, inside in [
            ("2023-11-15", False),
            ("2023-11-16", True),
            ("2024-11-15", True),
            ("2024-11-16", False),
        ]
    ],
]


@pytest.mark.parametrize(("unit_type", "date", "counted"), WINDOW_CASES)
def test_window_boundaries(unit_type, date, counted):
    result = evaluate_document(with_incident(passing_facts(unit_type, 2024), "INC_SERIOUS_CRIME", date))
    assert result["recognized"] is (not counted)
    assert result["incidents"][0]["status"] == ("counted" if counted else "outside_window")


def test_window_is_reported():
    kdc = evaluate_document(passing_facts("residential_area", 2024))["tt124"]["window"]
    agency = evaluate_document(passing_facts("agency", 2024))["tt124"]["window"]
    assert kdc == {"from": "2023-11-01", "to": "2024-10-31"}
    assert agency == {"from": "2023-11-16", "to": "2024-11-15"}


def test_several_incidents_name_each_date():
    facts = with_incident(passing_facts("agency"), "INC_ILLEGAL_STRIKE", "2024-03-02")
    facts = with_incident(facts, "INC_SERIOUS_CRIME", "2024-04-05", timely_handled=True)
    result = evaluate_document(facts)
    assert [e["status"] for e in result["incidents"]] == ["counted", "excused"]
    reasons = " ".join(criterion(result, "TT124.CQDN.3")["reasons"])
    assert "02/03/2024" in reasons and "05/04/2024" in reasons

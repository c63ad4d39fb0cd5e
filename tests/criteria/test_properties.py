"""Property-based checks of the engine (hypothesis)."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from antq.criteria.engine import default_library, evaluate_document

from .helpers import UNIT_TYPES, passing_facts

SHEET = default_library().sheet_for("agency", 2024)
assert SHEET is not None
LEAVES = {k: v for k, v in SHEET.leaf_ids().items() if k != "QD510.CQ.8.c"}
INCIDENTS = sorted(default_library().tt124[0].incident_types)
RANK = {"xuat_sac": 0, "kha": 1, "trung_binh": 2, "yeu": 3, None: 4}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def points(maximum: int) -> st.SearchStrategy:
    return st.one_of(st.integers(0, maximum), st.sampled_from([x / 2 for x in range(2 * maximum + 1)]))


scores = st.fixed_dictionaries(
    {leaf: st.fixed_dictionaries({"self": points(m), "superior": points(m)}) for leaf, m in LEAVES.items()}
)
incident = st.builds(
    lambda kind, day, fm, th: {"type": kind, "date": f"2024-{day // 28 + 1:02d}-{day % 28 + 1:02d}",
                               "force_majeure": fm, "timely_handled": th},
    st.sampled_from(INCIDENTS), st.integers(0, 28 * 12 - 1), st.booleans(), st.booleans(),
)  # fmt: skip
unit_types = st.sampled_from(UNIT_TYPES)


def sheet_facts(unit_type: str, sc: dict, incidents: list) -> dict:
    facts = passing_facts(unit_type if unit_type in ("agency", "enterprise", "school") else "agency")
    facts["scores"] = sc
    facts["incidents"] = incidents
    return facts


@FAST
@given(scores, st.lists(incident, max_size=3), st.booleans())
def test_totals_stay_within_0_and_100(sc, incidents, break_criterion):
    facts = sheet_facts("agency", sc, incidents)
    if break_criterion:
        facts["answers"]["TT124.CQDN.2"] = False
    result = evaluate_document(facts)
    for column in ("self", "superior"):
        total = result["qd510"]["totals"][column]
        assert 0 <= total <= 100
        assert total == sum(item[column] for item in result["qd510"]["items"])
        for item in result["qd510"]["items"]:
            assert 0 <= item[column] <= item["max_points"]


def summary(result: dict) -> tuple:
    totals = result["qd510"]["totals"] if result["qd510"] else {"self": 0, "superior": 0}
    return (
        result["recognized"],
        RANK[result["classification"]],
        totals["self"] or 0,
        totals["superior"] or 0,
        result["award_eligible"] is True,
    )


@FAST
@given(unit_types, scores, st.lists(incident, max_size=2), incident)
def test_adding_an_incident_never_raises_a_result(unit_type, sc, incidents, extra):
    facts = sheet_facts(unit_type, sc, incidents)
    facts["unit"]["type"] = unit_type
    if unit_type not in ("agency", "enterprise", "school"):
        facts = passing_facts(unit_type)
        facts["incidents"] = incidents
    before = summary(evaluate_document(facts))
    more = copy.deepcopy(facts)
    more["incidents"].append(extra)
    after = summary(evaluate_document(more))
    assert after[0] <= before[0]  # recognized: True -> False only
    assert after[1] >= before[1]  # classification rank never improves
    assert after[2] <= before[2] and after[3] <= before[3]
    assert after[4] <= before[4]


@FAST
@given(scores, st.sampled_from(sorted(LEAVES)), st.data())
def test_raising_a_superior_score_never_lowers_the_classification(sc, leaf, data):
    facts = sheet_facts("agency", sc, [])
    before = evaluate_document(facts)
    current = sc[leaf]["superior"]
    higher = data.draw(st.integers(int(current) + 1, LEAVES[leaf])) if current < LEAVES[leaf] else current
    raised = copy.deepcopy(facts)
    raised["scores"][leaf]["superior"] = higher
    after = evaluate_document(raised)
    assert RANK[after["classification"]] <= RANK[before["classification"]]
    assert after["qd510"]["totals"]["superior"] >= before["qd510"]["totals"]["superior"]

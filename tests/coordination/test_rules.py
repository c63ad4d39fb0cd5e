"""The minimums of QĐ 510 item 4 are data (`antq/coordination/data/rules.yaml`), with their source."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import User

from antq.coordination import selectors
from antq.coordination.rules import RULES_FILE, parse, rules
from antq.org.models import OrgNode
from tests.coordination.conftest import WINDOW, log, make_agreement


def _raw() -> dict[str, Any]:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


def test_the_file_cites_qd_510_item_4_and_sets_the_minimums() -> None:
    loaded = rules()
    assert "510/QĐ-BCA-V05" in loaded.source
    assert "mục 4" in loaded.source
    assert (loaded.min_agreements, loaded.min_executions, loaded.min_reviews, loaded.min_campaigns) == (
        1,
        2,
        1,
        1,
    )
    # Not a legal number: flagged for the province to confirm.
    assert _raw()["source"]["verified"] is False


@pytest.mark.parametrize("bad", [0, -1, "2", 1.5, True, None])
def test_a_minimum_that_is_not_a_positive_whole_number_is_refused(bad: Any) -> None:
    raw = _raw()
    raw["min_executions"] = bad
    with pytest.raises(ValueError, match="min_executions"):
        parse(raw)


def test_a_file_without_its_legal_source_is_refused() -> None:
    raw = _raw()
    del raw["source"]["articles"]
    with pytest.raises(ValueError, match="source"):
        parse(raw)


def test_the_facts_follow_the_file_not_a_constant(
    enterprise: OrgNode, enterprise_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    log(enterprise_officer, agreement, dt.date(2025, 3, 1), dt.date(2025, 9, 1))
    assert selectors.coordination_facts(enterprise, *WINDOW)["coordination_executed"].value is True

    stricter = parse({**_raw(), "min_executions": 3})
    monkeypatch.setattr(selectors, "rules", lambda: stricter)
    fact = selectors.coordination_facts(enterprise, *WINDOW)["coordination_executed"]
    assert fact.value is False
    assert fact.source == "2 lần thực hiện trong năm (yêu cầu từ 3 lần)"

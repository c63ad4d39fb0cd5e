from decimal import Decimal

from django.utils import translation

from antq.core.numbers import count_text, percent_against, percent_text, share


def test_shares_round_half_up_in_vietnamese_notation():
    with translation.override("vi"):
        assert share(49, 400) == Decimal("12.3")  # 12,25 → 12,3 (Python's round gives 12,2)
        assert percent_text(49, 400) == "12,3%"
        assert percent_text(1, 0) == "—"
        assert count_text(20011) == "20.011"
        assert percent_text(12345678, 12345678) == "100,0%"


def test_a_share_beside_its_target_never_hides_the_verdict():
    with translation.override("vi"):
        # 79,96% rounds to 80,0% but misses "≥ 80%": more places are shown.
        assert percent_against(7996, 10000, Decimal(80), met=False) == "79,96%"
        assert percent_against(799999, 1000000, Decimal(80), met=False) == "< 80%"
        assert percent_against(8, 10, Decimal(80), met=True) == "80,0%"


def test_above_targets_are_strict():
    with translation.override("vi"):
        assert percent_against(8, 10, Decimal(80), met=False, above=True) == "80,0%"  # exactly 80: not above
        assert percent_against(800001, 1000000, Decimal(80), met=True, above=True) == "> 80%"
        assert percent_against(8004, 10000, Decimal(80), met=True, above=True) == "80,04%"

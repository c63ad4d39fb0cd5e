"""Numbers as officers read them, the same on every page, document and spreadsheet.

Shares are rounded half up (as people round by hand and as Excel shows them), never half to even
(Python's `round`) or through floats: 12,25% prints 12,3% on the dashboard, the report and the board.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from django.utils.formats import get_format
from django.utils.translation import get_language


def share(numerator: int, denominator: int | None, *, places: int = 1) -> Decimal | None:
    """numerator / denominator as a percentage rounded half up to `places`; None when undefined."""
    if not denominator:
        return None
    exact = Decimal(numerator * 100) / Decimal(denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=8)
def _separators(language: str | None) -> dict[int, str]:
    """Python's "," and "." swapped for the language's separators, read once per language: a
    dashboard prints hundreds of numbers and Django's format lookup costs more than the number."""
    return str.maketrans({".": get_format("DECIMAL_SEPARATOR"), ",": get_format("THOUSAND_SEPARATOR")})


def decimal_text(value: Decimal) -> str:
    """A decimal in the active language's notation: 80,5 (vi), 80.5 (en); grouped by thousands,
    with the places it has (Django's `numberformat` with `force_grouping` gives the same text)."""
    return f"{value:,f}".translate(_separators(get_language()))


def count_text(value: int) -> str:
    """A whole number grouped by thousands: 20.011 (vi), 20,011 (en)."""
    return decimal_text(Decimal(int(value)))


def percent_text(numerator: int, denominator: int | None, *, places: int = 1) -> str:
    """ "80,5%", or "—" when there is nothing to divide by."""
    value = share(numerator, denominator, places=places)
    return "—" if value is None else f"{decimal_text(value)}%"


def percent_against(
    numerator: int, denominator: int | None, target: Decimal, *, met: bool, above: bool = False
) -> str:
    """The share shown beside a target ("từ 80% trở lên", or "trên 80%" when `above`): with more places
    when one place would hide the verdict (79,96% is "80,0%" rounded, yet below 80%)."""

    def reaches(value: Decimal) -> bool:
        return value > target if above else value >= target

    value = share(numerator, denominator, places=1)
    if value is None:
        return "—"
    for places in (2, 3):
        if reaches(value) == met:
            break
        value = share(numerator, denominator, places=places) or value
    if reaches(value) != met:
        sign = ">" if met else ("≤" if above else "<")
        return f"{sign} {decimal_text(target.normalize())}%"
    return f"{decimal_text(value)}%"


def fraction_share(numerator: int, denominator: int) -> Fraction:
    """The exact share (for comparisons with a target: never on rounded numbers)."""
    return Fraction(numerator * 100, denominator)

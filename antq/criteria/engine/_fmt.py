"""Vietnamese formatting of dates, fractions and comparisons for the reasons in a result."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

OP_VI = {"==": "=", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def percent(value: Fraction) -> str:
    hundred = value * 100
    if hundred.denominator == 1:
        return f"{hundred.numerator}%"
    return f"{float(hundred):.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def points(value: Fraction | int) -> str:
    frac = Fraction(value)
    if frac.denominator == 1:
        return str(frac.numerator)
    return f"{float(frac):g}".replace(".", ",")


def op(symbol: str) -> str:
    return OP_VI.get(symbol, symbol)


def yes_no(value: bool) -> str:
    return "có" if value else "không"

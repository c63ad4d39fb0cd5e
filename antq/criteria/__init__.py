"""Criteria frameworks (TT 124, QĐ 510) as versioned data and the rules engine that evaluates them."""

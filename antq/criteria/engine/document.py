"""The JSON-in / JSON-out contract shared by `antq evaluate` and the API.

Input: schemas/facts.schema.json. Output: schemas/result.schema.json.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .evaluate import evaluate
from .facts import parse_facts
from .library import Library, load_library


@lru_cache(maxsize=1)
def default_library() -> Library:
    return load_library()


def evaluate_document(document: dict[str, Any], library: Library | None = None) -> dict[str, Any]:
    """Evaluate one fact sheet document. Raises FactsError (with every problem) on invalid input."""
    lib = library if library is not None else default_library()
    facts = parse_facts(document, lib)
    return evaluate(facts, lib).to_dict()

"""The ANTQ rules engine: pure Python, no web framework.

from antq.criteria.engine import evaluate_document
result = evaluate_document({"unit": {"type": "agency"}, "year": 2022, ...})
"""

from .document import default_library, evaluate_document
from .errors import FactsError, FrameworkError, Problem
from .evaluate import evaluate
from .facts import FactSheet, parse_facts
from .frameworks import load_framework
from .library import Library, load_library
from .result import Result

__all__ = [
    "FactSheet",
    "FactsError",
    "FrameworkError",
    "Library",
    "Problem",
    "Result",
    "default_library",
    "evaluate",
    "evaluate_document",
    "load_framework",
    "load_library",
    "parse_facts",
]

"""PII and secret scrubbing: `engine` applies rules, `catalog` holds the built-in rules as data."""

from .detect import find_secrets
from .engine import Finding, Located, PatternTimeout, Rule, Scrubber, ScrubResult, build_scrubber

__all__ = [
    "Finding",
    "Located",
    "PatternTimeout",
    "Rule",
    "ScrubResult",
    "Scrubber",
    "build_scrubber",
    "find_secrets",
]

"""PII and secret scrubbing: `engine` applies rules, `catalog` holds the built-in rules as data,
`detect` is the export's re-check and `refusals` asks it at collect time."""

from .detect import find_secrets, refusals
from .engine import Scrubber, build_scrubber
from .rule import Finding, Located, PatternTimeout, Rule, ScrubResult

__all__ = [
    "Finding",
    "Located",
    "PatternTimeout",
    "Rule",
    "ScrubResult",
    "Scrubber",
    "build_scrubber",
    "find_secrets",
    "refusals",
]

"""PII and secret scrubbing: `engine` applies rules, `catalog` holds the built-in rules as data."""

from .engine import Rule, Scrubber, ScrubResult, build_scrubber

__all__ = ["Rule", "ScrubResult", "Scrubber", "build_scrubber"]

"""Every skip reason an importer can report is documented in SKIP_REASONS, and no documented code is stale."""

from __future__ import annotations

import re
from pathlib import Path

from finetune_collection.capture.claude_code_chain import KNOWN_TYPES
from finetune_collection.capture.result import SKIP_REASONS

SOURCES = Path(__file__).parents[2] / "server" / "finetune_collection" / "capture"
PATTERNS = [
    r'skipped\["([a-z_-]+)"\]',  # result.skipped["x"] += …
    r'reasons\[[^\]]+\] = "([a-z_-]+)"',  # self.reasons[line] = "x"
    r'reasons\[[^\]]+\] = "([a-z_-]+)" if',  # … = "x" if … else "y"
    r'else "([a-z_-]+)"\n',
    r'setdefault\(ln\.number, "([a-z_-]+)"\)',
    r'return "([a-z_-]+)"',  # codex: a line's fate
    r'Skip\("([a-z_-]+)"',  # training files: a record's rule
    r'reason = "([a-z_-]+)"',
    r'where\.setdefault\("([a-z_-]+)"',  # training files: a record that fails validation
]


def used_codes() -> set[str]:
    codes: set[str] = set()
    for path in SOURCES.glob("*.py"):
        if path.name == "hook.py":  # not an importer
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            codes |= set(re.findall(pattern, text))
    # Claude Code's non-turn line types are their own reason codes.
    return codes | (KNOWN_TYPES - {"user", "assistant"})


def test_every_code_in_the_sources_is_documented() -> None:
    codes = used_codes()
    assert len(codes) > 30  # the patterns still find the codes
    assert codes - set(SKIP_REASONS) == set()


def test_no_documented_code_is_stale() -> None:
    assert set(SKIP_REASONS) - used_codes() == set()

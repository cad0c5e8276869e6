"""The scrub tests' shared scrubber: the built-in catalog under the default config."""

from __future__ import annotations

import pytest

from finetune_collection.config import parse
from finetune_collection.scrub import build_scrubber
from finetune_collection.scrub.engine import Scrubber


@pytest.fixture(scope="session")
def scrubber() -> Scrubber:
    return build_scrubber(parse(""))

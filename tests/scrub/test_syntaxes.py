"""syntaxes.py: a `.pgpass` line written from a quoted string, the password's own escaped colon
taken with it; an address with many colons (a private IPv6) is no `.pgpass` line."""

from __future__ import annotations

import pytest

from finetune_collection.scrub.engine import Scrubber


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("echo 'localhost:5432:*:postgres:Lc4lPgPw' > ~/.pgpass", "echo 'localhost:5432:*:postgres:<REDACTED>' > ~/.pgpass"),
        ('f.write("db:5432:app:app:PyPgp4ss\\n")', 'f.write("db:5432:app:app:<REDACTED>\\n")'),
        ("db.internal:5432:orders:app:Pg9\\:pass!x\n", "db.internal:5432:orders:app:<REDACTED>\n"),
    ],
)
def test_pgpass(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub_text(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "INSERT INTO hosts VALUES ('fd00:6898:28de:c58d:21b5:be63:340f:7258');",
        "fd00:6898:28de:c58d:21b5:be63:340f:7258\n",
        "echo 'localhost:5432:*:postgres:$PGPASS' >> ~/.pgpass",
    ],
)
def test_not_pgpass(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub_text(text).text == text

"""contexts.py: a generated value after a keyword and a few words and a colon, in a log line or a
chat message, is replaced; prose with a colon and an ordinary value stays."""

from __future__ import annotations

import pytest

from finetune_collection.scrub.engine import Scrubber


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Oops, I accidentally pasted my key earlier: 9fK2pL7qX4mZ8vR1tN6wB3cY5hD0gJ2s, please ignore it",
         "9fK2pL7qX4mZ8vR1tN6wB3cY5hD0gJ2s"),
        ("Here is the token you asked for: Gh7Tq2Lm9Zx4Vp8Rn1Wc6Yb3Hs5Fd0Jk", "Gh7Tq2Lm9Zx4Vp8Rn1Wc6Yb3Hs5Fd0Jk"),
        ("[ERROR] secret for tenant 42 rejected: Pq8Wz2Lm7Xc4Vb9Nn3Kd6Rt1", "Pq8Wz2Lm7Xc4Vb9Nn3Kd6Rt1"),
    ],
)
def test_caught(scrubber: Scrubber, text: str, secret: str) -> None:
    assert secret not in scrubber.scrub_text(text).text


@pytest.mark.parametrize(
    "text",
    [
        "Token usage for this run: gpt-4o-mini-2024-07-18 with 1200 tokens",
        "the secret sauce of this release: SalesResults-1.2",
        "I pasted the error from the build: ModuleNotFoundError_numpy_core",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-token-Xy12Ab",
    ],
)
def test_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub_text(text).text == text

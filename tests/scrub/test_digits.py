"""Digit gates (scrub/digits.py): the answers match a plain reading of the text, and a rule whose
gate says no has no match in that text, so skipping it changes nothing."""

from __future__ import annotations

import random

import regex

from finetune_collection.scrub.catalog import CATALOG
from finetune_collection.scrub.digits import Digits
from finetune_collection.scrub.literals import SMALL, fold

PIECES = [
    "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444", "123-45-6789", "078 05 1120",
    "DE89 3704 0044 0532 0130 00", "gb33bukb20201555555555", "GB33BUKB20201555555555", "ab12", "(ab12)",
    "xab12", "_ab12", "é12", "ab1", "a12", "2026-12-02 10:30:00", "+1 (555) 123-4567", "v1.2.3.4", "0.5",
    "x = 12 34 56 78 90 12 34", "1234567890123", "12345678", "ÀB12", "Ab99", " ", "\n", "word", "café",
    "id=42", "sha256", "py39", "AB12CD", "😀", "日本", "-", ".", "/", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    "fe80:0:0:0:0:0:0:1", "a:b:c:d:e:f:1", "{a:1,b:2}", "::", ":", "10.0.0.1", "8.8.8.8", "1.2.3", "1.2.3.4.5",
    "255.255.255.255", "1..2.3.4", "...", "3.14",
]


def texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        while sum(map(len, parts)) < SMALL + 50:
            parts.append(rng.choice(PIECES) if rng.random() < 0.3 else "lorem ipsum dolor sit amet ")
        out.append(rng.choice(["", " ", "\n"]).join(parts))
    return out


def digit_runs(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if "0" <= c <= "9"]


def test_answers_match_a_plain_reading() -> None:
    led = regex.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}")
    for text in texts(400, 1):
        digits = Digits(fold(text))
        pos = digit_runs(text)
        for n, span in ((13, 25), (9, 11), (2, 2)):
            want = any(pos[i + n - 1] - pos[i] < span for i in range(len(pos) - n + 1))
            assert digits.cluster(n, span) == want
        assert digits.led(2, 2) == bool(led.search(text))
        gaps_ok = [pos[i + 1] - pos[i] <= 2 for i in range(len(pos) - 1)]
        assert digits.run(13, 2) == any(all(gaps_ok[i : i + 12]) for i in range(len(gaps_ok) - 11))
        ssn = (0, 1, 2, 4, 5, 7, 8, 9, 10)
        want = any(all(pos[i + k] - pos[i] == off for k, off in enumerate(ssn)) for i in range(len(pos) - 8))
        assert digits.layout(ssn) == want
        colons = [i for i, c in enumerate(text) if c == ":"]
        want = any(colons[i + 6] - colons[i] < 31 for i in range(len(colons) - 6))
        assert digits.cluster(7, 31, ":") == want
        dots = [i for i, c in enumerate(text) if c == "." and 0 < i < len(text) - 1
                and text[i - 1] in "0123456789" and text[i + 1] in "0123456789"]
        assert digits.joined(3, 9, ".") == any(dots[i + 2] - dots[i] < 9 for i in range(len(dots) - 2))


def test_a_closed_gate_means_no_match() -> None:
    gated = [r for r in CATALOG if r.gate is not None]
    assert {r.type for r in gated} >= {"credit_card", "ssn", "iban", "ip_address"}
    closed = 0
    for text in texts(600, 2):
        digits = Digits(fold(text))
        for rule in gated:
            if not rule.gate(digits):
                closed += 1
                assert regex.search(rule.pattern, text) is None, rule.type
    assert closed > 100  # the texts do close the gates, so the test can fail


def test_short_texts_are_scanned_whatever_they_hold() -> None:
    digits = Digits(fold("no digits here"))
    assert digits.cluster(13, 25) and digits.led(2, 2)


def test_a_prefilter_core_is_found_without_any_anchored_rule() -> None:
    """A catalog cut down to scanning rules still runs the literal pass that finds prefilter cores
    (`"kty"` -> `kty`): without it every prefiltered rule would be skipped."""
    from finetune_collection.scrub.engine import Scrubber

    scanning = [r for r in CATALOG if not r.anchors]
    assert any(r.prefilter == ('"kty"',) for r in scanning)
    secret = "X4pSGqDyhZjVd0tb1nVv8Ej3kWqH9rLmT2cYuA7fB6oN"
    jwk = '{"kty": "RSA", "n": "x", "e": "AQAB", "d": "' + secret + '"}\n' + "filler text " * 60
    scrubber = Scrubber(scanning)
    assert not scrubber.anchored and scrubber.cores
    assert secret not in scrubber.scrub_text(jwk).text

"""Built-in PII and secret rules, as data. The engine knows no type by name.

A rule's pattern may name a group `value`: only that span is replaced, so the key, quotes and
surrounding code stay intact (`password = "<REDACTED>"`).
"""

from __future__ import annotations

from .engine import Rule

CATALOG: list[Rule] = [
    Rule(
        type="email",
        # The lookbehind anchors the local part's start: the seed's pattern is quadratic on long
        # runs of local-part characters; this one is linear with the same matches.
        pattern=r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
        replacement="<EMAIL>",
        prefilter=("@",),
    ),
    Rule(type="api_key", pattern=r"sk-[A-Za-z0-9]{32,}", replacement="<API_KEY>", prefilter=("sk-",)),
    Rule(
        type="password",
        pattern=r"""(?i)password["']?\s*[:=]\s*(?P<q>["'])(?P<value>[^"'\n]+)(?P=q)""",
        replacement="<REDACTED>",
        prefilter=("password", "PASSWORD", "Password"),
    ),
]

"""What the catalog reads: the text with look-alike separators made plain, invisible characters
dropped, and a map back to the original's offsets; and the other copies of a value found secret.

`pass\u00adword\u00a0: hunter2` (a soft hyphen inside the keyword, a no-break space before the
colon) and `パスワード：hunter2` (a fullwidth colon) must read as `password : hunter2` to the
rules. Same-length swaps keep offsets; dropping invisible characters does not, so spans found in
the view are mapped back through `keep` before anything is replaced in the original.
"""

from __future__ import annotations

import bisect

# Separators that look like an ASCII one, swapped one for one (offsets do not move).
_SWAP = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u1680": " ",
        **{chr(c): " " for c in range(0x2000, 0x200B)},  # en/em/thin/hair spaces
        "\u202f": " ",
        "\u205f": " ",
        "\u3000": " ",  # ideographic space
        "\uff1a": ":",  # fullwidth colon
        "\uff1d": "=",  # fullwidth equals sign
        "\uff02": '"',
        "\uff07": "'",
    }
)
# Characters that render as nothing: inside a keyword they hide it from every pattern.
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff")


def view(text: str) -> tuple[str, list[int] | None]:
    """The text the catalog reads, and for each of its characters the original offset (None when
    offsets are unchanged)."""
    if text.isascii():
        return text, None
    plain = text.translate(_SWAP)
    if not any(c in INVISIBLE for c in plain):
        return plain, None
    keep = [i for i, c in enumerate(plain) if c not in INVISIBLE]
    return "".join(plain[i] for i in keep), keep


def to_original(keep: list[int], start: int, end: int) -> tuple[int, int]:
    """A [start, end) span of the view as a span of the original text."""
    return keep[start], keep[end - 1] + 1


MIN_COPY = 6  # shorter values (`admin`, `1234`) occur by chance in unrelated words and numbers


def copies(text: str, values: dict[str, int], taken: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Other occurrences of values already judged secret: (start, end, index of the rule that
    judged it), not overlapping `taken` (sorted, non-overlapping) and not inside a longer word."""
    found: list[tuple[int, int, int]] = []
    for value, rule in values.items():
        if len(value) < MIN_COPY:
            continue
        glue_start = value[0].isalnum()
        glue_end = value[-1].isalnum()
        i = text.find(value)
        while i >= 0:
            end = i + len(value)
            if not (glue_start and i > 0 and text[i - 1].isalnum()) and not (
                glue_end and end < len(text) and text[end].isalnum()
            ):
                found.append((i, end, rule))
            i = text.find(value, end)
    if not found:
        return []
    starts = [s for s, _ in taken]
    ends = [e for _, e in taken]
    out = []
    for start, end, rule in sorted(found):
        i = bisect.bisect_left(starts, start)
        if i > 0 and ends[i - 1] > start or i < len(starts) and starts[i] < end:
            continue  # the finding itself, or a copy inside another finding
        starts.insert(i, start)
        ends.insert(i, end)
        out.append((start, end, rule))
    return out

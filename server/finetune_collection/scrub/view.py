"""What the catalog reads: the text with look-alike separators made plain, invisible characters
dropped, and a map back to the original's offsets; and the other copies of a value found secret.

`pass\u00adword\u00a0: hunter2` (a soft hyphen inside the keyword, a no-break space before the
colon) and `パスワード：hunter2` (a fullwidth colon) must read as `password : hunter2` to the
rules. Same-length swaps keep offsets; dropping invisible characters does not, so spans found in
the view are mapped back through `keep` before anything is replaced in the original.
"""

from __future__ import annotations

import bisect
import re

import regex

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
_SWAP_TO = {chr(c): str(to) for c, to in _SWAP.items()}
_SWAPPABLE = re.compile("[" + "".join(sorted(chr(c) for c in _SWAP)) + "]")
_SPECIAL_CHARS = "".join(sorted({*(chr(c) for c in _SWAP), *INVISIBLE}))
_SPECIAL = re.compile("[" + _SPECIAL_CHARS + "]")
_INVISIBLE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")


# `regex`, not `re`: its findall over a long, mostly ASCII text is many times faster.
_BEYOND_ASCII = regex.compile(r"[^\x00-\x7f]+")


def beyond_ascii(text: str) -> set[str]:
    """The text's characters outside ASCII: one scan for the runs of them, then a set of their
    characters (cheap for mostly-ASCII text and for text in another script alike)."""
    return set("".join(_BEYOND_ASCII.findall(text))) if not text.isascii() else set()


def view(text: str, beyond: set[str] | None = None) -> tuple[str, list[int] | None]:
    """The text the catalog reads, and the original offsets of the characters dropped from it
    (None when offsets are unchanged). `beyond`: `beyond_ascii(text)`, if the caller has it."""
    if text.isascii():
        return text, None
    if beyond is None:
        beyond = beyond_ascii(text)
    if beyond.isdisjoint(_SPECIAL_CHARS):
        return text, None
    first = _SPECIAL.search(text)
    if first is None:
        return text, None
    # str.translate with a mapping costs a dict lookup per character: only the few found are swapped.
    head = first.start()
    plain = text[:head] + _SWAPPABLE.sub(lambda m: _SWAP_TO[m.group()], text[head:])
    if _INVISIBLE.search(plain, first.start()) is None:
        return plain, None
    dropped = [m.start() for m in _INVISIBLE.finditer(plain)]
    return _INVISIBLE.sub("", plain), dropped


def _position(dropped: list[int], pos: int) -> int:
    """The original offset of the view's character at `pos`: shifted past every dropped
    character up to it (a fixed point, reached in a step or two)."""
    shift = bisect.bisect_right(dropped, pos)
    while True:
        again = bisect.bisect_right(dropped, pos + shift)
        if again == shift:
            return pos + shift
        shift = again


def to_original(dropped: list[int], start: int, end: int) -> tuple[int, int]:
    """A [start, end) span of the view as a span of the original text."""
    return _position(dropped, start), _position(dropped, end - 1) + 1


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

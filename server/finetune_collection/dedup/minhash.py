"""MinHash signatures of text, exactly as datasketch computes them, at collect-time speed.

The scheme is datasketch 2.x's `affine32` over zlib.crc32 of normalized character shingles
(`shingles()`); `signatures()` gives the same values as `MinHash.update_batch(shingles(...))`
(tests/dedup/ pins it), but for ASCII text — nearly every example — without a Python
loop over shingles: tokenizing, hashing every window and permuting are a few numpy operations per
example. Other text (and word shingles) goes through datasketch itself.

Signatures are stored as base64 of little-endian uint32 values (`encode()`), together with the
`fingerprint()` of what they depend on, so a settings change re-keys instead of comparing
signatures made under different schemes.
"""

from __future__ import annotations

import base64
import zlib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import regex

from ..config import DedupSettings
from .exact import SPLIT_ONLY, normalize

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["SCHEME", "SEED", "decode", "encode", "fingerprint", "shingles", "signatures"]

SCHEME = "affine32"  # datasketch 2.0's default; recorded in the keys because values carry no trace
SEED = 1
# zlib.crc32 instead of datasketch's default sha1 wrapper, which dominated a signature's cost;
# the affine32 scheme pre-mixes every input with the MurmurHash3 finalizer, so crc32's linearity
# does not reach the permutations.
HASH = "crc32"
_TOKEN = regex.compile(r"\w+|[^\w\s]")


def fingerprint(settings: DedupSettings) -> str:
    """What signatures depend on; stored keys made under another fingerprint are recomputed."""
    return f"{SCHEME}/{HASH}/{settings.num_perm}/{settings.shingle}{settings.shingle_size}/{SEED}"


def shingles(text: str, kind: str, size: int) -> set[bytes]:
    """Shingles of normalized text. Tokens split words from punctuation, so `f(x, y)` and
    `f( x,y )` shingle alike and reformatting code changes nothing."""
    tokens = _TOKEN.findall(normalize(text))
    if kind == "char":
        joined = " ".join(tokens)
        if joined.isascii():  # the common case: byte grams are char grams, no per-gram encode
            data = joined.encode()
            return {data[i : i + size] for i in range(max(1, len(data) - size + 1))} - {b""}
        grams = {joined[i : i + size] for i in range(max(1, len(joined) - size + 1))}
    else:
        grams = {" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1))}
    return {g.encode() for g in grams if g}


def signatures(texts: dict[str, str], settings: DedupSettings) -> dict[str, NDArray[np.uint32]]:
    """MinHash signature of each text (keyed as given). A text without shingles hashes the
    stand-in `<empty {key}>`, so two blank sides match each other and nothing else."""
    out: dict[str, NDArray[np.uint32]] = {}
    if settings.shingle == "char":
        fast = _ascii_char_hashes(texts, settings.shingle_size)
        if fast is not None:
            out = _signatures(*fast, settings.num_perm)
    for key, text in texts.items():
        if key not in out:
            from datasketch import MinHash

            m = MinHash(num_perm=settings.num_perm, seed=SEED, scheme=SCHEME, hashfunc=zlib.crc32,
                        permutations=_permutations(settings.num_perm))
            m.update_batch(shingles(text, settings.shingle, settings.shingle_size) or {f"<empty {key}>".encode()})
            out[key] = m.hashvalues
    return {key: out[key] for key in texts}


def encode(values: NDArray[np.uint32]) -> str:
    return base64.b64encode(values.astype("<u4").tobytes()).decode("ascii")


def decode(text: str) -> NDArray[np.uint32]:
    import numpy as np

    return np.frombuffer(base64.b64decode(text), dtype="<u4")


@lru_cache(maxsize=1)
def _ascii_classes() -> NDArray[np.uint8]:
    """Byte -> 0 (whitespace, as `\\s`), 1 (word char, as `\\w`), 2 (anything else) for ASCII."""
    import numpy as np

    classes = np.full(128, 2, dtype=np.uint8)
    classes[[9, 10, 11, 12, 13, 32]] = 0
    for c in "0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        classes[ord(c)] = 1
    return classes


def _ascii_tokens_joined(text: str) -> NDArray[np.uint8] | None:
    """`" ".join(_TOKEN.findall(normalize(text)))` as bytes, vectorized, for ASCII text.

    Tokens are word runs and single other characters; joined by one space, so a space goes
    between two kept characters unless both are word characters that were adjacent. Returns
    None for non-ASCII text and for the rare control characters `normalize()` strips but `\\s`
    does not match (the caller uses `shingles()`), an empty array for blank text.
    """
    import numpy as np

    if not text.isascii() or any(c in text for c in SPLIT_ONLY):
        return None
    raw = np.frombuffer(text.encode("ascii").lower(), dtype=np.uint8)  # casefold, for ASCII
    classes = _ascii_classes()[raw]
    kept = np.flatnonzero(classes)
    kept_classes = classes[kept]
    glued = (kept_classes[1:] == 1) & (kept_classes[:-1] == 1) & (np.diff(kept) == 1)
    positions = np.arange(len(kept))
    positions[1:] += np.cumsum(~glued)
    joined = np.full(len(kept) + int(len(glued) - np.count_nonzero(glued)), 32, dtype=np.uint8)
    joined[positions] = raw[kept]
    return joined


@lru_cache(maxsize=4)
def _crc_tables(size: int) -> tuple[int, list[NDArray[np.uint32]], NDArray[np.uint32] | None]:
    """Lookup tables that give zlib.crc32 of any `size`-byte ASCII window in size/2 lookups.

    CRC-32 is affine over GF(2): crc(w) = crc(0^size) ^ T_0[w_0] ^ … ^ T_size-1[w_size-1], where
    T_i[v] = crc(v at position i, zeros elsewhere) ^ crc(0^size). Positions are taken in pairs,
    each pair one table indexed by its two 7-bit bytes (16k entries, 64 KB); an odd size leaves
    one single-byte table. Returns (crc of the zero window, pair tables, last single table).
    """
    import numpy as np

    zero = zlib.crc32(bytes(size))
    single = np.array(
        [[zlib.crc32(bytes(i) + bytes([v]) + bytes(size - i - 1)) ^ zero for v in range(128)] for i in range(size)],
        dtype=np.uint32,
    )
    pairs = [(single[i][:, None] ^ single[i + 1][None, :]).reshape(-1) for i in range(0, size - 1, 2)]
    return zero, pairs, single[size - 1] if size % 2 else None


def _ascii_char_hashes(
    texts: dict[str, str], size: int
) -> tuple[NDArray[np.uint32], dict[str, tuple[int, int]]] | None:
    """crc32 of every char shingle of the ASCII texts at once: the values `shingles()` +
    zlib.crc32 give, in one array, with each text's (start, end) in it.

    The texts' token strings are laid end to end and every window of the whole is hashed in one
    pass; the windows that straddle two texts lie between the spans and are never read. A text
    shorter than one shingle is its own single shingle. Repeated shingles need no set: MinHash
    keeps minima, so duplicates change nothing. Texts that are not ASCII or are blank are left
    out (the caller hashes them with datasketch); None when none is left.
    """
    import numpy as np

    joined = {key: j for key, text in texts.items() if (j := _ascii_tokens_joined(text)) is not None and len(j)}
    if not joined:
        return None
    long = [key for key, j in joined.items() if len(j) >= size]
    short = [key for key, j in joined.items() if len(j) < size]
    data = np.concatenate([joined[key] for key in long]) if long else np.zeros(0, dtype=np.uint8)
    spans: dict[str, tuple[int, int]] = {}
    offset = 0
    for key in long:
        spans[key] = (offset, offset + len(joined[key]) - size + 1)
        offset += len(joined[key])
    n = max(0, len(data) - size + 1)
    zero, pairs, last = _crc_tables(size)
    pair_index = data[:-1].astype(np.uint16) << 7 | data[1:]  # bytes i, i+1 as one 14-bit index
    crc = np.full(n + len(short), zero, dtype=np.uint32)
    window = crc[:n]
    for k, table in enumerate(pairs):
        window ^= table[pair_index[2 * k : 2 * k + n]]
    if last is not None:
        window ^= last[data[size - 1 : size - 1 + n]]
    for i, key in enumerate(short):
        crc[n + i] = zlib.crc32(joined[key].tobytes())
        spans[key] = (n + i, n + i + 1)
    return crc, spans


def _signatures(
    hashes: NDArray[np.uint32], spans: dict[str, tuple[int, int]], num_perm: int
) -> dict[str, NDArray[np.uint32]]:
    """MinHash.update_batch's CPU path for values already hashed (datasketch 2.x, affine32), on a
    fresh MinHash per span: pre-mix with the MurmurHash3 finalizer, permute with a*h+b in uint32,
    keep row minima (a fresh MinHash starts at the maximum, so its minimum is these)."""
    import numpy as np

    a, b = _permutations(num_perm)
    # One (num_perm, n) product for every span, C order, added in place and reduced along
    # contiguous row segments, rather than datasketch's (n, num_perm) temporaries reduced down
    # columns; both sides of an example share one product.
    phv = np.multiply.outer(a, _fmix32(hashes))
    phv += b[:, None]
    # `spans` are in array order and the last one ends the array (_ascii_char_hashes lays them
    # out so): reduceat runs each segment to the next bound and the last to the end, so the even
    # columns are the spans' minima and the odd ones the gaps between texts.
    bounds = [bound for start_end in spans.values() for bound in start_end][:-1]
    minima = np.minimum.reduceat(phv, bounds, axis=1)
    return {key: np.ascontiguousarray(minima[:, 2 * i]) for i, key in enumerate(spans)}


def _fmix32(values: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """MurmurHash3's 32-bit finalizer (its published constants), as datasketch's affine32 scheme
    pre-mixes every hash; uint32 products wrap, which is the modulo 2**32 the algorithm wants."""
    import numpy as np

    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values ^= values >> np.uint32(13)
    values *= np.uint32(0xC2B2AE35)
    values ^= values >> np.uint32(16)
    return values


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> Any:
    # Generating the permutations is most of a MinHash's construction cost; share them.
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations

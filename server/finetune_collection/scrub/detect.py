"""A second, independent secret check for data about to leave (the exporter calls it once per example).

It shares no pattern with the catalog on purpose: if a rule there has a hole, this should not
have the same one. It looks for (1) known key prefixes and shapes and (2) long high-entropy
tokens, and returns the TYPES found, never the values. Already-scrubbed text passes clean:
placeholders (`<API_KEY>`, `<REDACTED>`, `<EMAIL_1>`) contain no token, and hard negatives
are skipped by shape: git SHAs and other pure hex, UUIDs, `sha256:`/`sha512-` digests in
lockfiles, base64 `data:` URIs, dotted versions, paths and URLs without credentials.
"""

from __future__ import annotations

import math
import re
from collections import Counter

__all__ = ["find_secrets"]

# (type, literal prefilters, pattern): a regex runs only when one of its literals occurs, so a
# clean record costs a few substring searches instead of 15 regex scans (exports stay near the
# I/O floor with the re-check on).
# private_key stays first: find_secrets() searches the whole text for it, the rest in chunks only.
_KNOWN: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    (name, literals, re.compile(pattern))
    for name, literals, pattern in [
        ("private_key", ("-----BEGIN",), r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY"),
        ("aws_access_key", ("AKIA", "ASIA", "ABIA", "ACCA"), r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"),
        ("api_key", ("sk-",), r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}"),
        ("github_token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
         r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"),
        ("gitlab_token", ("glpat-",), r"\bglpat-[A-Za-z0-9_-]{20,}"),
        ("slack_token", ("xox",), r"\bxox[abposer]-[0-9A-Za-z-]{10,}"),
        ("slack_webhook", ("hooks.slack.com",), r"hooks\.slack\.com/services/T[A-Za-z0-9_/]+"),
        ("stripe_key", ("k_live_",), r"\b[rs]k_live_[A-Za-z0-9]{10,}"),
        ("google_api_key", ("AIza",), r"\bAIza[A-Za-z0-9_-]{35}"),
        ("sendgrid_key", ("SG.",), r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"),
        ("npm_token", ("npm_",), r"\bnpm_[A-Za-z0-9]{36}"),
        ("pypi_token", ("pypi-",), r"\bpypi-Ag[A-Za-z0-9_-]{40,}"),
        ("huggingface_token", ("hf_",), r"\bhf_[A-Za-z0-9]{30,}"),
        ("jwt", ("eyJ",), r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        ("url_credentials", ("://",), r"[a-z][a-z0-9+.-]*://[^\s:/@<>\"']+:(?![<*$%{])[^\s/@<>\"']{3,}@"),
    ]
]
# Candidate tokens for the entropy check: long runs of key alphabet characters.
_TOKEN = re.compile(r"[A-Za-z0-9+/_=~.-]{24,}")
_SKIP = [
    re.compile(p)
    for p in (
        r"[0-9a-fA-F]+",  # git SHAs, md5/sha digests
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",  # UUIDs
        r"[A-Za-z0-9_]+(?:[._/-][A-Za-z0-9_]+)*",  # identifiers, paths, dotted names (see below)
        r"[0-9.]+(?:[-+][A-Za-z0-9.]+)?",  # versions
    )
]
_DIGEST_BEFORE = re.compile(r"(?:sha(?:1|224|256|384|512)[-:=]|md5[-:=]|h1:|base64,|#)$", re.I)


_DIGEST_PREFIX = re.compile(r"(?:sha(?:1|224|256|384|512)|md5)[-:=]", re.I)
_REPEAT = re.compile(r"(.)\1{7,}")  # `ghp_xxxxxxxx…`: a placeholder, not a key


# Chunks are found on a byte mask: each ASCII whitespace byte (what str.split() splits on: \t \n
# \v \f \r, \x1c-\x1f, space) becomes b" ", every other byte b"x"; one bytes.find() for 14 b"x"s
# then skips all the short words at C speed, without allocating them. Bytes >= 0x80 (UTF-8 of
# non-ASCII text) count as chunk bytes, so a text has no 14-character chunk when its mask has no
# 14-byte run (a character is at least one byte; non-ASCII whitespace only lengthens runs).
_MIN_CHUNK = 14
_MASK = bytes(32 if b < 128 and chr(b).isspace() else 120 for b in range(256))
_RUN = b"x" * _MIN_CHUNK


def _chunks(text: str) -> list[str]:
    """The whitespace-free runs of 14+ characters: `[w for w in text.split() if len(w) >= 14]`."""
    ascii_text = text.isascii()
    mask = text.encode("utf-8", "surrogatepass").translate(_MASK)
    i = mask.find(_RUN)
    if i < 0:
        return []
    if not ascii_text:  # byte offsets are not character offsets; str.split() knows Unicode spaces
        return [w for w in text.split() if len(w) >= _MIN_CHUNK]
    out: list[str] = []
    while i >= 0:
        # find() returns a run's first byte: the search starts at 0 or just after a separator.
        end = mask.find(b" ", i + _MIN_CHUNK)
        if end < 0:
            out.append(text[i:])
            break
        out.append(text[i:end])
        i = mask.find(_RUN, end)
    return out


def _entropy(s: str) -> float:
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def _looks_random(token: str) -> bool:
    core = token.strip("=.-_/")
    if len(core) < 24 or any(p.fullmatch(core) for p in _SKIP[:2]) or _SKIP[3].fullmatch(core):
        return False
    lower = sum(c.islower() for c in core)
    upper = sum(c.isupper() for c in core)
    digit = sum(c.isdigit() for c in core)
    if min(lower, upper) == 0 or digit == 0:
        return False  # real keys mix cases and digits; identifiers and words rarely do all three
    if _SKIP[2].fullmatch(core):
        # Identifier-like: only a secret when no separator-delimited part reads as a word run.
        parts = re.split(r"[._/-]", core)
        if len(parts) > 1 and all(len(p) < 20 for p in parts):
            return False
    return _entropy(core) >= 4.0


def _matches(pattern: re.Pattern[str], source: str) -> bool:
    return any(not _REPEAT.search(m.group()) for m in pattern.finditer(source))


def find_secrets(text: str) -> list[str]:
    """Types of what still looks like a secret in `text` (each type once, in order found)."""
    found: list[str] = []
    # A PEM header is the one shape with spaces in it: it is looked for in the whole text.
    name, literals, pattern = _KNOWN[0]
    if any(lit in text for lit in literals) and _matches(pattern, text):
        found.append(name)
    # Every other shape is one whitespace-free run of 14+ characters, so the patterns only look
    # at those runs, and ordinary prose (short words) costs one byte-mask search (_chunks)
    # instead of 15 regex scans. Exports stay near the I/O floor.
    chunks = _chunks(text)
    if not chunks:
        return found
    hay = "\n".join(chunks)
    for name, literals, pattern in _KNOWN[1:]:
        if any(lit in hay for lit in literals) and _matches(pattern, hay):
            found.append(name)
    for chunk in chunks:
        if len(chunk) < 24:
            continue
        for m in _TOKEN.finditer(chunk):
            if _DIGEST_BEFORE.search(chunk, max(0, m.start() - 8), m.start()) or _DIGEST_PREFIX.match(m.group()):
                continue
            if _looks_random(m.group()):
                found.append("high_entropy")
                return found
    return found

"""A second, independent secret check for data about to leave (the exporter calls it per record).

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

_KNOWN: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern))
    for name, pattern in [
        ("private_key", r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY"),
        ("aws_access_key", r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b"),
        ("api_key", r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}"),
        ("github_token", r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"),
        ("gitlab_token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
        ("slack_token", r"\bxox[abposer]-[0-9A-Za-z-]{10,}"),
        ("slack_webhook", r"hooks\.slack\.com/services/T[A-Za-z0-9_/]+"),
        ("stripe_key", r"\b[rs]k_live_[A-Za-z0-9]{10,}"),
        ("google_api_key", r"\bAIza[A-Za-z0-9_-]{35}"),
        ("sendgrid_key", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"),
        ("npm_token", r"\bnpm_[A-Za-z0-9]{36}"),
        ("pypi_token", r"\bpypi-Ag[A-Za-z0-9_-]{40,}"),
        ("huggingface_token", r"\bhf_[A-Za-z0-9]{30,}"),
        ("jwt", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        ("url_credentials", r"[a-z][a-z0-9+.-]*://[^\s:/@<>\"']+:(?![<*$%{])[^\s/@<>\"']{3,}@"),
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


def find_secrets(text: str) -> list[str]:
    """Types of what still looks like a secret in `text` (each type once, in order found)."""
    found: list[str] = []
    for name, pattern in _KNOWN:
        if name not in found and any(not _REPEAT.search(m.group()) for m in pattern.finditer(text)):
            found.append(name)
    for m in _TOKEN.finditer(text):
        if _DIGEST_BEFORE.search(text, max(0, m.start() - 8), m.start()) or _DIGEST_PREFIX.match(m.group()):
            continue
        if _looks_random(m.group()):
            if "high_entropy" not in found:
                found.append("high_entropy")
            break
    return found

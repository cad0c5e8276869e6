"""The export-time re-check: what in a text would still be replaced, by type, never by value.

One policy with the store-time scrubber, checked two ways:

1. the catalog's own secret rules (every rule whose type is not personal data), so the export
   refuses exactly what the scrubber would have replaced: short passwords in password contexts
   included, and nothing the scrubber keeps on purpose (a placeholder, AWS's `…EXAMPLE` keys, a
   random-looking value outside any secret context);
2. a short list of provider key shapes written independently of the catalog, so a hole in a
   catalog rule does not open the export too. Its hits go through the same placeholder policy.

Personal data (emails, phones, …) is the scrubber's alone: the same rules would find the same
spans again, and a type the user turned off (`scrub.disable`) is kept on purpose.
`refusals()` is the collect-time question "would the export refuse this stored text?".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..model import doc_context, doc_rejected, doc_turns, example_texts, texts_fingerprint
from . import structured
from .validators import entropy, jwt, key_token, placeholder, slack_token

if TYPE_CHECKING:
    from .engine import Scrubber
    from .rule import Rule

__all__ = ["PERSONAL", "catalog_fingerprint", "find_secrets", "refusals", "stamp", "stamp_holds", "stamped_texts"]

# Types that are personal data, not secrets: not part of the export's re-check (see above).
PERSONAL = frozenset({"email", "phone", "ip_address", "credit_card", "iban", "ssn", "home_path"})

# (type, literal prefilters, pattern): a regex runs only when one of its literals occurs, so a
# clean record costs a few substring searches instead of 15 regex scans (exports stay near the
# I/O floor with the re-check on).
# private_key stays first: find_secrets() searches the whole text for it, the rest in chunks only.
# A token's start as the scrubber sees it (providers.B): after `_`, `-` or a %-escape too, where
# `\b` would miss `call_sk-…`. Python's re takes only fixed-width look-behinds, hence two.
START = r"(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2}))"
_KNOWN: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    (name, literals, re.compile(pattern))
    for name, literals, pattern in [
        # A header with a body: `-----BEGIN … PRIVATE KEY-----\n...` in docs is a placeholder.
        ("private_key", ("-----BEGIN",),
         r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----(?:\\[nr]|\s|[A-Za-z-]{1,40}:[^\n]{0,200})*"
         r"(?P<v>[A-Za-z0-9+/=]{32})"),
        ("aws_access_key", ("AKIA", "ASIA", "ABIA", "ACCA"), START + r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"),
        ("api_key", ("sk-",), START + r"sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}"),
        ("github_token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
         START + r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"),
        ("gitlab_token", ("glpat-",), START + r"glpat-[A-Za-z0-9_-]{20,}"),
        ("slack_token", ("xox",), START + r"xox[abposer]-[0-9A-Za-z-]{10,}"),
        ("slack_webhook", ("hooks.slack.com",), r"hooks\.slack\.com/services/T[A-Za-z0-9_/]+"),
        ("stripe_key", ("k_live_",), START + r"[rs]k_live_[A-Za-z0-9]{10,}"),
        ("google_api_key", ("AIza",), START + r"AIza[A-Za-z0-9_-]{35}"),
        ("sendgrid_key", ("SG.",), START + r"SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"),
        ("npm_token", ("npm_",), START + r"npm_[A-Za-z0-9]{36}"),
        ("pypi_token", ("pypi-",), START + r"pypi-Ag[A-Za-z0-9_-]{40,}"),
        ("huggingface_token", ("hf_",), START + r"hf_[A-Za-z0-9]{30,}"),
        ("jwt", ("eyJ",), START + r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        ("url_credentials", ("://",), r"[a-z][a-z0-9+.-]*://[^\s:/@<>\"']+:(?![<*$%{])(?P<v>[^\s/@<>\"']{3,})@"),
    ]
]
# What counts as a real one is shared with the catalog (its placeholders, filler and checksums);
# the patterns above are not.
_REAL: dict[str, Callable[[str], bool]] = {
    "private_key": lambda s: not placeholder(s),
    "jwt": jwt,
    "slack_token": slack_token,
    "url_credentials": lambda s: not placeholder(s),
    "huggingface_token": lambda s: key_token(s) and entropy(s) > 3.5,
}
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


def _matches(name: str, pattern: re.Pattern[str], source: str, allowed: Callable[[str], bool]) -> bool:
    """A hit that the shared policy calls real (not a placeholder, `…EXAMPLE`, filler, words) and
    that the user did not allow (`scrub.allow`, which the scrubber keeps too)."""
    real = _REAL.get(name, key_token)
    for m in pattern.finditer(source):
        value = m.group("v") if "v" in pattern.groupindex else m.group()
        if not _REPEAT.search(value) and real(value) and not allowed(value):
            return True
    return False


def _allowed(allow: Collection[str]) -> Callable[[str], bool]:
    """The scrubber's own test for `scrub.allow`: a value that fully matches one is kept."""
    patterns = [_compile_allow(a) for a in allow]
    return lambda value: any(p.fullmatch(value) for p in patterns)


@lru_cache(maxsize=64)
def _compile_allow(pattern: str) -> Any:
    import regex

    return regex.compile(pattern)


def _secret_rules() -> list[Rule]:
    """The catalog's rules that are not personal data: what the re-check applies."""
    from .catalog import CATALOG  # the catalog imports nothing from here: no cycle, loaded once

    return [r for r in CATALOG if r.type not in PERSONAL]


@lru_cache(maxsize=1)
def _catalog() -> Scrubber:
    from .engine import Scrubber

    return Scrubber(_secret_rules())


def _shapes(text: str, allowed: Callable[[str], bool]) -> list[str]:
    """Types of the independent provider shapes found in `text` (each once, in list order)."""
    found: list[str] = []
    # A PEM header is the one shape with spaces in it: it is looked for in the whole text.
    name, literals, pattern = _KNOWN[0]
    if any(lit in text for lit in literals) and _matches(name, pattern, text, allowed):
        found.append(name)
    # Every other shape is one whitespace-free run of 14+ characters, so the patterns only look
    # at those runs, and ordinary prose (short words) costs one byte-mask search (_chunks).
    chunks = _chunks(text)
    if not chunks:
        return found
    hay = "\n".join(chunks)
    for name, literals, pattern in _KNOWN[1:]:
        if any(lit in hay for lit in literals) and _matches(name, pattern, hay, allowed):
            found.append(name)
    return found


def find_secrets(
    text: str, *, skip: Collection[str] = (), catalog: bool = True, allow: Collection[str] = ()
) -> list[str]:
    """Types of what still looks like a secret in `text` (each type once, in order found).
    `skip`: catalog types turned off in the config (kept on purpose, so not refused).
    `catalog=False`: the independent shapes only, for text this catalog already checked at
    collect time (see `catalog_fingerprint`). `allow`: the config's `scrub.allow` patterns."""
    allowed = _allowed(allow)
    found = [t for t in _shapes(text, allowed) if t not in skip]
    if not catalog:
        return found
    for finding in _catalog().scrub_text(text).findings:
        if allowed(text[finding.start : finding.end]):
            continue
        if finding.type not in skip and finding.type not in found:
            found.append(finding.type)
    return found


@lru_cache(maxsize=8)
def catalog_fingerprint(skip: frozenset[str] = frozenset(), allow: tuple[str, ...] = ()) -> str:
    """Identifies the re-check's rules (the catalog's secret rules minus `skip`, and the
    shapes): a stamp made under another catalog is not trusted."""
    import hashlib

    rules = [f"{r.type}\t{r.pattern}" for r in _secret_rules() if r.type not in skip]
    rules += [f"{name}\t{pattern.pattern}" for name, _, pattern in _KNOWN]
    rules += [f"allow\t{a}" for a in allow]
    return hashlib.blake2b("\n".join(rules).encode(), digest_size=8).hexdigest()


def stamped_texts(doc: dict[str, Any]) -> list[str]:
    """What the collect-time re-check reads in a stored document, and its stamp covers: a plain
    example's texts as every format writes them (`model.example_texts`); an example with tool
    data read structured, as the export reads it (`structured.texts`: arguments decoded, every
    value under its key, the declarations the same way), context and rejected answers after."""
    texts = example_texts(doc)
    if texts is not None:
        return texts
    return structured.texts(None, doc_turns(doc), doc.get("tools"), [doc_context(doc) or "", *doc_rejected(doc)])


def stamp(texts: list[str], skip: frozenset[str] = frozenset(), allow: tuple[str, ...] = ()) -> str:
    """`checked`: this catalog (and its settings) read exactly these texts."""
    return f"{catalog_fingerprint(skip, allow)}:{texts_fingerprint(texts)}"


def stamp_holds(
    doc: dict[str, Any], skip: frozenset[str] = frozenset(), allow: tuple[str, ...] = (), now: str | None = None
) -> bool:
    """Did this catalog check exactly these stored texts at collect time, finding nothing? Then
    the export need not run the catalog over them again (text edited in the file since, a new
    catalog or other settings: it must). `now`: the document's stamp, if the caller made it."""
    checked = doc.get("checked")
    if not isinstance(checked, str) or doc.get("refused"):
        return False
    return checked == (now if now is not None else stamp(stamped_texts(doc), skip, allow))


def refusals(text: str, *, skip: Collection[str] = (), allow: Collection[str] = ()) -> list[str]:
    """At collect time, for the text about to be stored (already scrubbed): the types the export
    would refuse it for, never the values. Empty when scrubber and export agree, which they do by
    construction except where an independent shape sees what the catalog let pass."""
    return find_secrets(text, skip=skip, allow=allow)

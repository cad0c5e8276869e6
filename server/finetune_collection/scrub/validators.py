"""Checks a catalog match must pass before it is replaced: checksums, ranges, entropy, shape.

A validator sees only the matched value and answers "is this really one?". Context (a keyword
before a bare 9-digit SSN, a `version` before a dotted quad) lives in the rule's pattern, so the
rule stays data. `phonenumbers` and `python-stdnum` carry the region and checksum tables we
would otherwise copy by hand and let go stale.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import re
from collections import Counter
from functools import lru_cache

_NON_DIGIT = re.compile(r"[^0-9]")
_IDENT_PATH = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*")
# Attribute paths and host names: every dotted part starts with a letter and is short.
# A name with a version: `SalesResults-1.2`, `jjwt-jackson-0.11.2`, `lib@2.0.1-rc1`.
_VERSIONED = re.compile(r".*[-_@:/]v?[0-9]+(?:\.[0-9]+)+(?:[-.+][0-9A-Za-z.]+)?")
_DOTTED_CODE = re.compile(r"[A-Za-z_$][\w$-]{0,23}(?:(?:\.|::|->)[A-Za-z_$][\w$-]{0,23})+")


def digits(value: str) -> str:
    return _NON_DIGIT.sub("", value)


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _one_separator(value: str) -> bool:
    return len({c for c in value if not c.isdigit()}) <= 1


def card(value: str) -> bool:
    """Luhn-valid 13-19 digits with an issuer prefix (2-6); mixed separators mean something else."""
    d = digits(value)
    if not 13 <= len(d) <= 19 or d[0] not in "23456" or len(set(d)) < 2:
        return False
    if len(d) in (17, 18) and d == value:
        return False  # unwritten lengths for cards, common for ids (snowflakes): only after "card"
    return _one_separator(value) and luhn(d)


def iban(value: str) -> bool:
    from stdnum import iban as stdnum_iban  # lazy: only pays its import when a candidate appears

    # mod-97 and the country's length and format; not the national check digits some countries
    # add inside the BBAN (Belgium's `BE68 5390 0754 7034`, the standard example, fails those).
    try:
        stdnum_iban.validate(value.replace(" ", ""), check_country=False)
    except ValueError:  # stdnum's ValidationError subclasses ValueError
        return False
    return True


def ssn(value: str) -> bool:
    """US SSN: area not 000/666/9xx, group not 00, serial not 0000 (SSA rules)."""
    d = digits(value)
    if len(d) != 9 or not _one_separator(value):
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


_KEEP_V4 = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/3",
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
    )
]


def public_ip(value: str) -> bool:
    """Addresses that can point at a person or host. Loopback, private (RFC 1918, ULA),
    link-local, CGNAT, multicast, unspecified, reserved and documentation ranges (192.0.2.0/24,
    198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are kept: code and docs need them and they
    identify no one, like the placeholders every other rule keeps."""
    try:
        ip = ipaddress.ip_address(value.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv4Address):
        # A network address (`3.0.0.0`, `10.1.0.0`) names a block, not a host; versions look alike.
        return not value.endswith(".0") and not any(ip in net for net in _KEEP_V4)
    if ip.ipv4_mapped is not None:
        return public_ip(str(ip.ipv4_mapped))
    if ip in ipaddress.ip_network("2001:db8::/32"):
        return False
    return not (
        ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or ip in ipaddress.ip_network("fc00::/7")
        or ip.is_site_local
    )


def ipv6(value: str) -> bool:
    """`::` also appears in C++/Rust paths (`a::b` parses as IPv6), so ask for a digit too."""
    return any(c.isdigit() for c in value) and value.count(":") >= 2 and public_ip(value)


# National forms (no `+`) are tried only in regions whose shape fits, so a stray 10-digit id
# costs two parses, not twenty: trunk `0` (Europe, India, Israel, Australia, Brazil), NANP
# 10/11 digits, Indian mobiles (10 digits from 6-9).
_TRUNK_REGIONS = ("GB", "DE", "FR", "IT", "NL", "ES", "IN", "IL", "AU", "BR", "IE", "CH", "AT", "BE", "PL", "SE")


def _regions(d: str) -> tuple[str | None, ...]:
    if d[0] == "0":
        return _TRUNK_REGIONS
    if len(d) == 10:
        return ("US", "IN") if d[0] in "6789" else ("US",)
    if len(d) == 11 and d[0] == "1":
        return ("US",)
    return ()


# How national NANP numbers are grouped: (425) 882-9090, 1-800-555-0199, 425-8829090, plain.
_NANP_GROUPS = {(3, 3, 4), (1, 3, 3, 4), (3, 7), (1, 3, 7), (10,), (11,)}
_ZIP4 = re.compile(r"[0-9]{5}-[0-9]{4}")
_DOTTED_QUAD = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_BR_AREA = re.compile(r"\([1-9][0-9]\)")  # `(11) 91234-5678`: a two-digit area code is Brazil's form
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")


@lru_cache(maxsize=4096)
def phone(value: str) -> bool:
    """Valid for its country (international form) or for one of the common regions (national
    form). Version numbers, dates and ids fail here, which is why the pattern can stay loose."""
    import phonenumbers

    d = digits(value)
    if not 7 <= len(d) <= 15 or len(set(d)) < 3 or _DATE.fullmatch(value.strip()):
        return False
    seps = [c for c in value if not c.isdigit() and c not in "+ "]
    if value.startswith("0."):
        return False  # a decimal or a version (`0.12.77272`), never a number's first group
    if (seps and set(seps) == {"."} and len(seps) < 2) or _ZIP4.fullmatch(value.strip()):
        return False  # a decimal (`0.666666667`) or a US ZIP+4 (`02110-1301`)
    if tuple(len(g) for g in re.findall(r"[0-9]+", value)) == (3, 2, 4):
        return False  # the SSN grouping (`078-05-0000`, an invalid SSN, is still not a phone)
    if len(re.split(r"[^0-9]+", value.strip(" )"))[-1]) < 2:
        return False  # phone numbers do not end in a one-digit group; ISBNs (`0-306-40615-2`) do
    if _DOTTED_QUAD.fullmatch(value.strip()):  # an IPv4 address (private ones reach here)
        return False
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    regions = (None,) if text.startswith("+") else _regions(d)
    if _BR_AREA.match(text):
        regions = ("BR", *regions)
    grouped = any(c in value for c in " -().")
    groups = tuple(len(g) for g in re.findall(r"[0-9]+", value))
    for region in regions:
        if region == "US" and groups not in _NANP_GROUPS:
            continue  # `Order 2024-123456`, `PO 5550-123-456`: NANP numbers are written 3-3-4
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
        # NANP-shaped numbers in 555 and other unassigned blocks are still somebody's format.
        if grouped and region in ("US", None) and number.country_code == 1:
            if phonenumbers.is_possible_number(number) and len(str(number.national_number)) == 10:
                return True
    return False


# Values that stand for a secret without being one: templates, env reads, stars, examples.
_PLACEHOLDER = re.compile(
    r"""(?ix)
    | <[^<>]*>? | \$\{[^}]*\} | \#\{[^}]*\} | \{\{.*\}\} | \{[\w.-]*\} | %\(?\w*\)?s | \$\(?[A-Za-z_][\w]*\)?
    | \[[A-Z0-9_ -]+\] | %[A-Z_]+% | [*xX•.#_-]{3,} | .*(?:x{4,}|X{4,}|\*{3,}|\.\.\.|…).*
    | (?:your|insert|enter)[\w-]* | (?:my|put|add|replace)[_-][\w-]* | .*_here | .*[-_ ]here
    | (?:change_?me|changeit|placeholder|example|sample|dummy|fake|test|testing|todo|tbd|redacted
       |secret|password|passwd|pass|pwd|token|key|api_?key|none|null|nil|undefined|true|false|empty
       |string|str|bytes|int|bool|any|optional|required|hidden|masked|foo|bar|baz|abc|abc123|123456
       |na|n/a|default|value|var|env|not[-_ ]?set|unset|missing|yes|no|\d)
    """
)
_NOT_SECRET_WORDS = re.compile(r"(?i)(?:^|[^a-z])(?:example|your|placeholder|dummy|fake|redacted)(?:[^a-z]|$)")
# A value holding one of the scrubber's own placeholders was scrubbed already (`<PRIVATE_KEY>\\n`).
_SCRUBBED = re.compile(r"<[A-Z][A-Z_]*[A-Z](?:_[0-9]+)?>")
# Inside a run of letters these still say "not a real one" (`somefakekey`, `MyDummyToken`).
_NOT_SECRET_INFIX = re.compile(r"(?i)fake|dummy|placeholder|changeme|redacted|notreal|example")


@lru_cache(maxsize=4096)
def placeholder(value: str) -> bool:
    """Also AWS's documentation convention: example keys end in or hold `EXAMPLE`
    (`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`), and filler typed to
    fill a field (`abcdef123456`, `a1b2c3d4…`, `000…0aa`, `123123123…`)."""
    return template(value) or filler(value.strip().strip("\"'`"))


def template(value: str) -> bool:
    """`placeholder` without the filler test: templates, example words, scrubbed values."""
    v = value.strip().strip("\"'`")
    return (
        not v
        or "EXAMPLE" in v
        or bool(_PLACEHOLDER.fullmatch(v))
        or bool(_NOT_SECRET_WORDS.search(v))
        or bool(_NOT_SECRET_INFIX.search(v))
        or bool(_SCRUBBED.search(v))
        or len(set(v)) == 1
    )


_NEXT_CHAR = {c: c + 1 for c in range(128)}
_SEPARATORS = re.compile(r"[-_.]")
_RUN_OF_TEN = b"\0" * 9  # nine successor pairs in a row
_ZEROS_8 = b"\0" * 8
_PERIODIC = re.compile(r"(.{1,4}?)\1{2,}")


def filler(value: str, min_len: int = 16) -> bool:
    """Typed rather than generated: mostly ascending runs (`abcdefg`, `123456`, `a1b2c3-d4e5`, the
    alphabet constant `0123…xyz`) or one short period repeated (`123123123…`, `aaaa…`).
    `min_len`: shorter values are judged on repeats only (a person's password often ends in
    `123456` and is still theirs; a key or token is not typed that way)."""
    v = value.lower()
    n = len(v)
    if n < 3:
        return False
    if n <= 8 and sequential(v):
        return True
    ordered = _SEPARATORS.sub("", v)
    n = len(ordered)
    if n >= min_len and ordered.isascii():
        v = ordered
        shifted = v.translate(_NEXT_CHAR)  # each character replaced by its successor
        for step in (1, 2):
            # Positions where v[i + step] is v[i]'s successor, counted at C speed as equal bytes.
            diff = _equal_at(shifted[: n - step].encode(), v[step:].encode())
            if diff.count(0) >= 0.6 * (n - step) or (step == 1 and _RUN_OF_TEN in diff):
                return True  # mostly ascending, or one run of ten (`klmnopqrst`): never generated
    if v.isascii() and not _repeats(v.encode()):
        return False
    return any(len(m.group()) >= max(8 + len(m.group(1)), 0.4 * n) for m in _PERIODIC.finditer(v))


def _equal_at(a: bytes, b: bytes) -> bytes:
    """A zero byte wherever `a` and `b` (of one length) hold the same byte: XOR at C speed."""
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def _repeats(b: bytes) -> bool:
    """Whether b[i] equals b[i + period] at eight positions in a row, for a period of 1-4: what a
    match of `_PERIODIC` long enough to count in `filler` needs (a period repeated over at least
    8 + period characters)."""
    for period in range(1, 5):
        size = len(b) - period
        if size < 8:
            return False
        if _ZEROS_8 in _equal_at(b[period:], b[:size]):
            return True
    return False


_SEGMENT = re.compile(r"[A-Za-z0-9]+")
_LETTER_PIECE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_CONSONANTS_4 = re.compile(r"[^aeiou]{4}")


def _word_like(piece: str) -> bool:
    """Pronounceable and word-sized (a piece of ASCII letters): vowels in it, no four consonants
    in a row."""
    p = piece.lower()
    if not 3 <= len(p) <= 12:
        return False
    vowels = sum(map(p.count, "aeiou"))
    return 0.2 <= vowels / len(p) <= 0.7 and _CONSONANTS_4.search(p) is None


def wordy(value: str, share: float = 0.6) -> bool:
    """Made of words (`SalesResults-1.2`, `hellOworld380_testin`, `DOC_Vector_5_32`): an
    identifier or a label, not a generated key. Generated text rarely splits into word-sized,
    pronounceable pieces covering most of it."""
    alnum = sum(map(str.isalnum, value))
    if not alnum:
        return False
    words = 0
    for segment in _SEGMENT.findall(value):
        pieces = _LETTER_PIECE.findall(segment)
        # A three-letter piece counts only as a whole segment (`DOC_…`): inside generated text
        # short pronounceable runs (`Seb`, `Gh4Reo`) come up by chance.
        words += sum(len(p) for p in pieces if (len(p) > 3 or p == segment) and _word_like(p))
    return words >= share * alnum


def code_reference(value: str) -> bool:
    """An identifier, attribute path or call: code that reads a secret, not the secret itself."""
    v = value.strip()
    if "(" in v or v.startswith(("os.", "process.env", "ENV[", "env(", "getenv", "$")):
        return True
    return bool(_IDENT_PATH.fullmatch(v)) and not any(c.isdigit() for c in v)


def sequential(value: str) -> bool:
    low = value.lower()
    return low in "abcdefghijklmnopqrstuvwxyz" or low in "0123456789" or low in "qwertyuiopasdfghjklzxcvbnm"


def key_token(value: str, min_len: int = 8) -> bool:
    """A provider key body: long enough, not a template or filler, not words (the prefix is
    evidence already, so only a body made almost entirely of words is let go)."""
    return (
        len(value) >= min_len
        and not placeholder(value)
        and len(set(value)) >= 6
        and not wordy(value)
        and not filler(value, 10)
    )


def jwt(value: str) -> bool:
    """The header decodes to a JSON object: `eyJ` alone also starts base64 of any `{"…`."""
    head = value.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    return decoded.startswith("{") and decoded.rstrip().endswith("}") and '"' in decoded


def slack_token(value: str) -> bool:
    """Slack tokens carry numeric team/user ids: filler like `xoxb-your-token-here` has none."""
    return key_token(value) and sum(c.isdigit() for c in value) >= 4


def random_token(value: str, min_len: int = 12, min_entropy: float = 3.0) -> bool:
    """For generic names (`token`, `key`, `auth`): only high-entropy, mixed values count, so
    `max_tokens = 100` and `key = "user_settings"` survive."""
    v = value.strip()
    if len(v) < min_len or placeholder(v) or code_reference(v) or sequential(v) or wordy(v):
        return False
    if _DOTTED_CODE.fullmatch(v) or "://" in v or _VERSIONED.fullmatch(v):
        return False  # `X25519.KeyPair`, `kVK_Return.u16`, a host name or a URL: code or an address
    if entropy(v) < min_entropy:
        return False
    has_digit = any(c.isdigit() for c in v)
    has_alpha = any(c.isalpha() for c in v)
    mixed_case = any(c.isupper() for c in v) and any(c.islower() for c in v)
    if v.replace("_", "").replace("-", "").replace(".", "").isalpha() and v.lower() == v:
        return False  # snake/kebab words: an identifier or prose, not a key
    return has_alpha and (has_digit or mixed_case or len(v) >= 24)


def email(value: str) -> bool:
    local, _, domain = value.rpartition("@")
    tld = domain.rsplit(".", 1)[-1].lower()
    # `icon@2x.png` is an asset name; `git@github.com` is an SSH remote, not a person.
    return local != "git" and (tld not in _FILE_EXTS or tld in AMBIGUOUS_TLDS) and not documentation_address(value)


# Domains that can never hold a mailbox (RFC 2606, RFC 6761): example.com/.net/.org and the
# .example, .test, .invalid and .localhost top-level domains.
_RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})
# Local parts that stand for "some user" in docs and tests. A person's name at a reserved domain
# (`maria.gonzalez@example.com`) is still replaced: the domain is made up, the name may not be.
_PLACEHOLDER_LOCALS = frozenset(
    "test tester testing user username dev developer example foo bar baz someone somebody name yourname "
    "your.name your_name you me email mail youremail your.email noreply no-reply nobody anonymous demo "
    "sample placeholder admin info hello contact webmaster postmaster root".split()
)


def documentation_address(value: str) -> bool:
    """`test@example.com`, `user@app.test`, `<dev@example.com>`: a placeholder user at a domain
    reserved for documentation, not an address anyone reads."""
    local, _, domain = value.lower().rpartition("@")
    if local not in _PLACEHOLDER_LOCALS:
        return False
    return domain in _RESERVED_DOMAINS or domain.endswith(tuple("." + d for d in _RESERVED_DOMAINS)) or (
        domain.rsplit(".", 1)[-1] in _RESERVED_TLDS
    )


# Real top-level domains that are also file extensions: the email rule asks its context about them.
AMBIGUOUS_TLDS = frozenset("rs md py zip sh so pl pm ps ms mov ai".split())
_FILE_EXTS = frozenset(
    "png jpg jpeg gif svg webp ico bmp js mjs ts tsx jsx css scss py rb go rs java json yaml yml "
    "toml md txt html htm map lock whl tar gz zip so dll exe pdf".split()
)

"""Secrets with no known prefix, caught by where they sit: a session cookie, a JWK's private
members, a Kubernetes `Secret`'s data, a constant holding a random literal, a log line or a
sentence that says "credential" or "pasted", a `Name value` config directive, a generated value
split across two string literals. Prose in other languages is prose.py's.

A random-looking value is only replaced inside such a context: the same string in ordinary code
(an asset hash, a test vector) stays.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from . import assign
from .family import Family
from .rule import Rule
from .validators import code_reference, entropy, placeholder, random_token, wordy

SECRET = "<SECRET>"
_HEX = re.compile(r"[0-9a-fA-F]+")
_PATHISH = re.compile(r"[./~]?/[\w.-]+(?:/[\w.-]*)+")


def strict_random(value: str, min_len: int = 24) -> bool:
    """Generated, not written: long, upper and lower case and digits, high entropy, not hex."""
    v = value.strip()
    if len(v) < min_len or placeholder(v) or wordy(v) or _HEX.fullmatch(v) or _PATHISH.fullmatch(v):
        return False
    if not (any(c.isupper() for c in v) and any(c.islower() for c in v) and any(c.isdigit() for c in v)):
        return False
    return entropy(v) >= 4.0 and random_token(v, min_len, 4.0)


def context_token(value: str) -> bool:
    """A token right after "credential", "pasted", "token": random enough, not a word or a path."""
    v = value.rstrip(".,;:!?")
    if len(v) < 16 or placeholder(v) or wordy(v) or code_reference(v) or "://" in v or _PATHISH.fullmatch(v):
        return False
    if not (any(c.isdigit() for c in v) and any(c.isalpha() for c in v)):
        return False
    return entropy(v) >= 3.3


def _context_ok(m: Any) -> bool:
    """After words and a colon (`the token you asked for: …`) the value must look generated, since
    prose puts anything after a colon; right after the keyword, a token-shaped value is enough."""
    value: str = m.group("value")
    if not context_token(value):
        return False
    if m.group("words") is None:
        return True
    v = value.rstrip(".,;:!?")
    return strict_random(v, 16) or (len(v) >= 32 and bool(_HEX.fullmatch(v)))


def _k8s_data(m: Any) -> bool:
    """The line sits directly under `data:` (a Kubernetes Secret's base64 values), and decodes."""
    text: str = m.string
    indent = len(m.group("ind").expandtabs())
    pos = m.start()
    for _ in range(200):
        end = pos - 1
        if end < 0:
            return False
        lo = max(0, end - 4096)
        pos = text.rfind("\n", lo, end) + 1
        if pos == 0 and lo > 0:
            return False  # a line longer than any YAML data line
        line = text[pos:end]
        stripped = line.strip()
        if not stripped:
            continue
        if len(line) - len(line.lstrip()) < indent:
            if stripped not in ("data:", "binaryData:"):
                return False
            break
    value: str = m.group("value")
    try:
        base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return not placeholder(value)


def _jwk(m: Any) -> bool:
    text: str = m.string
    near = text[max(0, m.start() - 2000) : m.end() + 2000]
    return '"kty"' in near and not placeholder(m.group("value"))


def _named_or_random(m: Any) -> bool:
    """A constant or setting: a secret name with a literal, or any name with a generated value."""
    value: str = m.group("value")
    if len(value) >= 6 and assign.squash(value) in assign.squash(m.group("name")):
        return False  # the constant names itself
    level = assign.strength(m.group("name"))
    if level in ("password", "strong"):
        return not placeholder(value) and not code_reference(value)
    if level == "weak":
        return random_token(value)
    return strict_random(value)


# `IMAGE_ID`, `COMMIT_ID`, `TRACE_ID`: names of digests and runs, whose 64 hex are no secret.
_DIGEST_NAMES = re.compile(
    r"IMAGE|CONTAINER|COMMIT|SHA|DIGEST|LAYER|BUILD|TRACE|SPAN|REQUEST|RUN|HASH|CHECKSUM|BLOB|TREE"
)


def _credential_id(m: Any) -> bool:
    return "_" in m.group("name") and not _DIGEST_NAMES.search(m.group("name")) and not placeholder(m.group("value"))


def _directive(m: Any) -> bool:
    """`AuthLDAPBindPassword Xk9…` (Apache, pgbouncer, mosquitto): a one-word setting whose name says
    password or secret, then one value; the value must hold a digit and a letter (a line of prose
    such as `Password required` stays)."""
    name = m.group("pre") + m.group("kw") + m.group("post")
    value: str = m.group("value")
    return (assign.strength(name) in ("password", "strong") and assign.prose_value(value)
            and not placeholder(value) and not code_reference(value) and not value.startswith(("$", "%", "/")))


def _split_halves(m: Any) -> bool:
    return strict_random(m.group("first"), 16) and strict_random(m.group("value"), 16)


_CONTEXT_FAMILY = Family(
    "context_secret",
    (
        Rule(
            "secret",
            # Session cookies and ids: `_gitlab_session=…`, `PHPSESSID=…`, `connect.sid=s%3A…`
            r"(?<=(?<![\w.-])(?P<pre>[\w.-]{0,40}))(?i:sess(?:ion)?(?:id)?|sid)[\w.-]{0,20}="
            r"(?P<value>[A-Za-z0-9%+/=._:-]{16,4096})",
            SECRET,
            validator=lambda s: random_token(s, 16, 3.0),
            anchors=("sess", "sid"),
        ),
        Rule(
            "secret",
            # A JWK's private members (RFC 7518): d, p, q, dp, dq, qi; k for a symmetric key.
            r'"(?:d|p|q|dp|dq|qi|k)"[ \t]*:[ \t]*"(?P<value>[A-Za-z0-9_-]{16,})"',
            SECRET,
            check=_jwk,
            prefilter=('"kty"',),
        ),
        Rule(
            "secret",
            # Kubernetes Secret `data:` values (base64 of anything, a PEM key included).
            r"(?m)^(?P<ind>[ \t]+)[\w.-]{1,253}:[ \t]+[\"']?(?P<value>[A-Za-z0-9+/]{4,}={0,2})[\"']?[ \t]*\r?$",
            SECRET,
            check=_k8s_data,
            prefilter=("kind: Secret",),
        ),
        Rule(
            "secret",
            # AWS STS session tokens: a fixed base64 prefix (`{"…aws` / `origin_ec`).
            r"(?<![A-Za-z0-9+/])(?:FwoGZXIvYXdzE|IQoJb3JpZ2luX2Vj)[A-Za-z0-9/+=]{40,}",
            SECRET,
            anchors=("fwogzxivyxdze", "iqojb3jpz2lux2vj"),
        ),
        Rule(
            "secret",
            # Constants: `const KEY: &str = "…"` (Rust), `const x = "…"` (JS, Go, C++)
            r"(?<![\w$])const[ \t]+(?:(?:mut|final|readonly|public|private|String|string|char|auto|let)[ \t*]+)*"
            r"(?P<name>[A-Za-z_$][\w$]{0,80})(?:\[[0-9]{0,6}\])?[ \t]*"
            r"(?::[ \t]*&?(?:'static[ \t]+)?[\w\[\]<>]{1,40}[ \t]*)?"
            r"=[ \t]*[bru]?\"(?P<value>[^\"\n\\]{16,500})\"",
            SECRET,
            check=_named_or_random,
            anchors=("const",),
        ),
        Rule(
            "secret",
            # An environment variable named `…_ID` holding 64 hex characters is a reporter or
            # client credential (`CC_TEST_REPORTER_ID`), unless it names a digest or a build.
            r"(?=_ID[\"']?[ \t]*[:=][ \t]*[\"']?[0-9a-fA-F]{64})(?<=(?<![\w$.-])(?P<name>[A-Z][A-Z0-9_]{0,60}))"
            r"_ID[\"']?[ \t]*(?::|=)[ \t]*[\"']?"
            r"(?P<value>[0-9a-f]{64}|[0-9A-F]{64})(?![0-9A-Za-z])",
            SECRET,
            check=_credential_id,
            anchors=("_id",),
        ),
        Rule(
            "secret",
            # .NET appSettings: <add key="…" value="…"/>
            r'(?<=<)add[ \t]+key="(?P<name>[^"\n]{1,100})"[ \t]+value="(?P<value>[^"\n]{1,1000})"',
            SECRET,
            check=_named_or_random,
            anchors=("add",),
        ),
        Rule(
            "password",
            # A config directive line `Name value`: the name ends in the secret word, one value ends the line
            r"(?<=(?:^|\n)[ \t]{0,40}(?P<pre>[A-Za-z][A-Za-z0-9_.-]{0,60}))(?P<kw>(?i:pass(?:word|wd|phrase)|secret))"
            r"(?P<post>[A-Za-z0-9_]{0,20}+)[ \t]++(?P<q>[\"']?+)(?P<value>[^\s\"']{6,200}+)(?P=q)[ \t]*(?=\r?\n|$)",
            "<REDACTED>",
            check=_directive,
            anchors=("password", "passwd", "passphrase", "secret"),  # not `pass`: Python's statement
        ),
        Rule(
            "secret",
            # A generated value split across two string literals to get past a scanner: both halves random
            r"(?<=[\"'](?P<first>[A-Za-z0-9+/=_-]{16,200})[\"'][ \t\\\r\n]{0,12})\+[ \t\r\n]{0,40}+[\"']"
            r"(?P<value>[A-Za-z0-9+/=_-]{16,200}+)[\"']",
            SECRET,
            check=_split_halves,
            prefilter=("+",),
        ),
        Rule(
            "secret",
            # Log lines and prose: "loaded credential …", "I accidentally pasted …", "Unseal Key 2: …"
            # not one field of a colon path (`arn:aws:secretsmanager:…:secret:api-token-Xy12Ab`)
            r"(?i)(?<![\w:-])(?:credential|pasted|leaked|exposed|unseal(?:[ \t]+key)?|root[ \t]+token|token|secret"
            r"|api[ _-]?key|access[ \t]+key|password|passphrase|passwd)s?(?![\w-])"
            # a few words before a colon (`pasted my key earlier:`, `token you asked for:`), or a
            # number, a verb or a preposition
            r"(?:(?P<words>(?:[ \t]+[\w'’-]{1,20}){1,5}?)[ \t]*:|(?:[ \t]+[0-9]{1,2})?"
            r"(?:[ \t]+(?:is|was|are|of|for|in|into|here|below|to|-))?+[ \t]*+[:=]?+)[ \t]*+[\"'`]?+"
            # The separators and the value are read once, possessively (a `.` or `!` is part of
            # the value only inside it: one before a space, a quote or the end ends the
            # sentence): a lazy value tried every length at every keyword of "password=password=…".
            r"(?P<value>(?:[A-Za-z0-9+/_=~@#$%^&*-]|[.!](?![\s\"'`]|$)){16,300}+)[\"'`]?(?=[\s,;)]|[.!?](?:\s|$)|$)",
            SECRET,
            check=_context_ok,
            anchors=("credential", "pasted", "leaked", "exposed", "unseal", "root", "token", "secret",
                     "api", "access", "password", "passphrase", "passwd"),
        ),
    ),
    match=(
        ("Cookie: _gitlab_session=a298diba8hjnlqmcw9zldnga8zplqjhp; path=/", "a298diba8hjnlqmcw9zldnga8zplqjhp"),
        ("Set-Cookie: PHPSESSID=9f2kq8v1m3n5b7c0x4z6l8p2; HttpOnly", "9f2kq8v1m3n5b7c0x4z6l8p2"),
        ('{"user": 7, "session": "Zk29fLq81mNw3XcV7pR0tYb5"}', "Zk29fLq81mNw3XcV7pR0tYb5"),
        ('{"kty": "EC", "crv": "P-256", "d": "q8Zr2LmX0vNb7Tk4WcYp9sQe", "x": "abc"}', "q8Zr2LmX0vNb7Tk4WcYp9sQe"),
        ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: UzNjcjN0UGFzcw==\n  user: YWRtaW4=\n",
         "UzNjcjN0UGFzcw=="),
        ("kind: Secret\ndata:\n  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t\n",
         "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t"),
        ('const SIGNING: &str = "Qm9xT3Zk7LpR2sWn8YcE4vHa";', "Qm9xT3Zk7LpR2sWn8YcE4vHa"),
        ('<add key="StorageKey" value="k9Vw2PqL7xZr4TbN8mYc3Fs6";/>', "k9Vw2PqL7xZr4TbN8mYc3Fs6"),
        ('<add key="Upstream" value="Hq7pW2zLx9Nc4Rt8Vb3Km6Yd1Sg5"/>', "Hq7pW2zLx9Nc4Rt8Vb3Km6Yd1Sg5"),
        ("2024-03-18 09:14:02 DEBUG [auth] loaded credential bz3fnfwvwywgbii2wigdrkcv95f61x for id=7",
         "bz3fnfwvwywgbii2wigdrkcv95f61x"),
        ("I accidentally pasted 4b1d6Bp0ZkRwxbRFjROGBu4y43MN2x into the ticket", "4b1d6Bp0ZkRwxbRFjROGBu4y43MN2x"),
        ("Unseal Key 2: 0tZn+7QQCxphpHwTm7/dC3LpP5JGIbYl3PK8Sy81R+P2", "0tZn+7QQCxphpHwTm7/dC3LpP5JGIbYl3PK8Sy81R+P2"),
        ("Oops, I accidentally pasted my key earlier: 9fK2pL7qX4mZ8vR1tN6wB3cY5hD0gJ2s, please ignore it",
         "9fK2pL7qX4mZ8vR1tN6wB3cY5hD0gJ2s"),
        ("Here is the token you asked for: Gh7Tq2Lm9Zx4Vp8Rn1Wc6Yb3Hs5Fd0Jk", "Gh7Tq2Lm9Zx4Vp8Rn1Wc6Yb3Hs5Fd0Jk"),
        ("the secret for the staging webhook: 5c1f0e9a7b3d2c4e6f8a0b1c2d3e4f5a", "5c1f0e9a7b3d2c4e6f8a0b1c2d3e4f5a"),
        ("env:\n  CC_TEST_REPORTER_ID: 945dfb58a832d233a3caeb84e3e6d3be212e8c7abcb48117fce63b9adcb43647",
         "945dfb58a832d233a3caeb84e3e6d3be212e8c7abcb48117fce63b9adcb43647"),

        ("<Location /ldap>\n  AuthLDAPBindPassword Lm5IksVA8m+224\n</Location>", "Lm5IksVA8m+224"),
        ("admin_password Pg7bouncer!x\nlisten_port 6432", "Pg7bouncer!x"),
        ('API_KEY = "vTHGuTEVuWF6lkOrWggasmuPB9FF" + "Lbe44ay9yE0IDx6LxmzSNzfW4cSR"', "Lbe44ay9yE0IDx6LxmzSNzfW4cSR"),
        ("const token = 'o4cmRGTNTQrW20KAgLc0WwR0HQoQ' +\n  '0dWajqy1FU41liLoNmrLnAwsGq';",
         "0dWajqy1FU41liLoNmrLnAwsGq"),
        ('secret = "Kd8fG2hJ4kLm9nBv3cXz7qWe" \\\n   + "Pl5oKi8uJy2hTg6rFe4dSw9a"', "Pl5oKi8uJy2hTg6rFe4dSw9a"),
    ),
    keep=(
        'const VERSION: &str = "1.24.0-beta.3";',
        'const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";',
        'static final String TEST_SHA = "3f786850e387550fdab836ed7e6dc881de23001b";',
        '<add key="webpages:Version" value="3.0.0.0" />',
        '{"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"}',
        "data:\n  replicas: 3\n",
        "the session token expires after 24 hours of inactivity",
        "Pasted the stack trace into ticket 4411 for review.",
        "Token usage for this run: gpt-4o-mini-2024-07-18 with 1200 tokens",
        "the secret sauce of this release: SalesResults-1.2 and DOC_Vector_5_32",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-token-Xy12Ab",
        "token = tokenizer.next_token()",
        "set session_timeout=30m for the api",
        "DOCKER_IMAGE_ID=3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed",
        "GIT_COMMIT_ID: 3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed",
        '"Id": "3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed"',

        "Password required",
        "  AuthLDAPBindPassword ${LDAP_BIND_PW}",
        "PasswordAuthentication no",
        "password_encryption scram-sha-256",
        'url = "https://cdn.example.com/" + "assets/app.min.js"',
        'msg = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz"',
    ),
)

FAMILIES = [_CONTEXT_FAMILY]

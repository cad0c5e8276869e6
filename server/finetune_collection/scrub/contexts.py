"""Secrets with no known prefix, caught by where they sit: a session cookie, a JWK's private
members, a Kubernetes `Secret`'s data, a constant holding a random literal, a log line or a
sentence that says "credential" or "pasted", a password given in prose in another language.

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
            "secret",
            # Log lines and prose: "loaded credential …", "I accidentally pasted …", "Unseal Key 2: …"
            r"(?i)(?<![\w-])(?:credential|pasted|leaked|exposed|unseal(?:[ \t]+key)?|root[ \t]+token|token|secret"
            r"|api[ _-]?key|access[ \t]+key|password|passphrase|passwd)s?(?![\w-])(?:[ \t]+[0-9]{1,2})?"
            r"(?:[ \t]+(?:is|was|are|of|for|in|into|here|below|to|-))?+[ \t]*+[:=]?+[ \t]*+[\"'`]?+"
            # The separators and the value are read once, possessively (a `.` or `!` is part of
            # the value only inside it: one before a space, a quote or the end ends the
            # sentence): a lazy value tried every length at every keyword of "password=password=…".
            r"(?P<value>(?:[A-Za-z0-9+/_=~@#$%^&*-]|[.!](?![\s\"'`]|$)){16,300}+)[\"'`]?(?=[\s,;)]|[.!?](?:\s|$)|$)",
            SECRET,
            validator=context_token,
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
        ("env:\n  CC_TEST_REPORTER_ID: 945dfb58a832d233a3caeb84e3e6d3be212e8c7abcb48117fce63b9adcb43647",
         "945dfb58a832d233a3caeb84e3e6d3be212e8c7abcb48117fce63b9adcb43647"),
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
        "token = tokenizer.next_token()",
        "set session_timeout=30m for the api",
        "DOCKER_IMAGE_ID=3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed",
        "GIT_COMMIT_ID: 3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed",
        '"Id": "3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed"',
    ),
)

# Passwords in prose, in other languages: the keyword, a verb or colon, then the value. Keywords
# in ASCII are engine anchors; the others are only looked for in texts that are not ASCII (a
# search for a wider character in an ASCII string returns at once).
# English and Italian write `password`; French chat `mdp`, Spanish `clave`.
_ASCII_WORDS = ("passwort", "kennwort", "(?<=mot de )passe", "(?<=con)trase[ñn]a", "senha", "wachtwoord", "passord",
                "salasana", "heslo", "adgangskode", "parola", "jelsz[óo]", "sifre", "(?<=l[öo])senord", "password",
                "passphrase", "(?<![\\w])mdp", "(?<![\\w])clave", "(?<![\\w])pw(?![\\w])")
_ASCII_ANCHORS = ("passwort", "kennwort", "passe", "trase", "senha", "wachtwoord", "passord", "salasana", "heslo",
                  "adgangskode", "parola", "jelsz", "sifre", "senord", "password", "passphrase", "mdp", "clave", "pw ",
                  "pw:")
_WIDE_WORDS = ("пароль", "Пароль", "パスワード", "密码", "密碼", "비밀번호")
# Words between the keyword and its verb or colon: any few before a verb (`für den Testserver
# lautet`), or a phrase opened by a preposition before a colon (`от сервера:`, `for root:`).
_PREPOSITIONS = r"(?:for|of|on|to|für|von|vom|zum|de|du|des|del|della|do|da|di|van|voor|от|для|на)"
_JOIN = (
    r"[ \t]+(?:[\w'’]+[ \t]+){0,6}?(?:lautet|ist|est|es|era|é|è|is|är|er|on|je|jest|wynosi|war|était|fue|是|:)"
    r"|[ \t]+" + _PREPOSITIONS + r"(?:[ \t]+[^\s:：]{1,30}){1,3}?[ \t]*[:：]"
    r"|[ \t]*(?:は|：|:|=|是|为|為|는|은|で)"
)
_VALUE_TAIL = (
    r"[ \t]*[:：]?[ \t]*[\"'«„“「『]?"
    r"(?P<value>[!#-&(-~]{4,100}?)(?=[\"'»“”」』]?[.,;!?。、]*(?:[^!-~]|$))"
)
_FOREIGN_TAIL = "(?:" + _JOIN + ")" + _VALUE_TAIL
# Russian, Chinese and Korean chat also just juxtapose (`логин root, пароль Xk9…`): a value with a digit.
_WIDE_TAIL = "(?:" + _JOIN + r"|[ \t]+(?=[!-~]{0,99}[0-9]))" + _VALUE_TAIL


# One literal per word: each is a search of every text that is not ASCII, so the list stays short
# (Russian, Japanese, Chinese, Korean; other scripts' words are not looked for).
_WIDE_HINTS = ("ароль", "パスワード", "密码", "密碼", "비밀번호")


# `pw[:-1]`, `auth[2]`, `get(x)`: an index or a call after `password =` in code, not a password.
_CODE_VALUE = re.compile(r"[A-Za-z_$][\w$.]*[\[(]")


def _prose_password(value: str) -> bool:
    if placeholder(value) or "://" in value or _CODE_VALUE.match(value):
        return False
    return assign.prose_value(value)


_PROSE_FAMILY = Family(
    "foreign_prose_password",
    (
        Rule(
            "password",
            "(?i:" + "|".join(_ASCII_WORDS) + ")" + _FOREIGN_TAIL,
            "<REDACTED>",
            validator=_prose_password,
            anchors=_ASCII_ANCHORS,
        ),
        Rule(
            "password",
            "(?:" + "|".join(re.escape(w) for w in _WIDE_WORDS) + ")" + _WIDE_TAIL,
            "<REDACTED>",
            validator=_prose_password,
            prefilter=_WIDE_HINTS,
            wide=True,
        ),
        Rule(
            "password",
            # `creds for staging: ops / Xk9…`, `login: root / Xk9…`: a user and a password as a pair
            r"(?i)(?<![\w])(?:creds|credentials)(?:[ \t]+[^\s:/]{1,20}){0,3}[ \t]*:[ \t]*"
            r"[\w.@+-]{1,64}[ \t]+/[ \t]+(?P<value>[!-~]{6,100}?)(?=[.,;]?(?:\s|$))",
            "<REDACTED>",
            validator=_prose_password,
            anchors=("creds", "credential"),
        ),
    ),
    match=(
        ("Das Passwort lautet Sommer2024! und gilt ab heute.", "Sommer2024!"),
        ("Mein Passwort für den Server ist Xk9#mP2qL.", "Xk9#mP2qL"),
        ("Pour la base, le mot de passe est Tr0ub4dor&3 .", "Tr0ub4dor&3"),
        ("la contraseña es Hola1234 para el wifi", "Hola1234"),
        ("パスワードはhunter2xyzです", "hunter2xyz"),
        ("密码是Abc12345，请保管好", "Abc12345"),
        ("The wifi password for the office is Xw611SJ@249 btw", "Xw611SJ@249"),
        ("La contraseña de la base de datos es Np41tSyJ*857 y el usuario es root.", "Np41tSyJ*857"),
        ("La password del router è Xw7383sP6&433, l'utente è admin.", "Xw7383sP6&433"),
        ("identifiant : support / mdp : Ds8vPAF%617", "Ds8vPAF%617"),
        ("usuario: admin, clave: HmlH7cgmoT&242", "HmlH7cgmoT&242"),
        ("Пароль от сервера: Xw3Frdwwr1-167", "Xw3Frdwwr1-167"),
        ("логин root, пароль GcyeRZx3+916", "GcyeRZx3+916"),
        ("creds for staging: ops / Npx9OJ0RH1@160", "Npx9OJ0RH1@160"),
        ("login is deploy and the pw is Dsbzd0qwMx+790", "Dsbzd0qwMx+790"),
    ),
    keep=(
        "Das Passwort ist falsch.",
        "le mot de passe est incorrect",
        "la contraseña es obligatoria",
        "パスワードは8文字以上です",
        "Passwort: ********",
        "The password you entered is incorrect.",
        "password reset link: https://id.example.com/reset?v=2",
        "The password for user 3 is required",
        "пароль должен содержать 8 символов",
        "login: admin / password",
        "clave primaria: id",
        "the pw is in the vault",
    ),
)

FAMILIES = [_CONTEXT_FAMILY, _PROSE_FAMILY]

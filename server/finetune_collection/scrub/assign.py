"""Secret assignments in code and config: `password = "…"`, `API_KEY=…`, `--token …`, `<secret>…`.

One pattern covers Python, JS/TS, Go, YAML, JSON, TOML, .env, shell `export`, CLI flags and XML
(and a whole unquoted line value with brackets in it, `apikey = m{{h}o)p${e]nob(ody`);
`check_*` then decide from the NAME (which words it is made of) and the value's shape whether
the value is a literal secret or code that only reads one (`os.environ["DB_PASSWORD"]`,
`password = getpass()`, `password: str`). Only the value is replaced, so code still parses.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .validators import code_reference, entropy, filler, placeholder, random_token

# The match starts AT the keyword (an engine anchor); the rest of the name sits in a lookbehind.
_NAME = r"(?<=(?<![\w$.@-])(?P<pre>[\w$.@-]{0,120}))(?P<kw>(?i:%s))(?P<post>[\w$.-]{0,40}+(?:\[[0-9]{0,6}\])?)"
# Whitespace alone separates a name from its value only before a quote, after a flag
# (`--password x`) or on a Dockerfile ENV/ARG line: in prose (`token alpha`) the pattern fails at
# once instead of handing every such pair to the checks below.
_VALUE = r"""
(?:
   (?P<sep>["'\]]{0,2}[ \t]*(?::[ \t]*[A-Za-z_&*'][\w.\[\]|,<>&' ]{0,40}?[ \t]*(?==))?
          (?::=|=>|===?|!==?|\+?=|:)[ \t]*(?:!!?[A-Za-z]{1,20}[ \t]+)?
          |[ \t]+(?:is|was)[ \t]+(?:now[ \t]+|still[ \t]+)?(?=[^\s])
          |[ \t]+(?=[rbuRBUf@$]{0,2}["'`])
          |(?<=(?<![\w$.@-])-[\w$.@-]{0,80}|(?:^|\n)[ \t]*(?:ENV|ARG)[ \t]+[\w$.-]{1,120})[ \t]+
          |["'][ \t]*(?:,|[ \t]value[ \t]*=)[ \t]*(?=["']))
   (?:(?:(?:\[\](?:byte|rune)|[Bb]uffer\.from|String::from|bytes|Encoding\.\w{1,10}\.GetBytes)\([ \t]*)?
     [rbuRBUf@$]{0,2}(?P<kq>\\?["'`])(?P<value>(?:(?!(?P=kq))(?:[^\n\\]|\\.)){1,4000})(?:(?P=kq)|(?P<ku>)(?=\r?\n|$))
     |\{(?P<kc>)(?P<value>[^{}\s"':,;]{1,200})\}(?=[;"'\s]|$)
     |(?=[^\s"'`;,&|<>]{0,40}[(){}\[\]])(?<=(?:^|\n)[ \t]*(?:export[ \t]+)?[^\s=:]{1,80}[ \t]*(?::=|=|:)[ \t]*)
        (?P<kl>)(?P<value>[^\s"'`;,&|<>][^\s]{5,499}?)(?=[,;"'`]?[ \t]*(?:\r?\n|$))
     |(?P<kb>)(?P<value>[^\s"'`;,&|<>()\[\]{}=][^\s"'`;,&|<>()\[\]{}]{0,499}+)(?![(\[<])(?<!:))
 | >(?P<kx>)(?P<value>[^<\n]{1,200})</
 | ["'](?<=(?:name|key)[ \t]*=[ \t]*["'][^"'<>\n]{1,200}["'])[^<>\n]{0,200}?>(?:[ \t]*<value>)?
   (?P<ka>)(?P<value>[^<\s]{1,200})</
)
"""


def pattern(keywords: str) -> str:
    return "(?x)" + _NAME % keywords + _VALUE


# Digits are not part of a word (`refresh_token1`, `KEY2`): they are dropped from the segments.
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_PASSWORD_SEGS = {"password", "passwd", "pass", "pwd", "pw", "passphrase", "passcode", "pswd", "pword"}
_PASSWORD_SUBSTR = ("password", "passwd", "passphrase")
_STRONG_SEGS = {
    "secret",
    "secrets",
    "credential",
    "credentials",
    "apikey",
    "secretkey",
    "privatekey",
    "accesskey",
    "authtoken",
    "accesstoken",
    "refreshtoken",
    "clientsecret",
    "apitoken",
}
_STRONG_PAIRS = {
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("auth", "token"),
    ("access", "token"),
    ("refresh", "token"),
    ("api", "token"),
    ("bot", "token"),
    ("session", "token"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("account", "key"),
    ("service", "key"),
    ("bearer", "token"),
    ("client", "key"),
    ("auth", "key"),
    ("app", "key"),
    ("license", "key"),
}
_WEAK_SEGS = {"token", "key", "auth", "apikeys", "keys", "session", "sessionid", "sessid", "sid", "cookie"}
# One-word names that end in a secret word: `identitytoken`, `clientsecret`, `secrete`.
_SUFFIX_LEVEL = (("password", "password"), ("passwd", "password"), ("pass", "password"), ("psk", "password"),
                 ("secret", "strong"), ("apikey", "strong"), ("token", "weak"), ("key", "weak"))
# Words that end in `pass` and say nothing of a password (`requirepass`, `rootpass` do).
_NOT_PASS = {"bypass", "compass", "surpass", "trespass", "encompass", "overpass", "underpass", "multipass", "subpass",
             "renderpass", "firstpass", "onepass", "twopass", "singlepass", "highpass", "lowpass", "bandpass",
             "allpass"}
# Names that hold ABOUT a secret, not the secret: `token_count`, `max_tokens`, `password_field`.
_SKIP_LAST = set(
    "count counts len length size limit limits max min type types name names field fields file "
    "files path paths dir url uri urls endpoint env var vars header headers id ids prefix suffix "
    "param params label placeholder policy ttl expiry expires expiration regex pattern format mode "
    "version index kind class store manager provider input hint help title description enabled "
    "required location ref timeout reset changed strength error errors message msg prompt "
    "validator rules visible column cls schema store usage budget estimate method attr arg args "
    "option options flag flags spec location parser stdin hash_algorithm algorithm algo encoding "
    "lifetime duration ms seconds secs minutes age hash hashed digest hasher hashers validators backends "
    "handlers classes providers policies encoder encoders".split()
)
_SKIP_FIRST = set(
    "max min num n total count is has use show enable allow require reset forgot validate check "
    "verify get set on handle cache sort primary foreign partition hash dict map lookup row hot "
    "idempotency i18n translation cursor group routing object unique composite next page "
    "pagination no disable sample public publishable authenticity csrf xsrf".split()
)
_TYPE_WORDS = {
    "str",
    "string",
    "bytes",
    "int",
    "bool",
    "secretstr",
    "optional",
    "any",
    "none",
    "number",
    "char",
    "text",
    "secretstring",
    "secretbox",
    "securestring",
}


# `auth.existingSecret`, `secretRef`: the name of a stored secret (Helm, Kubernetes), not one.
_REFERENCE_SEGS = {"existing", "ref"}


def segments(name: str) -> list[str]:
    return [s.lower() for part in re.split(r"[^A-Za-z0-9]+", name) for s in _CAMEL.findall(part)]


@lru_cache(maxsize=4096)  # code repeats its names (`key`, `token`) thousands of times per file
def strength(name: str) -> str | None:
    """'password', 'strong', 'weak' or None (a name that is about a secret, not one)."""
    segs = segments(name)
    if segs[-3:] == ["access", "key", "id"]:
        return "weak"  # `aws_access_key_id`: an id, but half of a credential pair
    if not segs or segs[-1] in _SKIP_LAST or (len(segs) > 1 and segs[0] in _SKIP_FIRST):
        return None
    if _REFERENCE_SEGS.intersection(segs):
        return None
    low = name.lower()
    if any(s in _PASSWORD_SEGS for s in segs) or any(s in low for s in _PASSWORD_SUBSTR):
        return "password"
    if any(s in _STRONG_SEGS for s in segs) or any(p in _STRONG_PAIRS for p in zip(segs, segs[1:], strict=False)):
        return "strong"
    if any(s in _WEAK_SEGS for s in segs):
        return "weak"
    if any(s.startswith("secret") for s in segs):
        return "strong"
    for suffix, level in _SUFFIX_LEVEL:
        if segs[-1].endswith(suffix) and segs[-1] not in _NOT_PASS:
            return level
    return None


_NAMEISH = re.compile(r"[A-Za-z_][\w.-]*")
_CAMEL_NAME = re.compile(r"[a-z]+(?:[A-Z][a-z]+)+")


def _names_a_secret(value: str) -> bool:
    """`"DB_PASSWORD"`, `"api_key"`: the value is itself a key name, as in a settings lookup."""
    return (
        bool(_NAMEISH.fullmatch(value))
        and strength(value) in ("password", "strong", "weak")
        and ("_" in value or "-" in value or value.isupper() or value.islower() or bool(_CAMEL_NAME.fullmatch(value)))
    )


# A YAML/Python block opener (`if not password: raise`), not a value.
_CODE_WORDS = {"raise", "return", "pass", "continue", "break", "yield", "await", "print", "else", "try", "del",
               "new", "function", "lambda", "require", "import", "typeof", "this", "self", "async", "fn"}
# A "value" that is really the code between two string literals: `"Password: " + get() + "`,
# `input("Password: ") == "`.
# A trailing operator counts only after a space or a call (`" + name + "`, `"…". $x ."`): a token
# may end in `.` or `+` (base64, a JWT cut before its signature).
_CONCAT = re.compile(
    r"^\s*(?:\)\s*(?:[=!]=|[+.,;)]|$)|\+|\.(?![\w])|\|\||\.\$|,\s*[\w$])|[\s)](?:\+|\.|\|\|)\s*$|\(\s*$"
)
# Values that are addresses or selectors, not secrets: ARNs, URNs, CSS selectors, URLs, paths.
_NOT_A_SECRET = re.compile(
    r"arn:aws[\w-]*:.*|urn:[\w.:%/-]+|[#.][A-Za-z][\w-]*|[a-z][a-z0-9+.-]*://\S*|[./~]?/[\w.@-]+(?:/[\w.@-]*)*"
)
_ENV_READS = ("process.env", "os.environ", "os.getenv", "import.meta.env", "ENV[", "ENV.fetch", "System.getenv")
# `getpass()`, `os.environ["X"]`, `cfg[key]`: code, not a value with brackets in it.
_CALL = re.compile(r"[A-Za-z_$][\w$.]*[!?]?[(\[]")  # `System.fetch_env!(…)`, `env!(…)` too
_ID_AND_PATH = re.compile(r"[\w.@-]{1,64}:(?:/[\w.@-]+){2,}/?")
_YAML_TAG = re.compile(r"!!?[A-Za-z]+")  # `password: !vault |`: the tag of a block that follows
_NO_SPACE_WORD = re.compile(r"[A-Za-z_][\w.-]*")
_PATH = re.compile(r"[~.]?/[\w.@-]+(?:/[\w.@-]+)+/?")  # `/etc/credstore/dbpass`: a file, not its content
_CMDLET = re.compile(r"[A-Z][A-Za-z]+-[A-Z][A-Za-z]+")  # PowerShell `Verb-Noun`: `$pw = ConvertTo-SecureString …`


def _paired_value(value: str) -> bool:
    """After `"NAME", "value"` (a call or a tuple) or `key="NAME" value="…"`: the value must look
    like a secret, since such pairs also list field names and labels (`("password", "email")`,
    `translate("password", "Mot de passe")`)."""
    if any(c.isspace() for c in value) or len(value) < 6 or value.startswith("-"):
        return False  # a space: prose; a dash: another flag (`add_argument("--api-key", "--apikey")`)
    return not _NO_SPACE_WORD.fullmatch(value) or random_token(value)


def _paired_password(value: str) -> bool:
    """After a password name or a flag (`put("mail.smtp.password", "…")`, `["--requirepass", "…"]`):
    a value written like a password (a digit among letters, or random), not another name or flag."""
    if any(c.isspace() for c in value) or value.startswith("-") or placeholder(value) or code_reference(value):
        return False
    return prose_value(value) and not _names_a_secret(value)


def long_number(value: str) -> bool:
    """All digits, 20 or more, not a run or a repeat: a numeric token (`DISCORD_TOKEN=8640…`);
    ids and timestamps are shorter (a snowflake id has 17-19 digits)."""
    return len(value) >= 20 and value.isdigit() and entropy(value) >= 2.8 and not filler(value)


def prose_value(value: str) -> bool:
    """`my password is Xk9#mP2qL`: prose says `the password is required` / `is too short` too,
    so the value must hold a digit and a letter, or be random."""
    v = value.rstrip(".!?")
    if len(v) < 6 or code_reference(v):
        return False
    return (any(c.isdigit() for c in v) and any(c.isalpha() for c in v)) or random_token(v, 6, 2.5)


_DOC_FIELD = re.compile(r"(?::param|:type|:arg|@param|@arg|\\param)[ \t]+(?:[\w\[\]|., ]+[ \t]+)?$")
_PROSE_AFTER = re.compile(r"[ \t]+[A-Za-z][a-z]*(?:[ \t,]|$)")


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _line_before(m: Any) -> str:
    """Up to 200 characters of the line before the name (a bounded look: a text with no newline
    and a candidate every few characters would otherwise cost the square of its length)."""
    start = m.start("pre") if m.group("pre") else m.start("kw")
    lo = max(0, start - 200)
    return str(m.string[max(lo, m.string.rfind("\n", lo, start) + 1) : start])


def _php_bareword(m: Any) -> bool:
    """`$password = goodspec;`: in PHP a bare lower-case word ending a statement is a literal
    (a constant would be upper case, a variable starts with `$`, a call has parentheses)."""
    value: str = m.group("value")
    name: str = m.group("pre") or ""
    return name.startswith("$") and value.isalnum() and value.islower() and m.string.startswith(";", m.end())


def _dockerfile_env(m: Any) -> bool:
    """`ENV NAME value` (Dockerfile): whitespace is the separator there."""
    return _line_before(m).strip() in ("ENV", "ARG")


def _literal_secret(m: Any, level: str) -> bool:
    value: str = m.group("value")
    name = (m.group("pre") or "") + m.group("kw") + (m.group("post") or "")
    if placeholder(value) or value.strip().lower() in _TYPE_WORDS:
        return False
    if len(value) >= 6 and squash(value) in squash(name):
        return False  # the constant names itself: `SN_id_Gost_KeyMeshing = "id-Gost-KeyMeshing"`
    if _CONCAT.search(value) or (m.group("kq") is not None and _NOT_A_SECRET.fullmatch(value.strip())):
        return False  # unquoted, `#gets0m3` in a connection string is a password, not a selector
    if m.group("kq") == "`" and (" " in value or value.startswith("$(")):
        return False  # a command substitution: `etcdctl get /secret`
    if value.startswith("$(") and value.endswith(")"):
        return False  # `"$(vault kv get -field=password …)"`: the shell runs a command for it
    if m.group("kb") is not None and (_ID_AND_PATH.fullmatch(value) or _PATH.fullmatch(value)):
        return False  # systemd `LoadCredential=dbpass:/etc/credstore/dbpass`: an id and a file
    if m.group("ku") is not None and (any(c.isspace() for c in value) or len(value) < 8):
        return False  # a quote left open at the end of a line: only a token-shaped value
    if m.group("ka") is not None:  # `<property name="…password">…</property>`: an element named by an attribute
        return prose_value(value) and (level != "weak" or random_token(value))
    if m.group("kc") is not None:  # `PWD={…}` (ODBC) but not `{password}` or `{dbPassword}`
        return not code_reference(value) and (level != "weak" or random_token(value))
    if _line_before(m).endswith("${"):
        return False  # `${API_TOKEN:-…}`: a shell default, judged by fallbacks.py
    raw_sep = m.group("sep") or ""
    if raw_sep == ":" and m.string[m.start("pre") - 1 : m.start("pre")] == ":":
        return False  # one field of a colon path: `arn:aws:secretsmanager:us-east-1:…:secret:prod/db`
    if raw_sep[:1] in "\"'" and ("," in raw_sep or "value" in raw_sep):
        if level != "weak" and (name.startswith("-") or strength(name) == "password") and _paired_password(value):
            return True
        return _paired_value(value) and (level != "weak" or random_token(value))
    if raw_sep.split()[:1] in (["is"], ["was"]):
        return prose_value(value) and (level != "weak" or random_token(value))
    if m.group("kl") is not None:  # a whole unquoted line value with brackets in it
        if value[0] in "[({" and any(q in value for q in "\"'"):
            return False  # a list, tuple or dict of strings: `PASSWORD_HASHERS = ['django…']`
        return (
            not _CALL.match(value)
            and sum(c.isalnum() for c in value) >= 3
            and (level != "weak" or entropy(value) >= 3.0)
        )
    sep = raw_sep.strip(" \t\"'")
    flag = name.startswith("-")
    if m.group("kb") is not None and not sep and not flag and not _dockerfile_env(m):
        return False  # `private_key foo`: whitespace only works before a quote or after a flag
    if level == "weak":
        return random_token(value) or long_number(value)
    if m.group("kb") is not None:
        if value.startswith("\\$"):
            return False  # an escaped `\$_POST[…]` in a quoted PHP snippet: code
        if value in _CODE_WORDS or _names_a_secret(value) or (flag and value.startswith("-")):
            return False
        if _CMDLET.fullmatch(value):
            return False
        prose_after = _PROSE_AFTER.match(m.string, m.end()) and not random_token(value, 16)
        if sep.startswith(":") and (_DOC_FIELD.search(_line_before(m)) or prose_after):
            return False  # `:param password: the user's password`, `password: the one you chose`
        if sep.startswith(":") and (value in _CODE_WORDS or _YAML_TAG.fullmatch(value)) or value.startswith(_ENV_READS):
            return False
        if code_reference(value):
            env_style = sep == "=" and name.lstrip("$").isupper()
            literal = env_style or flag or sep == ":" or _php_bareword(m)
            return literal and not value.startswith("$") and "(" not in value
        return True
    return not _names_a_secret(value)


def check_password(m: Any) -> bool:
    name = (m.group("pre") or "") + m.group("kw") + (m.group("post") or "")
    return strength(name) == "password" and _literal_secret(m, "strong")


def check_secret(m: Any) -> bool:
    name = (m.group("pre") or "") + m.group("kw") + (m.group("post") or "")
    level = strength(name)
    # A key or token is generated: typed filler (`AbCeFG123`) is an example, unlike a password.
    return level in ("strong", "weak") and _literal_secret(m, level) and not filler(m.group("value"), 8)

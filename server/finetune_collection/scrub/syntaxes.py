"""Where a password is written without a `password = …` in front of it: credential files
(`.netrc`, `.pgpass`) and infrastructure code (Terraform defaults, Oracle `user/password@db`); and
what every such syntax shares: one shell argument (`ARG`), what a literal password is
(`password_arg`), a name-and-value judgement (`named_value`).

Commands and their flags are commands.py's, calls and constructors calls.py's, SQL sql.py's.
Only the value is replaced; the command, the call and the user name stay readable.
"""

from __future__ import annotations

from typing import Any

from . import assign
from .family import Family
from .rule import Rule
from .validators import placeholder, random_token

PASSWORD = "<REDACTED>"
SECRET = "<SECRET>"

# One shell argument: quoted (the quotes stay) or bare up to whitespace or a shell operator; an `&`
# between two characters of a word is part of it (`Tr0ub4dor&3x`), `&&`, `& ` and `&>` are not.
ARG = (
    r"""(?:"(?P<value>[^"\n]{1,200})"|'(?P<value>[^'\n]{1,200})'"""
    r"""|(?P<value>(?:[^\s"'`;|&<>()]|&(?![\s&>]|$)){1,200}))"""
)
# The rest of a command line, across `\` continuations, not past a pipe or another command.
REST = r"(?:[^\n|;&]|\\\r?\n){0,300}?"


def password_arg(value: str) -> bool:
    """A literal password: not a variable, another flag, a file reference or a placeholder."""
    v = value.strip()
    if not v or v.startswith(("$", "%", "-", "/", "@", "`", ":", "?")) or placeholder(v):
        return False
    return not (v.endswith(">") and "<" not in v)  # the tail of `<user:password>`


def named_value(m: Any) -> bool:
    """A match's `name` and `value` (a JSON-RPC parameter, an SQL column): a weak name such as
    `token` needs a random value, a password or strong name one that is a literal password."""
    level = assign.strength(m.group("name"))
    value: str = m.group("value")
    if level == "weak":
        return random_token(value)
    return level in ("password", "strong") and password_arg(value)


_CREDENTIAL_FILE_FAMILY = Family(
    "credential_file",
    (
        Rule(
            "password",
            # .netrc: `machine host login user password pass`, on one line or several.
            r"(?<=(?:^|\s)(?:machine[ \t]+[^\s]{1,253}|default)"
            r"(?:\s+(?:login|account|port|protocol|user)[ \t]+[^\s]{1,253}){0,4}\s+)"
            r"password[ \t]+(?P<value>[^\s]{1,200})",
            PASSWORD,
            validator=password_arg,
            anchors=("password",),
        ),
        Rule(
            "password",
            # .pgpass: host:port:database:user:password, one entry a line, or one quoted string
            # (`echo '…' > ~/.pgpass`, `f.write("…\\n")`). Scanned from the colon before the port (a
            # literal the regex module jumps to), the host in a lookbehind.
            r":(?:[0-9]{1,5}|\*):(?<=(?:(?:^|\n)[ \t]*|(?P<quoted>[\"']))(?=[^:\n]*[A-Za-z*])[A-Za-z0-9_.*\[\]-]{1,253}"
            r":(?:[0-9]{1,5}|\*):)(?=[^:\n]*[A-Za-z*_])[^:\s\"']{1,64}:(?=[^:\n]*[A-Za-z*_])[^:\s\"']{1,64}:"
            # The password escapes its own `:` and `\\` (`pa\\:ss`): an unescaped colon is no password's.
            r"(?(quoted)(?P<value>(?:[^\s\"'\\:]|\\[:\\]){1,200})(?=[\"']|\\n)"
            r"|(?P<value>(?:[^\s\\:]|\\[^\s]){1,200})[ \t]*(?=\r?\n|$))",
            PASSWORD,
            validator=password_arg,
            prefilter=(":",),
        ),
    ),
    match=(
        ("machine api.example.com login alice password N3trcPw9", "N3trcPw9"),
        ("machine api.example.com\n  login alice\n  password N3trcPw9\n", "N3trcPw9"),
        ("default login anonymous password Anon9pw", "Anon9pw"),
        ("db.internal:5432:orders:app:Pg9pass!x\n", "Pg9pass!x"),
        ("*:*:*:replicator:R3plPass", "R3plPass"),
        ("localhost:5432:*:postgres:Loc4lPw\nother:5433:db:u:Sec0nd99", "Sec0nd99"),
        ("echo 'localhost:5432:*:postgres:Lc4lPgPw' > ~/.pgpass && chmod 600 ~/.pgpass", "Lc4lPgPw"),
        ('f.write("db.internal:5432:app:app:PyPgp4ss\\n")', "PyPgp4ss"),
    ),
    keep=(
        "machine api.example.com login alice password $NETRC_PASS",
        "12:30:45:123:456",
        "time 2024:03:18:09:14",
        "std::map<int, int>::iterator it;",
        'print("12:30:45:123:456")',
        "INSERT INTO hosts VALUES ('fd00:6898:28de:c58d:21b5:be63:340f:7258');",
        "echo 'localhost:5432:*:postgres:$PGPASS' >> ~/.pgpass",
    ),
)


def _terraform_ok(m: Any) -> bool:
    level = assign.strength(m.group("name"))
    value: str = m.group("value")
    sensitive = "sensitive" in m.group("body")
    if level == "weak" and not sensitive:
        return random_token(value)
    return (level is not None or sensitive) and password_arg(value)


_IAC_FAMILY = Family(
    "iac_secret",
    (
        Rule(
            "secret",
            r'variable[ \t]+"(?P<name>[\w-]{1,80})"[ \t]*\{(?P<body>[^{}]{0,600}?)(?<![\w])default[ \t]*=[ \t]*'
            r'"(?P<value>[^"\n]{1,500})"',
            SECRET,
            check=_terraform_ok,
            anchors=("variable",),
            reach=2048,
        ),
        Rule(
            "password",
            # Oracle: jdbc:oracle:thin:user/pass@host, sqlplus user/pass@db, expdp user/pass
            r"(?i)(?:jdbc:oracle:[a-z0-9]{1,8}:|(?<![\w-])(?:sqlplus|expdp|impdp|sqlldr|dgmgrl|rman[ \t]+target=?)"
            r"[ \t]+(?:-[A-Za-z]+[ \t]+)*(?:userid=)?)[\"']?[\w$#.-]{1,64}/"
            r"(?P<value>[^\s@/\"']{1,128})(?=[@\s\"']|$)",
            PASSWORD,
            validator=password_arg,
            anchors=("jdbc:oracle:", "sqlplus", "expdp", "impdp", "sqlldr", "dgmgrl", "rman"),
        ),
    ),
    match=(
        ('variable "db_password" {\n  type    = string\n  default = "Tf9DbPass!"\n}', "Tf9DbPass!"),
        ('variable "okta_api_token" {\n  default = "004EWTpRQT_HJtG_nL-agxacgzYHjxPcF99"\n}',
         "004EWTpRQT_HJtG_nL-agxacgzYHjxPcF99"),
        ('variable "admin" {\n  sensitive = true\n  default = "Sens1tive"\n}', "Sens1tive"),
        ("url = jdbc:oracle:thin:scott/Tiger9x@db.example.com:1521:ORCL", "Tiger9x"),
        ("$ sqlplus system/Orcl9pass@//db:1521/XEPDB1", "Orcl9pass"),
        ("expdp hr/Hr9Exp0rt directory=dp dumpfile=hr.dmp", "Hr9Exp0rt"),
    ),
    keep=(
        'variable "db_password" {\n  type      = string\n  sensitive = true\n}',
        'variable "region" {\n  default = "eu-west-1"\n}',
        'variable "db_password" {\n  default = ""\n}',
        "jdbc:oracle:thin:@db.example.com:1521:ORCL",
        "sqlplus /nolog",
        "import os/path",
    ),
)

FAMILIES = [_CREDENTIAL_FILE_FAMILY, _IAC_FAMILY]

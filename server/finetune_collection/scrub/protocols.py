"""Secrets in protocol syntaxes where the name and the value are fields of a message: a header
given to an HTTP client (`curl -H "Token: …"`), a JSON-RPC call whose method is a login
(`"method": "auth.login_with_api_key", "params": ["…"]`), the `Id` half of an `Id=…;Secret=…`
connection string, and the password of a Go MySQL DSN (`user:pass@tcp(host)/db`).
"""

from __future__ import annotations

from typing import Any

from . import assign
from .family import Family
from .rule import Rule
from .syntaxes import PASSWORD, named_value, password_arg
from .validators import key_token, random_token

SECRET = "<SECRET>"
_WORDS = "token|key|secret|auth|pass|session|credential"


def _header_ok(m: Any) -> bool:
    """A header is named for what it carries: under a token/key name a value need not be long
    or very random to be one (`Token: 3fea6af1349166ea`), only not a template or a variable."""
    name = m.group("pre") + m.group("kw") + m.group("post")
    level = assign.strength(name)
    value: str = m.group("value")
    if level in ("password", "strong"):
        return password_arg(value)
    return level == "weak" and password_arg(value) and (random_token(value, 12, 2.5) or assign.long_number(value))


_FAMILY = Family(
    "protocol_secret",
    (
        Rule(
            "secret",
            # curl -H "X-Auth-Token: …", --header 'Token: …', wget --header="…": anchored on the flag
            r"(?<![\w-])(?:-H[ ]+|--header(?:[ \t]+|=))[\"']?(?P<pre>[A-Za-z0-9_-]{0,40}?)(?P<kw>(?i:" + _WORDS + r"))"
            r"(?P<post>[A-Za-z0-9_-]{0,40})[ \t]*:[ \t]*(?P<value>[^\s\"']{8,500})",
            SECRET,
            check=_header_ok,
            anchors=("-h ", "--header"),
        ),
        Rule(
            "secret",
            # JSON-RPC: the first parameter of a method named for a login or a key
            r"(?<=\")method\"[ \t]*:[ \t]*\"(?P<name>[\w.:/-]{1,80})\"[ \t]*,[ \t]*\"params\"[ \t]*:[ \t]*\[[ \t]*"
            r"\"(?P<value>[^\"\n]{1,500})\"",
            SECRET,
            check=named_value,
            anchors=("method",),
        ),
        Rule(
            "secret",
            # Azure App Configuration and alike: `Id=<credential id>;Secret=<secret>`; the Id names
            # the credential and goes with it. Anchored on `Secret`, the Id in a lookbehind.
            r"(?<=;)(?=Secret=)(?<=(?<![\w])Id=(?P<lead>[^;\s\"'=]{8,120})(?P<value>);)Secret=",
            SECRET,
            validator=lambda s: key_token(s, 8),
            anchors=("secret",),
        ),
        Rule(
            "password",
            # Go MySQL DSN: user:password@tcp(host:port)/db, @unix(/path)
            r"(?<=(?<![\w/:@.-])[\w.-]{1,64}:(?P<lead>[^\s:@/\"'`]{1,128})(?P<value>))@(?:tcp|unix|udp)\(",
            PASSWORD,
            validator=password_arg,
            anchors=("@tcp", "@unix", "@udp"),
        ),
    ),
    match=(
        ('curl -XPOST http://localhost:8080/api -H "Token: 3fea6af1349166ea" -d "c=1"', "3fea6af1349166ea"),
        ("curl --header 'X-Upload-Key: q8Zr2LmX0vNb' https://up.example.com", "q8Zr2LmX0vNb"),
        ('wget --header="Private-Token: Kd93jfLs02mQpX7" https://x.example.com', "Kd93jfLs02mQpX7"),
        ('{"msg":"method", "method":"auth.login_with_api_key", "params":["8-Lp22ov7halMBLUpG97Wg4y7fibQi3C"]}',
         "8-Lp22ov7halMBLUpG97Wg4y7fibQi3C"),
        ('{"jsonrpc": "2.0", "method": "user.login_password", "params": ["Rpc9Pass!"]}', "Rpc9Pass!"),
        ("Endpoint=https://appcs.azconfig.io;Id=09pv-l0-s0:opFCQMC6+9485xJgN5Ws;Secret=GcoEA53t7GLRNJ910M46Ir=",
         "09pv-l0-s0:opFCQMC6+9485xJgN5Ws"),
        ('dsn := "admin:Gy7XpwKT7.27@tcp(db.internal:3306)/shop?parseTime=true"', "Gy7XpwKT7.27"),
        ("root:R00tPw9@unix(/var/run/mysqld/mysqld.sock)/app", "R00tPw9"),
    ),
    keep=(
        'curl -H "Authorization: Bearer $TOKEN" https://api.github.com/user',
        'curl -H "X-Request-Id: 9f2kq8v1m3n5b7c0x4z6" https://x.example.com',
        "curl -H 'X-Api-Key: ${API_KEY}' https://x.example.com",
        'curl -H "X-CSRF-Token: abcdef0123456789" https://x.example.com',
        'curl -H "Token-Type: bearer" https://x.example.com',
        '{"method": "session.list", "params": ["active"]}',
        "Endpoint=https://appcs.azconfig.io;Id=<id>;Secret=<secret>",
        'dsn := fmt.Sprintf("%s:%s@tcp(%s)/%s", user, pass, host, db)',
    ),
)

FAMILIES = [_FAMILY]

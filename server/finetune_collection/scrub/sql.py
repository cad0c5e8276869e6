"""Passwords in SQL: user and role statements (`IDENTIFIED BY`, `PASSWORD '…'`, `SET PASSWORD`)
and rows written into a password or key column (`INSERT INTO t (login, password) VALUES (…)`).
"""

from __future__ import annotations

from .family import Family
from .rule import Rule
from .syntaxes import ARG, PASSWORD, named_value, password_arg

# One value of a VALUES list, taken whole (atomic): a quoted string, a call, or a bare literal.
_VAL = r"""(?>'(?:[^'\n]|'')*'|"[^"\n]*"|\w+\([^()\n]*\)|[^,()\n'"]++)"""
_COL = r"""[ \t]*[`"\[]?\w{1,64}[`"\]]?[ \t]*"""
_SECRET_COLUMN = r"\w{0,40}(?:pass|pwd|secret|token|key|credential)\w{0,40}"
_MAX_POSITION = 8


def _insert_at(k: int) -> str:
    """Column k of the list names a secret; value k of the VALUES list is a quoted literal."""
    cols = (_COL + ",") * k + r"""[ \t]*[`"\[]?(?P<name>""" + _SECRET_COLUMN + r""")[`"\]]?[ \t]*(?:,[^)\n]{0,300})?"""
    vals = (r"[ \t\r\n]*" + _VAL + r"[ \t]*,") * k + r"[ \t\r\n]*'(?P<value>[^'\n]{1,200})'"
    return r"\(" + cols + r"\)[ \t\r\n]*values[ \t\r\n]*\(" + vals


_FAMILY = Family(
    "sql_password",
    (
        Rule(
            "password",
            r"(?i)identified[ \t]+(?:with[ \t]+[\w'\"]+[ \t]+)?by[ \t]+(?:password[ \t]+)?" + ARG,
            PASSWORD,
            validator=password_arg,
            anchors=("identified",),
        ),
        Rule(
            "password",
            r"(?i)(?<=(?:create|alter)[ \t]+(?:user|role|login)\b[^;\n]{0,200}?)(?:encrypted[ \t]+|unencrypted[ \t]+)?"
            r"""password[ \t]*(?:=[ \t]*)?(?:'(?P<value>[^'\n]{1,200})'|"(?P<value>[^"\n]{1,200})")""",
            PASSWORD,
            validator=password_arg,
            anchors=("password", "encrypted", "unencrypted"),
        ),
        Rule(
            "password",
            r"""(?i)(?<=(?<![\w])set[ \t]{1,10})password\b[^;\n=]{0,100}=[ \t]*(?:password[ \t]*\([ \t]*)?"""
            r"""(?:'(?P<value>[^'\n]{1,200})'|"(?P<value>[^"\n]{1,200})")""",
            PASSWORD,
            validator=password_arg,
            anchors=("password",),
        ),
        Rule(
            "password",
            r"(?i)insert[ \t]+into[ \t]+[\w.`\"\[\]]{1,100}[ \t]*"
            r"(?=\([^)\n]{0,300}?(?:pass|pwd|secret|token|key|credential))(?:"
            + "|".join(_insert_at(k) for k in range(_MAX_POSITION)) + ")",
            PASSWORD,
            check=named_value,
            anchors=("insert",),
        ),
    ),
    match=(
        ("CREATE USER 'app'@'%' IDENTIFIED BY 'Sql9Pass!';", "Sql9Pass!"),
        ("create user scott identified by Tiger9x;", "Tiger9x"),
        ("ALTER USER app IDENTIFIED WITH mysql_native_password BY 'Nat1vePw';", "Nat1vePw"),
        ("ALTER USER postgres PASSWORD 'PgAlt3r!';", "PgAlt3r!"),
        ("ALTER ROLE reporting WITH LOGIN PASSWORD 'R0lePass';", "R0lePass"),
        ("CREATE ROLE etl WITH LOGIN ENCRYPTED PASSWORD 'Etl9pass';", "Etl9pass"),
        ("CREATE LOGIN svc WITH PASSWORD = 'Mssql9Pw!';", "Mssql9Pw!"),
        ("SET PASSWORD FOR 'bob'@'localhost' = PASSWORD('B0bpass');", "B0bpass"),
        ("INSERT INTO service_users (login, password) VALUES ('ops', 'Kts3LQ8.767');", "Kts3LQ8.767"),
        ("insert into users (id, email, pwd, role) values (7, 'x', 'Ins3rtPw!', 'admin');", "Ins3rtPw!"),
        ("INSERT INTO `integrations` (`name`, `api_key`) VALUES\n  ('crm', 'Zk29fLq81mNw3XcV7pR0');",
         "Zk29fLq81mNw3XcV7pR0"),
    ),
    keep=(
        "ALTER USER app PASSWORD EXPIRE;",
        "CREATE USER app IDENTIFIED BY :password;",
        "ALTER ROLE app WITH PASSWORD NULL;",
        "ALTER USER app IDENTIFIED BY '${DB_PASSWORD}';",
        "SELECT password FROM users WHERE id = 1;",
        "INSERT INTO users (login, password_hash) VALUES ('ops', '$2b$12$abc');",
        "INSERT INTO users (login, password) VALUES (:login, :password);",
        "INSERT INTO api_keys (id, key_id) VALUES (1, 'k1');",
    ),
)


FAMILIES = [_FAMILY]

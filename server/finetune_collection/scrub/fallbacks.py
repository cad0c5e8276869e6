"""Secrets written as the default of an environment lookup: the code reads the variable and falls
back to a literal, which is then the secret in every environment that does not set it.

One name-meets-value syntax per way of writing a default, in any language: a second argument
(`os.getenv("API_KEY", "…")`, `ENV.fetch`, `getOrElse`, `System.get_env`), an operator after the
lookup (`process.env.X || "…"`, `?? "…"`, Kotlin `?: "…"`, Rust `.unwrap_or("…")`), and the
shell's `${X:-…}`. The variable's name decides as for an assignment (assign.strength).
"""

from __future__ import annotations

from typing import Any

from . import assign
from .family import Family
from .rule import Rule
from .syntaxes import password_arg
from .validators import filler, placeholder, random_token

SECRET = "<SECRET>"
_LITERAL = r"""[bru@$]?(?P<q>["'`])(?P<value>(?:(?!(?P=q))[^\n\\]|\\.){1,500})(?P=q)"""
# Reads of one variable by name: the name is quoted in a call or an index, or follows `env.`. Every
# form holds `env` (`getenv`, `GetEnvironmentVariable`, `os.environ`, `env::var`): the match starts
# there, what comes before it sits in a lookbehind, so one anchor serves them all.
_LOOKUP = (
    r"(?:(?<=(?<![\w$])(?:process|import\.meta)\.)env\.(?P<name>\w{1,80})"
    r"|(?:(?<=(?<![\w$])process\.)env|(?:(?<![\w.$])|(?<=\$_))ENV|(?<=(?<![\w$])os\.)environ)"
    r"\[[ \t]*[\"'](?P<name>[\w.-]{1,80})[\"'][ \t]*\]"
    r"|(?:(?<=(?<![\w$])(?i:get))(?i:env)|(?<=(?<![\w$])Get)EnvironmentVariable|(?<=(?<![\w$])get_)env"
    r"|(?<![\w$])env::var|(?<=(?<![\w$])os\.)environ\.get)"
    r"[ \t]*\([ \t]*[\"'](?P<name>[\w.-]{1,80})[\"'][ \t]*\))"
)
# What comes between a lookup and its default.
_OR = r"(?:\|\|=?|\?\?=?|\?:|(?<![\w])or(?![\w])|\.unwrap_or(?:_else)?\([ \t]*(?:\|_\||move[ \t]*\|\||\|\|)?|\.or\()"


def default_secret(value: str, level: str | None) -> bool:
    """A default is written by hand: under a token/key name it must look generated, or hold a
    digit among letters (`b2i632lfsiewaoc`); a password or secret name takes any literal."""
    if level in ("password", "strong"):
        return password_arg(value)
    if level != "weak" or not password_arg(value):
        return False
    if random_token(value) or assign.long_number(value):
        return True
    letters_and_digits = any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
    return len(value) >= 10 and letters_and_digits and not filler(value, 8) and not placeholder(value)


def _default_ok(m: Any) -> bool:
    return default_secret(m.group("value"), assign.strength(m.group("name")))


def _shell_default_ok(m: Any) -> bool:
    name = m.group("pre") + m.group("kw") + m.group("post")
    return default_secret(m.group("value"), assign.strength(name))


_FAMILY = Family(
    "env_default",
    (
        Rule(
            "secret",
            # The default as a second argument: os.getenv("API_KEY", "…"), ENV.fetch, getOrElse, get_env
            r"(?:(?<=(?<![\w$])(?i:get)_?)(?i:env)|(?<![\w$])environ\.(?:get|setdefault)|(?<![\w$])ENV\.fetch|getOrDefault|getOrElse"
            r"|(?<![\w.$])env)\([ \t]*[\"'](?P<name>[\w.-]{1,80})[\"'][ \t]*,[ \t]*" + _LITERAL,
            SECRET,
            check=_default_ok,
            anchors=("env", "getordefault", "getorelse"),
        ),
        Rule(
            "secret",
            # The default after the lookup: `|| "…"`, `?? '…'`, `?: "…"`, `.unwrap_or("…")`
            _LOOKUP + r"[ \t]*" + _OR + r"[ \t]*" + _LITERAL,
            SECRET,
            check=_default_ok,
            anchors=("env",),
        ),
        Rule(
            "secret",
            # Shell and compose files: ${DB_PASSWORD:-…}, ${TOKEN-…}, ${KEY:=…}
            # anchored on the secret word of the name, `${` and the rest of the name in a lookbehind;
            # only in a text that holds `${` (the secret words are everywhere in code, `${` is not)
            r"(?<=\$\{(?P<pre>\w{0,40}))(?P<kw>(?i:pass|pwd|secret|token|key|auth|credential))(?P<post>\w{0,40})"
            r":?[-=](?P<value>[^}\s\"'$]{1,200})\}",
            SECRET,
            check=_shell_default_ok,
            anchors=("pass", "pwd", "secret", "token", "key", "auth", "credential"),
            prefilter=("${",),
        ),
    ),
    match=(
        ('DB_PASSWORD = os.getenv("DB_PASSWORD", "Dfl7Pass!x")', "Dfl7Pass!x"),
        ("token = os.environ.get('API_TOKEN', 'q8Zr2LmX0vNb7Tk4WcYp')", "q8Zr2LmX0vNb7Tk4WcYp"),
        ('config.secret_key_base = ENV.fetch("SECRET_KEY_BASE", "Hq7pW2zLx9Nc4Rt8Vb3K")', "Hq7pW2zLx9Nc4Rt8Vb3K"),
        ('const key = process.env.STRIPE_SECRET ?? "Zk29fLq81mNw3XcV7pR0";', "Zk29fLq81mNw3XcV7pR0"),
        ('const dropbox_token = process.env.DROPBOX_TOKEN || "b2i632lfsiewaoc";', "b2i632lfsiewaoc"),
        ('var k = Environment.GetEnvironmentVariable("API_KEY") ?? "Mq7RpZ2vX9kLw4Tn";', "Mq7RpZ2vX9kLw4Tn"),
        ('val token = System.getenv("BOT_TOKEN") ?: "79533294193400269634298245712981"',
         "79533294193400269634298245712981"),
        ('let t = env::var("API_TOKEN").unwrap_or_else(|_| "Rn8xMt9VCHkXEyQ2".to_string());', "Rn8xMt9VCHkXEyQ2"),
        ('val pw = sys.env.getOrElse("DB_PASSWORD", "Sc4laPw!9")', "Sc4laPw!9"),
        ("'secret' => env('APP_SECRET', 'f3a9c1d27b8e4f60'),", "f3a9c1d27b8e4f60"),
        ('secret = System.get_env("GUARDIAN_SECRET", "Ex1rPq8sZ3")', "Ex1rPq8sZ3"),
        ("POSTGRES_PASSWORD: ${DB_PASSWORD:-Gce6klsK%939}", "Gce6klsK%939"),
        ('DB_PASS="${DB_PASS:-Bjj6pDHKJrw-321}"', "Bjj6pDHKJrw-321"),
        ("api_key = ENV['API_KEY'] || 'k8Hq2Wz7Rt5Lm3Np'", "k8Hq2Wz7Rt5Lm3Np"),
        ("const t = import.meta.env.VITE_API_TOKEN || 'Vt7pQ2zLx9Nc4Rt8';", "Vt7pQ2zLx9Nc4Rt8"),
        ("$key = getenv('API_KEY') ?: 'Ph9pQ2zLx9Nc4Rt8';", "Ph9pQ2zLx9Nc4Rt8"),
        ("tok = os.environ['API_TOKEN'] or 'Py7pQ2zLx9Nc4Rt8'", "Py7pQ2zLx9Nc4Rt8"),
        ("ENV['SMTP_PASSWORD'] ||= 'RbEnvDef4ult'", "RbEnvDef4ult"),
        ("$_ENV['DB_PASSWORD'] ??= 'PhpEnvD3f!';", "PhpEnvD3f!"),
        ("password: <%= ENV.fetch('DB_PW', 'ErbF4llback') %>", "ErbF4llback"),
        ('os.environ.setdefault("DJANGO_DB_PASSWORD", "Dj4ngoSetD3f")', "Dj4ngoSetD3f"),
    ),
    keep=(
        'os.getenv("DB_PASSWORD", "")',
        'os.environ.get("API_KEY", "your-api-key")',
        'const port = process.env.PORT || "3000";',
        'level = os.getenv("LOG_LEVEL", "info")',
        'token = os.getenv("GITHUB_TOKEN", default_token)',
        "POSTGRES_USER: ${POSTGRES_USER:-app}",
        'DB_PASSWORD="${DB_PASSWORD:-changeme}"',
        'const token = process.env.TOKEN || "dev-token";',
        'secret = System.get_env("SECRET") || raise "missing SECRET"',
        "${API_TOKEN:-$FALLBACK_TOKEN}",
        "ENV['RAILS_ENV'] ||= 'test'",
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")',
    ),
)

FAMILIES = [_FAMILY]

"""Build tests/pii/corpus.jsonl: labelled PII/secret cases and hard negatives.

Every value is synthetic and generated from a seeded RNG at build time (no real secret is
written in this file), yet valid in format: Luhn and IBAN checksums, phonenumbers-valid phones,
provider key lengths. Each line: {"id", "kind", "type", "context", "text", "value"} for a
positive (`type` is the catalog type expected to fire, `value` the planted span), or
{"id", "kind": "negative:<what>", "context", "text"} for a hard negative.

    python tests/pii/build_corpus.py   # rewrites corpus.jsonl next to this file
"""

from __future__ import annotations

import base64
import ipaddress
import json
import random
import string
from collections.abc import Callable
from pathlib import Path

import phonenumbers
from stdnum import iban as stdnum_iban

R = random.Random(20240102)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def rs(n: int, chars: str = ALNUM) -> str:
    while True:
        s = "".join(R.choice(chars) for _ in range(n))
        if sum(c.isdigit() for c in s) >= 2 or chars == string.ascii_letters:
            return s


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + "".join(R.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for check in string.digits:
        total = 0
        for i, ch in enumerate(reversed(body + check)):
            d = int(ch)
            if i % 2:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return body + check
    raise AssertionError


def card(prefix: str, length: int, sep: str) -> str:
    n = luhn_complete(prefix, length)
    if not sep:
        return n
    groups = [4, 6, 5] if length == 15 else [4] * (length // 4) + ([length % 4] if length % 4 else [])
    out, i = [], 0
    for g in groups:
        out.append(n[i : i + g])
        i += g
    return sep.join(out)


def make_iban(country: str, bban_fmt: str) -> str:
    while True:
        bban = "".join(R.choice(string.digits if c == "n" else string.ascii_uppercase) for c in bban_fmt)
        raw = bban + country + "00"
        num = int("".join(str(int(c, 36)) for c in raw))
        candidate = f"{country}{98 - num % 97:02d}{bban}"
        if stdnum_iban.is_valid(candidate):
            return candidate


def spaced(s: str) -> str:
    return " ".join(s[i : i + 4] for i in range(0, len(s), 4))


def ssn(sep: str = "-") -> str:
    area = R.choice([x for x in range(1, 900) if x != 666])
    return f"{area:03d}{sep}{R.randint(1, 99):02d}{sep}{R.randint(1, 9999):04d}"


def phone(region: str, fmt: int, templates: list[str]) -> str:
    while True:
        t = R.choice(templates)
        s = "".join(R.choice(string.digits) if c == "#" else c for c in t)
        try:
            n = phonenumbers.parse(s, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(n):
            return s


def public_v4() -> str:
    while True:
        ip = ipaddress.IPv4Address(R.randint(1 << 24, (223 << 24) - 1))
        if ip.is_global:
            return str(ip)


def public_v6() -> str:
    groups = ["2a00", *[f"{R.randint(0, 0xFFFF):x}" for _ in range(7)]]
    full = ":".join(groups)
    return full if R.random() < 0.5 else str(ipaddress.IPv6Address(full).compressed)


def jwt() -> str:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(
        json.dumps(
            {
                "sub": str(R.randint(10**6, 10**9)),
                "name": rs(8, string.ascii_letters),
                "iat": R.randint(1_600_000_000, 1_800_000_000),
            }
        ).encode()
    )
    return f"{header}.{payload}.{b64url(R.randbytes(32))}"


def pem(kind: str, escaped: bool = False) -> str:
    body = base64.b64encode(R.randbytes(R.randint(300, 900))).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    nl = "\\n" if escaped else "\n"
    return f"-----BEGIN {kind}PRIVATE KEY-----{nl}" + nl.join(lines) + f"{nl}-----END {kind}PRIVATE KEY-----"


# kind -> (catalog type, generator, variable name used in assignment contexts)
KINDS: dict[str, tuple[str, Callable[[], str], str]] = {
    "openai_key": ("api_key", lambda: "sk-" + rs(48), "OPENAI_API_KEY"),
    "openai_proj_key": ("api_key", lambda: "sk-proj-" + rs(74, ALNUM + "_-") + rs(4), "openai_api_key"),
    "anthropic_key": ("anthropic_key", lambda: "sk-ant-api03-" + rs(93, ALNUM + "_-") + "AA", "ANTHROPIC_API_KEY"),
    "aws_access_key_id": (
        "aws_access_key",
        lambda: R.choice(["AKIA", "ASIA"]) + rs(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        "aws_access_key_id",
    ),
    "aws_secret_key": ("aws_secret_key", lambda: rs(40, ALNUM + "/+"), "aws_secret_access_key"),
    "github_pat": ("github_token", lambda: R.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + rs(36), "GITHUB_TOKEN"),
    "github_fine_grained": ("github_token", lambda: "github_pat_" + rs(22) + "_" + rs(59), "gh_token"),
    "gitlab_token": ("gitlab_token", lambda: "glpat-" + rs(20, ALNUM + "_-") + rs(2), "GITLAB_TOKEN"),
    "slack_token": (
        "slack_token",
        lambda: (
            R.choice(["xoxb", "xoxp", "xoxa"]) + f"-{R.randint(10**10, 10**12)}-{R.randint(10**10, 10**12)}-" + rs(24)
        ),
        "SLACK_BOT_TOKEN",
    ),
    "slack_webhook": (
        "slack_webhook",
        lambda: (
            f"https://hooks.slack.com/services/T{rs(8, string.ascii_uppercase + string.digits)}"
            f"/B{rs(8, string.ascii_uppercase + string.digits)}/{rs(24)}"
        ),
        "SLACK_WEBHOOK_URL",
    ),
    "stripe_key": ("stripe_key", lambda: R.choice(["sk_live_", "rk_live_", "sk_test_"]) + rs(24), "STRIPE_SECRET_KEY"),
    "google_api_key": ("google_api_key", lambda: "AIza" + rs(35, ALNUM + "_-"), "GOOGLE_API_KEY"),
    "twilio_key": ("twilio_key", lambda: "SK" + rs(32, HEX), "TWILIO_API_KEY"),
    "sendgrid_key": (
        "sendgrid_key",
        lambda: "SG." + rs(22, ALNUM + "_-") + "." + rs(43, ALNUM + "_-"),
        "SENDGRID_API_KEY",
    ),
    "npm_token": ("npm_token", lambda: "npm_" + rs(36), "NPM_TOKEN"),
    "pypi_token": ("pypi_token", lambda: "pypi-AgEIcHlwaS5vcmc" + rs(70, ALNUM + "_-"), "PYPI_TOKEN"),
    "huggingface_token": ("huggingface_token", lambda: "hf_" + rs(34), "HF_TOKEN"),
    "shopify_token": ("provider_token", lambda: "shpat_" + rs(32, HEX), "SHOPIFY_TOKEN"),
    "digitalocean_token": ("provider_token", lambda: "dop_v1_" + rs(64, HEX), "DO_TOKEN"),
    "jwt": ("jwt", jwt, "session_jwt"),
    "password": ("password", lambda: rs(6, string.ascii_letters) + R.choice("!@#%^*") + rs(5), "password"),
    "client_secret": ("secret", lambda: rs(32, ALNUM), "client_secret"),
    "generic_token": ("secret", lambda: rs(40, ALNUM), "auth_token"),
    "email": (
        "email",
        lambda: (
            R.choice(["john.doe", "j.smith+news", "maria_garcia", "dev-ops", "a.b.c"])
            + f"{R.randint(1, 99)}@"
            + R.choice(["gmail.com", "mail.corp.example.co.uk", "company.io", "uni.edu"])
        ),
        "email",
    ),
    "phone_us": (
        "phone",
        lambda: phone("US", 0, ["(212) 5##-####", "415-5##-####", "+1 646 5## ####", "312.5##.####", "1-617-5##-####"]),
        "phone",
    ),
    "phone_e164": (
        "phone",
        lambda: phone("US", 0, ["+4420794#####", "+4930#######", "+336########", "+919#########"]),
        "phone",
    ),
    "phone_eu": (
        "phone",
        lambda: phone(
            "GB",
            0,
            [
                "+44 20 7946 ####",
                "020 7946 ####",
                "+49 30 ########",
                "+33 6 ## ## ## ##",
                "+31 6 ########",
                "+39 06 #### ####",
            ],
        ),
        "phone",
    ),
    "phone_in": ("phone", lambda: phone("IN", 0, ["+91 98### #####", "+91-97###-#####", "98### #####"]), "phone"),
    "credit_card_visa": ("credit_card", lambda: card("4", 16, R.choice(["", " ", "-"])), "card_number"),
    "credit_card_mc": (
        "credit_card",
        lambda: card(R.choice(["51", "55", "2221"]), 16, R.choice(["", " ", "-"])),
        "card",
    ),
    "credit_card_amex": ("credit_card", lambda: card(R.choice(["34", "37"]), 15, R.choice(["", " "])), "amex"),
    "ssn": ("ssn", ssn, "ssn"),
    "iban": (
        "iban",
        lambda: R.choice(
            [
                lambda: make_iban("DE", "n" * 18),
                lambda: make_iban("GB", "aaaa" + "n" * 14),
                lambda: spaced(make_iban("NL", "aaaa" + "n" * 10)),
                lambda: spaced(make_iban("DE", "n" * 18)),
            ]
        )(),
        "iban",
    ),
    "ipv4": ("ip_address", public_v4, "server_ip"),
    "ipv6": ("ip_address", public_v6, "server_ipv6"),
    "pem_private_key": ("private_key", lambda: pem(R.choice(["", "RSA ", "EC ", "OPENSSH "])), "private_key"),
}

SECRET_CONTEXTS = {
    "python": lambda n, v: f'import os\n\n{n.lower()} = "{v}"\nclient = Client({n.lower()})\n',
    "python_dict": lambda n, v: f'SETTINGS = {{\n    "{n.lower()}": "{v}",\n    "debug": True,\n}}\n',
    "json": lambda n, v: json.dumps({"name": "svc", n.lower(): v, "retries": 3}, indent=2),
    "yaml": lambda n, v: f"service:\n  name: api\n  {n.lower()}: {v}\n  port: 8080\n",
    "yaml_quoted": lambda n, v: f'{n.lower()}: "{v}"\ntimeout: 30\n',
    "js": lambda n, v: (
        f"const {n.lower().replace('_', '')} = '{v}';\nexport default {{ {n.lower().replace('_', '')} }};\n"
    ),
    "ts": lambda n, v: f'const config: Config = {{\n  {n.lower()}: "{v}",\n  region: "us-east-1",\n}};\n',
    "go": lambda n, v: f'package main\n\nfunc main() {{\n\t{n.lower().replace("_", "")} := "{v}"\n\t_ = run()\n}}\n',
    "toml": lambda n, v: f'[service]\n{n.lower()} = "{v}"\nenabled = true\n',
    "env": lambda n, v: f"# production\n{n.upper()}={v}\nDEBUG=false\n",
    "shell": lambda n, v: f"$ export {n.upper()}={v}\n$ ./deploy.sh --env prod\n",
    "prose": lambda n, v: f"Sure, I set it up. Use this value: {v} and restart the service.",
    "markdown": lambda n, v: f"## Setup\n\n1. Copy the key `{v}` into the settings page.\n2. Run `make`.\n",
    "log": lambda n, v: f"2024-01-02 10:30:00,123 INFO worker-3 configured {n.lower()}={v} attempt=1",
}
PII_CONTEXTS = {
    "prose": lambda n, v: f"Please contact the customer ({v}) about the refund by Friday.",
    "json": lambda n, v: json.dumps({"customer": {"name": "Jane Roe", n: v, "tier": "gold"}}),
    "python": lambda n, v: f'customer = {{"name": "Jane Roe", "{n}": "{v}"}}\nsave(customer)\n',
    "yaml": lambda n, v: f"customer:\n  name: Jane Roe\n  {n}: {v}\n",
    "csv": lambda n, v: f"id,name,{n},created\n17,Jane Roe,{v},2024-01-02\n",
    "log": lambda n, v: f"2024-01-02T10:30:00Z WARN billing lookup failed for {v} (retry in 30s)",
    "markdown": lambda n, v: f"| field | value |\n|---|---|\n| {n} | {v} |\n",
    "sql": lambda n, v: f"INSERT INTO customers (name, {n}) VALUES ('Jane Roe', '{v}');",
    "html": lambda n, v: f'<td class="{n}">{v}</td>',
    "email_body": lambda n, v: f"Hi team,\n\nthe user gave {v} as their {n}. Can we verify?\n\nThanks",
}
SPECIAL = {  # contexts that only make sense for one kind
    "url_credentials": [
        lambda: f"postgres://app_user:{rs(16)}@db.internal:5432/orders",
        lambda: f'DATABASE_URL = "mysql://root:{rs(12)}@10.0.0.5/app"',
        lambda: f"git clone https://deploy:{rs(20)}@gitlab.example.com/group/repo.git",
        lambda: f"redis://:{rs(24)}@cache.example.com:6379/0",
        lambda: f"amqp://guest:{rs(14)}@rabbit:5672/",
        lambda: f'mongo_uri: "mongodb+srv://admin:{rs(18)}@cluster0.abcde.mongodb.net/test"',
    ],
    "auth_header": [
        lambda: f"Authorization: Bearer {rs(40, ALNUM + '-_.')}",
        lambda: f'curl -H "Authorization: Bearer {rs(32)}" https://api.example.com/v1/items',
        lambda: "Authorization: Basic " + base64.b64encode(f"admin:{rs(10)}".encode()).decode(),
        lambda: f'headers = {{"Authorization": "Token {rs(40, HEX)}"}}',
        lambda: f"fetch(url, {{ headers: {{ Authorization: `Bearer {rs(36)}` }} }})",
        lambda: f"> GET /v1/me HTTP/1.1\n> Host: api.example.com\n> authorization: bearer {rs(48)}\n",
    ],
    "cli_password": [
        lambda: f"$ mysql -u root -p{rs(10)} orders",
        lambda: f"$ psql --password {rs(12)} -h db",
        lambda: f"$ ./manage.py createsuperuser --password={rs(12)}",
        lambda: f"$ curl -u admin:{rs(12)} https://ci.example.com/api/json",
        lambda: f"$ docker login --username bot --password {rs(16)} registry.example.com",
        lambda: f"$ sshpass -p {rs(10)} ssh deploy@host",
    ],
    "pem_in_json": [lambda: json.dumps({"type": "service_account", "private_key": pem("", escaped=True) + "\\n"})],
}

NEGATIVES: dict[str, Callable[[], str]] = {
    "git_sha": lambda: f"Fixed in commit {rs(40, HEX)} (see `git show {rs(7, HEX)}`).",
    "git_log": lambda: f"commit {rs(40, HEX)}\nAuthor: CI Bot\nDate:   Tue Jan 2 10:30:00 2024\n",
    "uuid": lambda: f'request_id = "{rs(8, HEX)}-{rs(4, HEX)}-4{rs(3, HEX)}-a{rs(3, HEX)}-{rs(12, HEX)}"',
    "uuid_json": lambda: json.dumps({"id": f"{rs(8, HEX)}-{rs(4, HEX)}-{rs(4, HEX)}-{rs(4, HEX)}-{rs(12, HEX)}"}),
    "npm_lock": lambda: (
        f'"resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",\n'
        f'"integrity": "sha512-{base64.b64encode(R.randbytes(64)).decode()}"'
    ),
    "poetry_lock": lambda: f'{{file = "pkg-1.2.3-py3-none-any.whl", hash = "sha256:{rs(64, HEX)}"}}',
    "yarn_lock": lambda: f'  resolved "https://registry.yarnpkg.com/ms/-/ms-2.1.2.tgz#{rs(40, HEX)}"',
    "pip_hash": lambda: f"requests==2.31.0 --hash=sha256:{rs(64, HEX)}",
    "go_sum": lambda: f"golang.org/x/text v0.14.0 h1:{base64.b64encode(R.randbytes(32)).decode()}",
    "version": lambda: R.choice(
        [
            "version 1.2.3.4",
            "v10.4.0",
            "Python 3.11.7",
            "__version__ = '2.31.0'",
            "node >=18.17.1 <21",
            "Windows 10.0.19041.1415",
            "chrome/120.0.6099.109",
        ]
    ),
    "timestamp": lambda: R.choice(
        [
            f"2024-0{R.randint(1, 9)}-1{R.randint(0, 9)}T10:30:00Z",
            f"ts={R.randint(1_600_000_000, 1_800_000_000)}",
            f"created_ms: {R.randint(1_600_000_000_000, 1_800_000_000_000)}",
            "10:30:00.123",
            "2024/01/02 10:30",
            "Tue, 02 Jan 2024 10:30:00 GMT",
        ]
    ),
    "hex_color": lambda: f"color: #{rs(6, HEX)}; background: #{rs(3, HEX)};",
    "placeholder_key": lambda: R.choice(
        [
            'api_key = "sk-..."',
            "OPENAI_API_KEY=YOUR_API_KEY",
            'token: "<your-token>"',
            "password: ${DB_PASSWORD}",
            'secret = "xxxxxxxxxxxx"',
            "PASSWORD=changeme",
            'apiKey: "<API_KEY>"',
            "password = '<REDACTED>'",
            'auth_token = "{{ token }}"',
            "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "aws_secret_access_key = <SECRET>",
            "Authorization: Bearer <token>",
        ]
    ),
    "secret_read": lambda: R.choice(
        [
            'password = os.environ["DB_PASSWORD"]',
            "def get_password(self):\n    return self._pw",
            "password = getpass()",
            'password=os.getenv("PGPASSWORD")',
            "const token = process.env.GITHUB_TOKEN;",
            "api_key = settings.API_KEY",
            'secret := os.Getenv("APP_SECRET")',
            "self.password = password",
            "password: SecretStr = Field(default=...)",
            "token = request.headers['X-Token']",
            "token = auth.get_token()",
            "connect(user=user, password=password)",
        ]
    ),
    "counter_names": lambda: R.choice(
        [
            "token_count = 42",
            "max_tokens: 100",
            'password_field = "password"',
            "num_tokens = len(tokens)",
            "tokens_used = 2500",
            "key_id = 7",
            'sort_key = "created_at"',
            "auth_type: oauth2",
            'secret_name = "prod/db"',
            "password_min_length = 12",
            'token_type = "bearer"',
            "keyboard = None",
        ]
    ),
    "private_ip": lambda: R.choice(
        [
            f"10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}",
            f"192.168.{R.randint(0, 255)}.{R.randint(1, 254)}",
            "127.0.0.1:8000",
            "::1",
            f"172.{R.randint(16, 31)}.0.{R.randint(1, 254)}",
            "fe80::1ff:fe23:4567:890a",
            "0.0.0.0",
            "169.254.169.254",
            "fd12:3456:789a::1",
        ]
    ),
    "cpp_scope": lambda: R.choice(["std::vector<int> v;", "use std::io::Read;", "Foo::Bar::baz()", "a::b"]),
    "numbers": lambda: R.choice(
        [
            f"port = {R.randint(1024, 65535)}",
            f"order #{R.randint(10**7, 10**9)}",
            "ISBN 978-3-16-148410-0",
            f"pi = 3.{rs(12, string.digits)}",
            f"[{R.randint(1, 999)}, {R.randint(1, 999)}, {R.randint(1, 999)}]",
            "lat/lng 37.7749, -122.4194",
            f"size: {R.randint(10**6, 10**9)} bytes",
            "1234567890123",
        ]
    ),
    "email_lookalike": lambda: R.choice(
        [
            "<img src='logo@2x.png'>",
            "git@github.com:org/repo.git",
            "@app.route('/')",
            "npm i @types/node@20.10.0",
            "user@localhost",
        ]
    ),
    "base64_blob": lambda: f'<img src="data:image/png;base64,{base64.b64encode(R.randbytes(90)).decode()}">',
    "prose_keywords": lambda: R.choice(
        [
            "Pass the token to the next function.",
            "The secret to good code is tests.",
            "Use a bearer token for authentication.",
            "Basic authentication is deprecated.",
            "Password reset links expire after an hour.",
            "Press any key to continue.",
        ]
    ),
}


# Shapes added after the first corpus, drawn from their own RNG so the rows above keep their
# values: tokens only their shape identifies (no prefix a word could start), middle- and
# trailing-anchored rules, and key formats other than PEM.
R2 = random.Random(20251125)


def rs2(n: int, chars: str = ALNUM) -> str:
    return "".join(R2.choice(chars) for _ in range(n))


def discord_bot_token() -> str:
    bot_id = str(R2.randint(10**17, 10**19 - 1)).encode()
    return b64url(bot_id) + "." + rs2(6, ALNUM + "_-") + "." + rs2(27, ALNUM + "_-")


def ssh2_key() -> str:
    body = "\n".join(rs2(64, ALNUM + "+/") for _ in range(R2.randint(4, 12)))
    return f"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"rsa-key\"\n{body}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----"


def putty_key() -> str:
    public = "\n".join(rs2(64, ALNUM + "+/") for _ in range(4))
    private = "\n".join(rs2(64, ALNUM + "+/") for _ in range(8))
    return (
        "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: rsa-key\nPublic-Lines: 4\n"
        f"{public}\nPrivate-Lines: 8\n{private}\nPrivate-MAC: {rs2(40, HEX)}"
    )


LATER_KINDS: dict[str, tuple[str, Callable[[], str], str]] = {
    "discord_bot_token": ("provider_token", discord_bot_token, "DISCORD_BOT_TOKEN"),
    "atlassian_token": ("provider_token", lambda: "ATATT3" + rs2(186, ALNUM + "_-"), "JIRA_API_TOKEN"),
    "mailchimp_key": ("provider_token", lambda: rs2(32, HEX) + f"-us{R2.randint(1, 21)}", "MAILCHIMP_API_KEY"),
    "terraform_token": (
        "provider_token",
        lambda: rs2(14, string.ascii_lowercase + string.digits) + ".atlasv1." + rs2(67, ALNUM + "_-"),
        "TFE_TOKEN",
    ),
    "maxmind_key": ("provider_token", lambda: rs2(6) + "_" + rs2(29) + "_mmk", "MAXMIND_LICENSE_KEY"),
    "telegram_bot_token": (
        "provider_token",
        lambda: f"{R2.randint(10**7, 10**10)}:AA" + rs2(33, ALNUM + "_-"),
        "TELEGRAM_BOT_TOKEN",
    ),
    "x_bearer_token": ("provider_token", lambda: "A" * 22 + rs2(30) + "%3D" + rs2(50), "TWITTER_BEARER_TOKEN"),
    "groq_key": ("provider_token", lambda: "gsk_" + rs2(52), "GROQ_API_KEY"),
    "ssh2_private_key": ("private_key", ssh2_key, "private_key"),
    "putty_private_key": ("private_key", putty_key, "private_key"),
}
LATER_CONTEXTS = ("prose", "markdown", "env", "json", "yaml")


def build() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []

    def add(kind: str, typ: str, context: str, text: str, value: str) -> None:
        rows.append(
            {"id": f"p{len(rows):04d}", "kind": kind, "type": typ, "context": context, "text": text, "value": value}
        )

    for kind, (typ, gen, name) in KINDS.items():
        pii = typ in ("email", "phone", "credit_card", "ssn", "iban", "ip_address")
        contexts = PII_CONTEXTS if pii else SECRET_CONTEXTS
        if typ == "aws_secret_key":  # only recognisable next to its name
            contexts = {k: c for k, c in SECRET_CONTEXTS.items() if k not in ("prose", "markdown")}
        if typ == "private_key":
            contexts = {
                "python": lambda n, v: f'KEY = """{v}"""\n',
                "prose": lambda n, v: f"Here is the key:\n\n{v}\n",
                "markdown": lambda n, v: f"```\n{v}\n```\n",
                "yaml": lambda n, v: "key: |\n  " + v.replace("\n", "\n  ") + "\n",
            }
        if typ in ("password", "secret"):
            contexts = {k: c for k, c in SECRET_CONTEXTS.items() if k not in ("prose", "markdown")}
        for ctx, template in contexts.items():
            for _ in range(2 if len(contexts) > 8 else 3):
                value = gen()
                add(kind, typ, ctx, template(name, value), value)
    for kind, makers in SPECIAL.items():
        typ = {"cli_password": "password", "pem_in_json": "private_key"}.get(kind, kind)
        for make in makers:
            for _ in range(3):
                text = make()
                rows.append(
                    {
                        "id": f"p{len(rows):04d}",
                        "kind": kind,
                        "type": typ,
                        "context": "special",
                        "text": text,
                        "value": None,
                    }
                )
    for kind, (typ, gen, name) in LATER_KINDS.items():
        contexts = ("prose", "markdown") if typ == "private_key" else LATER_CONTEXTS
        for ctx in contexts:
            template = SECRET_CONTEXTS[ctx] if ctx != "prose" or typ != "private_key" else (
                lambda n, v: f"Here is the key:\n\n{v}\n"
            )
            if ctx == "markdown" and typ == "private_key":
                template = lambda n, v: f"```\n{v}\n```\n"  # noqa: E731
            for _ in range(2):
                value = gen()
                add(kind, typ, ctx, template(name, value), value)
    for what, make in NEGATIVES.items():
        for _ in range(16):
            rows.append({"id": f"n{len(rows):04d}", "kind": f"negative:{what}", "context": "negative", "text": make()})
    for ctx, template in HOME_CONTEXTS.items():  # last, from their own RNG: earlier rows stay as they were
        for root in ("/home/", "/Users/", "C:\\Users\\"):
            value = root + R3.choice(USERS) + str(R3.randint(10, 99))
            add("home_path", "home_path", ctx, template(value.replace("\\", "\\\\") if ctx == "json" else value), value)
    return rows


R3 = random.Random(20261202)
USERS = ["alice", "bwilson", "chen", "dmitri", "esther", "farah", "gkowalski", "hiro"]
HOME_CONTEXTS: dict[str, Callable[[str], str]] = {
    "traceback": lambda v: f'Traceback (most recent call last):\n  File "{v}/proj/app.py", line 12, in <module>\n',
    "shell": lambda v: f"$ cd {v}/src && make\nmake: Nothing to be done for 'all'.\n",
    "json": lambda v: f'{{"workspace": "{v}/work/site", "open": true}}',
    "log": lambda v: f"2026-03-01 INFO cache at {v}/.cache/tool (1.2 GB)",
}


if __name__ == "__main__":
    out = Path(__file__).with_name("corpus.jsonl")
    data = build()
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8")
    pos = sum(1 for r in data if "value" in r)
    print(
        f"wrote {out}: {pos} positives, {len(data) - pos} negatives, "
        f"{len({r['kind'] for r in data if 'value' in r})} kinds"
    )

"""Value generators for tests/pii/heldout3.jsonl (see build_heldout3.py).

A template names a value as «kind»; `secret` kinds are what must disappear, `benign` kinds are
look-alikes that must survive (digests, UUIDs, private IPs, build numbers). Seeded, so the
battery is the same on every build; the seed differs from heldout2's so no value repeats.
"""

from __future__ import annotations

import base64
import random
import string
from collections.abc import Callable

R = random.Random(3_2026_1202)
ALNUM = string.ascii_letters + string.digits
FIRST = "ingrid tomasz aylin oren linh kofi rania bjorn paulo hana sven ines ravi".split()
LAST = "kowalski yilmaz levi nguyen mensah haddad eriksen costa sato berg moreau iyer".split()


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        s = "".join(R.choice(alphabet) for _ in range(n))
        if alphabet != ALNUM or (any(c.isdigit() for c in s) and any(c.isupper() for c in s)
                                 and any(c.islower() for c in s)):
            return s


def hexs(n: int) -> str:
    return "".join(R.choice("0123456789abcdef") for _ in range(n))


def digits(n: int) -> str:
    return str(R.randint(1, 9)) + "".join(R.choice(string.digits) for _ in range(n - 1))


def password() -> str:
    """Everyday passwords: a word-ish head, random middle, a symbol and digits."""
    head = R.choice(["Lm", "Tr", "Zo", "Pe", "Wy", "Ka", "Ru", "Jo", "Eb", "Ci"])
    return head + rand(R.randint(6, 9)) + R.choice("!#%*_-+=.@") + str(R.randint(10, 9999))


def plain_password() -> str:
    """No symbol: the shape a generator without symbols gives."""
    return rand(R.randint(12, 18))


def b64(nbytes: int) -> str:
    return base64.b64encode(R.randbytes(nbytes)).decode()


def b64url(nbytes: int) -> str:
    return base64.urlsafe_b64encode(R.randbytes(nbytes)).decode().rstrip("=")


def luhn(prefix: str, length: int) -> str:
    body = prefix + "".join(R.choice(string.digits) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def iban(country: str, bban: str) -> str:
    moved = bban + country + "00"
    num = int("".join(str(int(c, 36)) for c in moved))
    return f"{country}{98 - num % 97:02d}{bban}"


def card() -> str:
    raw = luhn(R.choice(["4", "51", "6011"]), 16)
    return R.choice([raw, " ".join(raw[i : i + 4] for i in range(0, 16, 4)), "-".join(raw[i : i + 4] for i in range(0, 16, 4))])


def ssn() -> str:
    return f"{R.randint(101, 665):03d}-{R.randint(10, 99):02d}-{R.randint(1000, 9999):04d}"


def public_ipv4() -> str:
    return f"{R.choice([34, 52, 81, 93, 151, 185])}.{R.randint(1, 250)}.{R.randint(1, 250)}.{R.randint(1, 250)}"


def public_ipv6() -> str:
    return f"2a02:{hexs(4)}:{hexs(3)}:{hexs(4)}::{hexs(3)}"


def private_ip() -> str:
    return R.choice([f"10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}",
                     f"192.168.{R.randint(0, 255)}.{R.randint(1, 254)}",
                     f"172.{R.randint(16, 31)}.{R.randint(0, 255)}.{R.randint(1, 254)}"])


def name() -> str:
    return f"{R.choice(FIRST).title()} {R.choice(LAST).title()}"


def email() -> str:
    return f"{R.choice(FIRST)}.{R.choice(LAST)}@{R.choice(['fastmail.fm', 'posteo.de', 'outlook.com', 'acme-logistics.io'])}"


def phone() -> str:
    return R.choice([
        f"+49 30 {digits(4)} {digits(4)}", f"+44 20 7{digits(3)} {digits(4)}",
        f"+33 6 {digits(2)} {digits(2)} {digits(2)} {digits(2)}", f"(415) 5{digits(2)}-{digits(4)}",
        f"+1 646-3{digits(2)}-{digits(4)}", f"+34 6{digits(2)} {digits(3)} {digits(3)}",
    ])


SECRET: dict[str, Callable[[], str]] = {
    "pw": password,
    "pwplain": plain_password,
    "hex32": lambda: hexs(32),
    "hex40": lambda: hexs(40),
    "b64_32": lambda: b64(32),
    "b64_40": lambda: b64(40),
    "tok": lambda: rand(R.randint(28, 40)),
    "tokurl": lambda: b64url(R.randint(24, 33)),
    "ghp": lambda: "ghp_" + rand(36),
    "glpat": lambda: "glpat-" + rand(20, ALNUM + "-_"),
    "sk": lambda: "sk-proj-" + rand(48, ALNUM + "-_"),
    "skant": lambda: "sk-ant-api03-" + rand(93, ALNUM + "-_") + "AA",
    "xoxb": lambda: f"xoxb-{digits(11)}-{digits(13)}-{rand(24)}",
    "akia": lambda: "AKIA" + rand(16, string.ascii_uppercase + "234567"),
    "awssec": lambda: rand(40, ALNUM + "/+"),
    "stripe": lambda: "sk_live_" + rand(24) + rand(8),
    "aiza": lambda: "AIza" + rand(35, ALNUM + "-_"),
    "sg": lambda: "SG." + rand(22, ALNUM + "-_") + "." + rand(43, ALNUM + "-_"),
    "npm": lambda: "npm_" + rand(36),
    "hf": lambda: "hf_" + rand(34, string.ascii_letters),
    "azkey": lambda: b64(64),
    "uuid_secret": lambda: f"{hexs(8)}-{hexs(4)}-4{hexs(3)}-{R.choice('89ab')}{hexs(3)}-{hexs(12)}",
    "hex64_secret": lambda: hexs(64),
    "django": lambda: "django-insecure-" + rand(40, ALNUM + "!@#%^&*(-_=+)"),
    "wpsalt": lambda: rand(64, ALNUM + "!@#%^&*()-_[]{}<>~+=,.;:/?|"),
    "azsecret": lambda: rand(3) + "8Q~" + rand(34, ALNUM + "~._-"),
    "b64_64s": lambda: b64(48),
    "jwtlike": lambda: b64url(20) + "." + b64url(60) + "." + b64url(32),
    "pembody": lambda: "\\n".join(b64(48) for _ in range(4)),
    "email": email,
    "phone": phone,
    "card": card,
    "ssn": ssn,
    "iban_de": lambda: iban("DE", digits(8) + digits(10)),
    "iban_fr": lambda: iban("FR", digits(10) + rand(11, string.ascii_uppercase + string.digits) + digits(2)),
    "iban_nl": lambda: iban("NL", R.choice(["ABNA", "INGB", "RABO"]) + digits(10)),
    "ipv4": public_ipv4,
    "ipv6": public_ipv6,
}

BENIGN: dict[str, Callable[[], str]] = {
    "uuid": lambda: f"{hexs(8)}-{hexs(4)}-4{hexs(3)}-{R.choice('89ab')}{hexs(3)}-{hexs(12)}",
    "sha40": lambda: hexs(40),
    "sha64": lambda: hexs(64),
    "short": lambda: hexs(7),
    "privip": private_ip,
    "port": lambda: str(R.choice([5432, 6379, 8080, 9200, 5672, 9092, 27017, 3306, 8443])),
    "ver": lambda: f"{R.randint(1, 9)}.{R.randint(0, 30)}.{R.randint(0, 20)}",
    "build": lambda: digits(R.randint(6, 10)),
    "ts": lambda: f"2026-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}Z",
    "n": lambda: str(R.randint(2, 900)),
    "ident": lambda: R.choice(["orders", "billing", "ledger", "inventory", "search", "auth", "payments"]),
    "name": name,
}


def fill(kind: str) -> str:
    if kind in SECRET:
        return SECRET[kind]()
    return BENIGN[kind]()


BENIGN.update({
    "sha32": lambda: hexs(32),
    "hex16": lambda: hexs(16),
    "hex12": lambda: hexs(12),
    "b64ish": lambda: base64.b64encode(("acme " + " ".join(R.choice(FIRST) for _ in range(6))).encode()).decode().rstrip("="),
    "cursor": lambda: base64.b64encode(f'{{"id":{R.randint(1000, 99999)}}}'.encode()).decode(),
})

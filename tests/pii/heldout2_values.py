"""Value generators for tests/pii/heldout2.jsonl (see build_heldout2.py).

Each generator returns the text to put in the template, or (text, secrets) when only parts of the
text must disappear (a private key's body lines, not its BEGIN/END lines). Seeded, so the battery
is the same on every build.
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable

R = random.Random(4411_2026)
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
FIRST = "jana lukas maria noah sofia elias chloe mateo giulia daan yuki wei minjun olga pedro amara".split()
LAST = "novak weber dubois garcia rossi jansen tanaka chen kim ivanova silva okafor lindqvist".split()


def pick(options: str) -> str:
    return R.choice(options.split("|"))


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        s = "".join(R.choice(alphabet) for _ in range(n))
        if alphabet != ALNUM or (any(c.isdigit() for c in s) and any(c.isupper() for c in s)):
            return s


def hexs(n: int) -> str:
    return "".join(R.choice("0123456789abcdef") for _ in range(n))


def digits(n: int) -> str:
    return str(R.randint(1, 9)) + "".join(R.choice(string.digits) for _ in range(n - 1))


def password(symbols: str = "!@#%^*_-+=.?&") -> str:
    head = R.choice(["Qz", "Vr", "Kt", "Hm", "Np", "Xw", "Bj", "Ds", "Fy", "Gc"])
    body = rand(R.randint(5, 9))
    return head + body + R.choice(symbols) + str(R.randint(10, 999))


def password_dollar() -> str:
    return R.choice(["Fh", "Tm", "Wq"]) + rand(6) + "$" + str(R.randint(1, 9)) + R.choice("!#%")


def b64(nbytes: int) -> str:
    return base64.b64encode(R.randbytes(nbytes)).decode()


def b64url(nbytes: int) -> str:
    return base64.urlsafe_b64encode(R.randbytes(nbytes)).decode().rstrip("=")


def uuid() -> str:
    return f"{hexs(8)}-{hexs(4)}-4{hexs(3)}-{R.choice('89ab')}{hexs(3)}-{hexs(12)}"


def userpass_b64() -> str:
    user = R.choice(["deploy", "ci-bot", "svc_build", "admin", "robot$pull"])
    return base64.b64encode(f"{user}:{password()}".encode()).decode()


def jwt() -> str:
    head = b64url_json({"alg": R.choice(["HS256", "RS256"]), "typ": "JWT"})
    body = b64url_json({"sub": digits(8), "name": R.choice(FIRST).title(), "iat": R.randint(1_700_000_000, 1_790_000_000), "role": R.choice(["admin", "user", "service"])})
    return f"{head}.{body}.{b64url(32)}"


def b64url_json(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + "".join(R.choice(string.digits) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return body + str((10 - total % 10) % 10)


def card() -> str:
    prefix, length = R.choice([("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("37", 15), ("6011", 16), ("5018", 12), ("4", 19), ("62", 18), ("3528", 16)])
    number = luhn_complete(prefix, length)
    sep = R.choice([" ", "-", "", " ", "."]) if length != 15 else R.choice([" ", "-", ""])
    if length == 15:
        groups = [number[:4], number[4:10], number[10:]]
    else:
        groups = [number[i : i + 4] for i in range(0, length, 4)]
    return sep.join(groups)


def iban() -> str:
    country, bban = R.choice([
        ("DE", digits(18)),
        ("GB", R.choice(["NWBK", "BARC", "LOYD", "MIDL"]) + digits(14)),
        ("AT", digits(16)),
        ("CH", digits(17)),
        ("IE", R.choice(["AIBK", "BOFI"]) + digits(14)),
        ("LU", digits(16)),
    ])
    moved = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in moved)
    check = 98 - int(numeric) % 97
    raw = f"{country}{check:02d}{bban}"
    style = R.choice(["plain", "spaced", "lower", "spaced", "lowerspaced"])
    if style == "plain":
        return raw
    if style == "lower":
        return raw.lower()
    spaced = " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
    return spaced.lower() if style == "lowerspaced" else spaced


def ssn(sep: str | None = None) -> str:
    area = R.choice([n for n in range(1, 900) if n != 666])
    group, serial = R.randint(1, 99), R.randint(1, 9999)
    sep = R.choice(["-", " ", ".", ""]) if sep is None else sep
    return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"


def phone() -> str:
    d = lambda n: "".join(R.choice(string.digits) for _ in range(n))  # noqa: E731
    return R.choice([
        f"+1 (415) {R.randint(200, 999)}-{d(4)}",
        f"+1 212-{R.randint(200, 999)}-{d(4)}",
        f"+44 7911 {d(6)}",
        f"+44 20 7{d(3)} {d(4)}",
        f"+49 151 {d(4)} {d(4)}",
        f"+49 (0)30 {d(3)} {d(4)}",
        f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}",
        f"+34 6{d(2)} {d(3)} {d(3)}",
        f"+39 347 {d(3)} {d(4)}",
        f"+31 6 {d(8)}",
        f"+55 11 9{d(4)}-{d(4)}",
        f"+91 98{d(3)} {d(5)}",
        f"+81 90-{d(4)}-{d(4)}",
        f"+82 10-{d(4)}-{d(4)}",
        f"+86 138 {d(4)} {d(4)}",
        f"+7 916 {d(3)}-{d(2)}-{d(2)}",
        f"+61 412 {d(3)} {d(3)}",
    ])


def email() -> str:
    first, last = R.choice(FIRST), R.choice(LAST)
    local = R.choice([f"{first}.{last}", f"{first}{R.randint(1, 99)}", f"{first[0]}{last}", f"{first}+{R.choice(['ci', 'shop', 'news'])}"])
    domain = R.choice([
        "acme-robotics.io", "posteo.de", "fastmail.fm", "proton.me", "kanzlei-weber.berlin", "studio.photography",
        "lindqvist.museum", "mail.xn--p1ai", "okafor.engineering", "bücher-novak.de", "tanaka-shoji.co.jp",
        "correo.gob.es", "chen.xyz", "outlook.com.br", "dubois-avocats.paris",
    ])
    return f"{local}@{domain}"


def email_unicode() -> str:
    return R.choice(["josé.garcía", "müller.jana", "δοκιμή", "пользователь", "李雷"]) + "@" + R.choice(["bücher.de", "correo.es", "почта.рф", "例子.中国"])


def ipv4() -> str:
    first = R.choice([34, 35, 52, 54, 81, 85, 91, 104, 142, 151, 176, 185, 195, 212, 217])
    return f"{first}.{R.randint(1, 254)}.{R.randint(0, 254)}.{R.randint(1, 254)}"


def ipv6() -> str:
    h = lambda: f"{R.randint(1, 0xFFFF):x}"  # noqa: E731
    prefix = R.choice(["2a01:4f8", "2a02:c7f", "2606:4700", "2001:4860", "2a00:1450", "2604:a880", "2a03:2880"])
    return R.choice([
        f"{prefix}:{h()}:{h()}::{h()}",
        f"{prefix}::{h()}",
        f"{prefix}:{h()}:{h()}:{h()}:{h()}:{h()}:{h()}",
        f"{prefix}:{h()}::{h()}:{h()}",
    ])


def pem(kind: str) -> tuple[str, list[str]]:
    lines = [b64(48) for _ in range(R.randint(5, 8))] + [b64(20)]
    label = {"rsa": "RSA PRIVATE KEY", "ec": "EC PRIVATE KEY", "pkcs8": "PRIVATE KEY", "enc": "ENCRYPTED PRIVATE KEY"}[kind]
    if kind == "rsa":
        lines[0] = "MIIEpAIBAAKCAQEA" + lines[0][16:]
    block = f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"
    return block, [lines[2], lines[-2]]


def openssh() -> tuple[str, list[str]]:
    lines = ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"] + [b64(52)[:70] for _ in range(4)]
    block = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----"
    return block, lines[1:3]


def putty() -> tuple[str, list[str]]:
    pub = [b64(48)[:64] for _ in range(2)]
    priv = [b64(48)[:64] for _ in range(2)]
    text = (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@build01\n"
        "Public-Lines: 2\n" + "\n".join(pub) + "\nPrivate-Lines: 2\n" + "\n".join(priv) + f"\nPrivate-MAC: {hexs(64)}"
    )
    return text, priv


def pem_b64() -> str:
    block, _ = pem("pkcs8")
    return base64.b64encode((block + "\n").encode()).decode()


def pgp() -> tuple[str, list[str]]:
    lines = [b64(48) for _ in range(6)]
    block = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + "\n".join(lines) + f"\n={b64(3)}\n-----END PGP PRIVATE KEY BLOCK-----"
    return block, lines[1:3]


def escaped_pem() -> tuple[str, list[str]]:
    lines = [b64(48) for _ in range(6)]
    return "-----BEGIN PRIVATE KEY-----\\n" + "\\n".join(lines) + "\\n-----END PRIVATE KEY-----\\n", [lines[1], lines[4]]


Gen = Callable[[], "str | tuple[str, list[str]]"]
VALUES: dict[str, Gen] = {
    "pw": password,
    "pws": lambda: password("_-.%+=@"),
    "pwu": lambda: password("-_.~!*"),
    "pwc": lambda: password("!@#%^*_-+.?&"),
    "pwq": password_dollar,
    "alnum16": lambda: rand(16),
    "alnum20": lambda: rand(20),
    "alnum24": lambda: rand(24),
    "alnum32": lambda: rand(32),
    "alnum40": lambda: rand(40),
    "alnum48": lambda: rand(48),
    "alnum64": lambda: rand(64),
    "hex16": lambda: hexs(16),
    "hex20": lambda: hexs(20),
    "hex32": lambda: hexs(32),
    "HEX32": lambda: hexs(32).upper(),
    "hex37": lambda: hexs(37),
    "hex40": lambda: hexs(40),
    "hex48": lambda: hexs(48),
    "hex64": lambda: hexs(64),
    "hex128": lambda: hexs(128),
    "dig20": lambda: digits(20),
    "dig24": lambda: digits(24),
    "dig32": lambda: digits(32),
    "b64_32": lambda: b64(24),
    "b64_44": lambda: b64(32),
    "b64_64": lambda: b64(48),
    "b64_88": lambda: b64(64),
    "b64_200": lambda: b64(150),
    "b64cred": userpass_b64,
    "b64pw": lambda: base64.b64encode(password().encode()).decode(),
    "uuid": uuid,
    "ghp": lambda: "ghp_" + rand(36),
    "gho": lambda: "gho_" + rand(36),
    "ghs": lambda: "ghs_" + rand(36),
    "ghpat": lambda: "github_pat_11" + rand(20, string.ascii_uppercase + string.digits) + "_" + rand(59),
    "glpat": lambda: "glpat-" + rand(20, B64URL),
    "xoxb": lambda: f"xoxb-{digits(12)}-{digits(13)}-{rand(24)}",
    "xoxp": lambda: f"xoxp-{digits(12)}-{digits(12)}-{digits(13)}-{hexs(32)}",
    "xoxr": lambda: f"xoxr-{digits(12)}-{rand(40)}",
    "sk_live": lambda: "sk_live_" + rand(24),
    "rk_live": lambda: "rk_live_" + rand(48),
    "whsec": lambda: "whsec_" + rand(32),
    "twsk": lambda: "SK" + hexs(32),
    "sg": lambda: f"SG.{rand(22, B64URL)}.{rand(43, B64URL)}",
    "npm": lambda: "npm_" + rand(36),
    "pypi": lambda: "pypi-AgEIcHlwaS5vcmc" + rand(60, B64URL),
    "hf": lambda: "hf_" + rand(34, string.ascii_letters),
    "aiza": lambda: "AIza" + rand(35, B64URL),
    "jwt": jwt,
    "openai": lambda: "sk-proj-" + rand(48, B64URL),
    "anthropic": lambda: "sk-ant-api03-" + rand(93, B64URL) + "AA",
    "akia": lambda: "AKIA" + rand(16, string.ascii_uppercase + "234567"),
    "asia": lambda: "ASIA" + rand(16, string.ascii_uppercase + "234567"),
    "awssec": lambda: rand(40, B64),
    "dop": lambda: "dop_v1_" + hexs(64),
    "hvs": lambda: "hvs." + rand(24),
    "mailgun": lambda: "key-" + hexs(32),
    "mailchimp": lambda: hexs(32) + "-us" + str(R.randint(2, 21)),
    "pmak": lambda: f"PMAK-{hexs(24)}-{hexs(34)}",
    "dapi": lambda: "dapi" + hexs(32),
    "tgbot": lambda: f"{digits(10)}:AA{rand(33, B64URL)}",
    "shpat": lambda: "shpat_" + hexs(32),
    "azsecret": lambda: rand(3) + "8Q~" + rand(34, ALNUM + "~._-"),
    "tfc": lambda: rand(14) + ".atlasv1." + rand(67),
    "appcsid": lambda: f"{rand(4)}-l{R.randint(0, 9)}-s0:{rand(20)}",
    "djkey": lambda: rand(50, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)"),
    "sas": lambda: "sv=2022-11-02&ss=b&srt=sco&sp=rwdlac&se=2027-01-01T00:00:00Z&sig=" + b64(32).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"),
    "k8sboot": lambda: f"{rand(6, string.ascii_lowercase + string.digits)}.{rand(16, string.ascii_lowercase + string.digits)}",
    "pem_rsa": lambda: pem("rsa"),
    "pem_ec": lambda: pem("ec"),
    "pem_pkcs8": lambda: pem("pkcs8"),
    "pem_enc": lambda: pem("enc"),
    "pem_b64": pem_b64,
    "pem_esc": escaped_pem,
    "openssh": openssh,
    "putty": putty,
    "pgp": pgp,
    "email": email,
    "email_u": email_unicode,
    "phone": phone,
    "card": card,
    "iban": iban,
    "ssn": ssn,
    "ssn_dash": lambda: ssn("-"),
    "ipv4": ipv4,
    "ipv6": ipv6,
    # fillers for benign text (never secrets)
    "sha7": lambda: hexs(7),
    "sha40": lambda: hexs(40),
    "sha64": lambda: hexs(64),
    "sha512": lambda: b64(64),
    "int": lambda: str(R.randint(2, 99999)),
    "big": lambda: digits(R.choice([13, 18, 19])),
    "ts": lambda: str(R.randint(1_700_000_000, 1_790_000_000)),
    "ver": lambda: f"{R.randint(0, 9)}.{R.randint(0, 30)}.{R.randint(0, 40)}",
    "name": lambda: R.choice(FIRST),
    "word": lambda: R.choice("orders billing search inventory auth gateway reports media".split()),
    "privip": lambda: R.choice([f"10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}", f"192.168.{R.randint(0, 255)}.{R.randint(1, 254)}", f"172.{R.randint(16, 31)}.{R.randint(0, 255)}.{R.randint(1, 254)}"]),
    "port": lambda: str(R.choice([5432, 3306, 6379, 8080, 9200, 27017, 5672, 443])),
}

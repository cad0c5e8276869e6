"""Personal data that needs its context to be told apart: a phone number next to a label, a card
number next to "card", an IBAN written in lower case or with dashes, an address at a domain that
looks like a file name, an internationalised address, and the user name inside a home path.
"""

from __future__ import annotations

import re
from typing import Any

from . import validators as v
from .family import Family
from .rule import Rule

# Number boundaries: not glued to a word, a longer number, a decimal or a version; a comma only
# counts as glue between digit groups (`1,234`), so CSV cells still match.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_NB = r"(?<![0-9A-Za-z_+./:#=-])(?<![0-9],)"
_NE = r"(?![0-9A-Za-z_]|[.:/-][0-9]|,[0-9]{1,3}(?![0-9]))"
# Rules that scan need one of these to match at all; the engine answers a shared tuple once per
# text, so a string without digits (most short ones) skips all the number rules.
_DIGITS = tuple("0123456789")

_DATE = re.compile(r"[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{2,4}")
_EXTENSION = re.compile(r"[ \t]*(?:x|ext\.?)[ \t]*[0-9]{1,5}$", re.I)


def labelled_phone(value: str) -> bool:
    """Next to a label, any national form counts (`467 3395`, `(99) 645-791`, `03.93.92.16.85`):
    7 to 15 digits, not a date, not a dotted quad, not an SSN's 3-2-4 grouping."""
    number = _EXTENSION.sub("", value).strip()
    d = v.digits(number)
    if not 7 <= len(d) <= 15 or len(set(d)) < 3 or _DATE.fullmatch(number):
        return False
    groups = tuple(len(g) for g in re.findall(r"[0-9]+", number))
    if groups == (3, 2, 4) or (len(groups) == 4 and "." in number and all(n <= 3 for n in groups) and len(d) <= 12):
        return False  # an SSN, a dotted quad
    return len({c for c in number if not c.isdigit() and c not in " ()+"}) <= 1


def card_with_context(value: str) -> bool:
    """After "card"/"cc"/"visa": 12-19 Luhn-valid digits, any issuer, one kind of separator."""
    d = v.digits(value)
    return 12 <= len(d) <= 19 and len(set(d)) >= 3 and v.luhn(d) and len({c for c in value if not c.isdigit()}) <= 1


def iban_any_case(value: str) -> bool:
    """`gb42nawi…`, `AL47-2121-…`, `DE89/3704/…`: one separator kind, one letter case, then mod-97."""
    seps = {c for c in value if not c.isalnum()}
    letters = [c for c in value if c.isalpha()]
    if len(seps) > 1 or not (all(c.islower() for c in letters) or all(c.isupper() for c in letters)):
        return False
    return v.iban(re.sub(r"[^A-Za-z0-9]", "", value).upper())


_MAIL_CONTEXT = re.compile(
    r"(?i)(?:e-?mail|mail(?:to)?|contact|write|reach|send|address|reply|cc|bcc|from|to|at|an|à)\W{0,3}$"
    r"|(?:e-?mail|courriel|correo)[^\n]{0,40}$"
)


# A login at a host: `ssh deploy@web-01.prod.corp`, `scp f ops@host.corp:/tmp`, `["ssh", "u@h.corp"]`.
_REMOTE_COMMAND = re.compile(
    r"(?<![\w-])(?:ssh|scp|sftp|rsync|mosh|autossh|ssh-copy-id|sshfs|pssh|pscp|plink)(?:\.exe)?[\"']?"
    r"(?:[ \t,\"']+[^\s@|;&,\"']{1,200}){0,12}[ \t,\"']+$"
)
_REMOTE_WORD = re.compile(r"ssh|scp|sftp|rsync|mosh|plink|pscp")
_REMOTE_PATH = re.compile(r":(?:[~/.$]|[\w.-]{1,100}/)")  # `host:/tmp`, `host:~/x`, `github.com:org/repo`


def login_target(m: Any, start: int | None = None) -> bool:
    """`user@host` as the target of ssh, scp or rsync (after the command, or before `:path`): a
    login at a host, not a mailbox. `start`: where the address starts, if the caller knows."""
    text: str = m.string
    end = m.end()
    if text.startswith(":", end) and _REMOTE_PATH.match(text, end):
        return True
    if start is None:
        lead = m.start("lead")
        start = lead if lead >= 0 else m.start()
    lo = max(0, start - 300)  # a bounded look: a long line with many addresses stays linear
    line = max(lo, text.rfind("\n", lo, start) + 1)
    # Runs for every address: one search for a command word on its line before anything is sliced.
    if _REMOTE_WORD.search(text, line, start) is None:
        return False
    return bool(_REMOTE_COMMAND.search(text[line:start]))


def email_in_context(m: Any) -> bool:
    """An address at `.rs`/`.md`/`.py`/`.zip` is a file name (`lib@main.rs`) unless the text says
    it is an address: a mail word just before it, or angle brackets around it. A login target of
    ssh, scp or rsync is no address at all."""
    text: str = m.string
    lead = m.start("lead")
    if lead > 0 and text[lead - 1].isalnum():
        return False  # after a letter outside ASCII: `jürgen.müller@…` is the internationalised rule's, whole
    at, end = m.span()
    start = lead if lead >= 0 else at
    if login_target(m, start):
        return False
    tld = text[text.rfind(".", at, end) + 1 : end].lower()
    if tld not in v.AMBIGUOUS_TLDS:
        return True
    before = text[max(0, start - 60) : start]
    if before.endswith(("<", "mailto:")):
        return True
    return bool(_MAIL_CONTEXT.search(before.split("\n")[-1].rstrip()))


def _home_name(value: str) -> bool:
    name = re.split(r"[/\\]", value.rstrip("/\\"))[-1]
    return name.lower() not in _GENERIC_USERS and not name.startswith(("$", "%", "<", "{"))


# Names that say "some user", not who: they stay so paths in docs and CI logs keep their meaning.
_GENERIC_USERS = frozenset(
    "user username users you your yourname name me someone runner ubuntu ec2-user vagrant node app admin "
    "root shared public default all guest test docker jenkins builder circleci travis www-data".split()
)
_HOME = (
    r"(?:(?<![\w.~:-])/home/|(?<![\w.~:-])/Users/|(?<=(?<![\w])(?P<lead>[A-Za-z]:(?:\\{1,2}|/)))Users(?:\\{1,2}|/))"
    r"(?P<name>[\w.$%{}<>-]{1,64})"
)

_HOME_ANCHORS = ("/home/", "/users/", "users")

_EMAIL_RULES = [
    Rule(
        "email",
        # Anchored on the `@`: the local part sits in the lookbehind (`lead`), which keeps the scan
        # linear and fast where the seed's pattern retries at every letter of every word.
        r"(?<=(?<![A-Za-z0-9._%+-])(?P<lead>[A-Za-z0-9._%+-]{1,64}))@"
        r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*"
        r"\.(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{2,59})(?![A-Za-z0-9-])",  # `.xn--p1ai` is `.рф`
        "<EMAIL>",
        validator=v.email,
        check=email_in_context,
        prefilter=("@",),
    ),
    Rule(
        "email",
        # A quoted local part (`"john smith"@example.com`): rare, so scanned only where `"@` occurs,
        # from the `@` (a literal the regex module jumps to) with the quoted part as the `lead`.
        r"(?<=(?<![A-Za-z0-9\"])(?P<lead>\"[^\"\n@<>]{1,62}\"))@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])",
        "<EMAIL>",
        validator=v.email,
        # `@`, not `"@`: the plain rule's answer for `@` is shared, a second absent literal is a
        # scan of the whole text, and the pattern jumps from `@` to `@` anyway.
        prefilter=("@",),
    ),
]

FAMILIES = [
    Family(
        "home_path",
        (
            Rule("home_path", _HOME + r"(?:\\{1,2}|/)", "~/", validator=_home_name, anchors=_HOME_ANCHORS),
            Rule("home_path", _HOME + r"(?![\w.$%{}<>\\/-])", "~", validator=_home_name, anchors=_HOME_ANCHORS),
            # A project folder named after a home path, as Claude Code names them
            # (`~/.claude/projects/-Users-alice-repos-app`, `C--Users-carol-code`): `/` and `.`
            # became `-`, so where the user name ends is lost, and the whole name goes.
            Rule("home_path", r"(?<=[/\\\"'=\s]|^|(?<![\w.~-])[A-Za-z]-)-(?:Users|home)-(?P<name>[\w.]{1,64})"
                 r"(?:-[\w.]+)+", "~", check=lambda m: _home_name(m.group("name")), anchors=("-users-", "-home-")),
        ),
        match=(
            ("open('/home/alice/proj/main.py')", "alice"),
            ("cd /Users/bob.smith/Library/Caches", "bob.smith"),
            ("C:\\Users\\carol\\AppData\\Local\\app.log", "carol"),
            ('"C:\\\\Users\\\\dave\\\\repo\\\\x.json"', "dave"),
            ("ls ~/.claude/projects/-Users-erin-smith-repos-app/", "erin-smith"),
            ("cd C:\\Users\\x\\.claude\\projects\\C--Users-frank-code-api", "frank"),
            ("$ ls /home/erin", "erin"),
        ),
        keep=(
            "/home/user/project/README.md",
            "cd /Users/$USER/code",
            "mount /home on a separate disk",
            "C:\\Users\\Public\\Documents",
            "see docs/home/overview.md",
            "git clone --home-dir x",
            "~/.claude/projects/-home-user-project",
        ),
    ),
    Family(
        "labelled_phone",
        (
            Rule(
                "phone",
                r"(?i)(?<![\w])(?:phone|tel(?:ephone|efon|éfono|efone)?|mobile?|mobil|cell(?:phone)?|celular|fax|desk"
                r"|whats[ ]?app|sms|call[ \t]+me(?:[ \t]+(?:on|at))?|reach[ \t]+me(?:[ \t]+(?:on|at))?"
                r"|answering[ \t]+at|messages?[ \t]+to|registered)(?![\w])[^0-9\n+(]{0,15}(?:\r?\n[ \t]*)?"
                r"(?P<value>\+?\(?[0-9][0-9 ().-]{5,22}[0-9](?:[ \t]*(?:x|ext\.?)[ \t]*[0-9]{1,5})?)(?![0-9])",
                "<PHONE>",
                validator=labelled_phone,
                anchors=("phone", "tel", "mobil", "cell", "celular", "fax", "desk", "whats", "sms", "call", "reach",
                         "answering", "message", "registered"),
            ),
            Rule(
                "phone",
                # a label after the number: `416 60 039 office`, `07700 063 966-Fax`; anchored on the
                # label, the number in a lookbehind
                r"(?<=(?<![0-9A-Za-z_+./:#=-])(?P<value>\+?\(?[0-9][0-9 ().-]{5,22}[0-9](?:x[0-9]{1,5})?)"
                r"[ \t]*-?[ \t]*)"
                r"(?i:office|fax|mobile|cell|desk)(?![\w])",
                "<PHONE>",
                validator=labelled_phone,
                anchors=("office", "fax", "mobile", "cell", "desk"),
            ),
        ),
        match=(
            ("Name: Sieda Batukayev\nPhone: (99) 645-791", "(99) 645-791"),
            ("Mobile: 03.93.92.16.85", "03.93.92.16.85"),
            ("Can someone call me on 9472 7916? Thanks", "9472 7916"),
            ("They're not answering at 78 651 450", "78 651 450"),
            ("Fax: 345-899-3560x4587", "345-899-3560x4587"),
            ("416 60 039 office\n", "416 60 039"),
            ("Telefon: 030 1234567", "030 1234567"),
        ),
        keep=(
            "Phone: see below",
            "build 2024-03-18 on desk 3",
            "text 1234",
            "the call took 120 ms",
            "Phone: 2024-03-18",
        ),
    ),
    Family(
        "card_in_context",
        (
            Rule(
                "credit_card",
                r"(?i)(?<![\w])(?:card|cc|visa|mastercard|amex|maestro|jcb|diners|discover)[^0-9\n]{0,30}?"
                r"(?P<value>[0-9](?:[ .-]?[0-9]){11,18})(?![0-9])",
                "<CREDIT_CARD>",
                validator=card_with_context,
                anchors=("card", "visa", "mastercard", "amex", "maestro", "jcb", "diners", "discover", "cc:",
                         *(f"cc {d}" for d in "0123456789")),
            ),
        ),
        match=(
            ("card number 630427373398 is lost", "630427373398"),
            ("I have lost my card 180016070420458. Please block it", "180016070420458"),
            ('{"card_number": 4111111111111111, "exp": "12/29"}', "4111111111111111"),
            ("Visa 4111.1111.1111.1111 expires soon", "4111.1111.1111.1111"),
            ("send me the last billed amount for cc 503802053770 please", "503802053770"),
            ("CC: 5018-2334-3006 exp 09/28", "5018-2334-3006"),
        ),
        keep=(
            "card 1234 of 5000 processed",
            "cc -O2 -o main main.c 2024010112345",
            "discover 42 new nodes",
        ),
    ),
    Family(
        "iban_any_case",
        (
            Rule(
                "iban",
                # One separator throughout (or none), a short last group in capitals or digits:
                # `AL47…8741 ALL CAPS` does not end in ` ALL`, `… 8741 by Friday` not in ` by`,
                # `MU17 BOMM … 000M UR` does end in ` UR`.
                r"[0-9]{2}(?<=(?<![A-Za-z0-9])(?P<lead>[A-Za-z]{2})[0-9]{2})(?P<sep>[ /-]?)[A-Za-z0-9]{4}"
                r"(?:(?P=sep)[A-Za-z0-9]{4}){1,6}(?:(?P=sep)[A-Z0-9]{1,3})?(?![A-Za-z0-9])",
                "<IBAN>",
                validator=iban_any_case,
                prefilter=tuple("0123456789"),
                gate=lambda digits: digits.led(2, 2),
            ),
        ),
        match=(
            ("my iban is gb33bukb20201555555555", "gb33bukb20201555555555"),
            ("IBAN: DE89-3704-0044-0532-0130-00", "DE89-3704-0044-0532-0130-00"),
            ("iban DE89/3704/0044/0532/0130/00 ok", "DE89/3704/0044/0532/0130/00"),
            ("wire to AL47212110090000000235698741 ALL CAPS", "AL47212110090000000235698741"),
            ("IBAN MU17 BOMM 0101 1010 3030 0200 000M UR", "MU17 BOMM 0101 1010 3030 0200 000M UR"),
            ("IBAN ES91 2100 0418 4502 0005 1332 by Friday", "ES91 2100 0418 4502 0005 1332"),
        ),
        keep=("ab12cdef34567890abcdef", "DE89-3704-0044-0532-0130-01"),
    ),
    Family(
        "email_address",
        tuple(_EMAIL_RULES),
        match=(
            ("write to alice.smith@acme-mail.eu today", "alice.smith@acme-mail.eu"),
            ("Author: Bob <bob+ci@corp.io>", "bob+ci@corp.io"),
            ('my email is "john smith"@acme.io ok', '"john smith"@acme.io'),
            ("mailto:jane.doe@example.com", "jane.doe@example.com"),
            ("send it to carol@lib.rs please", "carol@lib.rs"),
        ),
        keep=(
            "user = User(email='test@example.com', password='changeme')",
            "Contact: user@example.com",
            "commit 3f9a2c1e\nAuthor: dev <dev@example.com>",
            "admin@app.test and nobody@mail.invalid",
            "ssh deploy@web-01.prod.corp 'systemctl restart app'",
            "ssh -i ~/.ssh/id_ed25519 -p 2222 ec2-user@ec2-3-1-2-3.compute.amazonaws.com",
            "scp build.tgz ops@web-01.prod.corp:/tmp/",
            "rsync -avz dist/ deploy@web-01.prod.corp:/var/www/app",
            'subprocess.run(["ssh", "deploy@web-01.prod.corp", "uptime"])',
            "git clone git@github.com:org/repo.git",
            "cargo add serde@1.0.rs",
        ),
    ),
    Family(
        "email_international",
        (
            Rule(
                "email",
                r"(?<=(?<![\w.%+-])(?P<lead>[\w.%+-]{1,64}))@\w(?:[\w-]{0,62}\w)?(?:\.\w(?:[\w-]{0,62}\w)?)*\.[^\W\d_]{2,24}"
                r"(?![\w-])",
                "<EMAIL>",
                validator=lambda s: not s.isascii() and v.email(s),
                check=lambda m: not login_target(m),
                prefilter=("@",),
                wide=True,
            ),
        ),
        match=(
            ("schreib an jürgen.müller@beispiel.de bitte", "jürgen.müller@beispiel.de"),
            ("contact: josé@correo.españa.es", "josé@correo.españa.es"),
            ("用户 李雷@例子.广告 hi", "李雷@例子.广告"),
        ),
        keep=("décorateur @app.route('/')", "prix: 5€ @ café", "ssh jürgen@büro.example.de", "test@exämple.test"),
    ),
]


def _family(name: str) -> Family:
    return next(f for f in FAMILIES if f.name == name)


_HOME_FAMILY = _family("home_path")

# The catalog's personal-data rules, in catalog order (after every secret rule): home paths, emails,
# cards, IBANs, SSNs, IP addresses, phones.
RULES: list[Rule] = [
    *_HOME_FAMILY.rules,
    *_family("email_address").rules,
    *_family("email_international").rules,
    *_family("card_in_context").rules,
    Rule(
        "credit_card",
        # Not the digits of a spaced IBAN (`DE89 3704 0044 …` whose checksum failed).
        # The lookahead asks for the 13 digits `v.card` needs: dates (`2026-12-02`) stop there.
        _NB + r"(?<![A-Z]{2}[0-9]{2} )(?=[2-6](?:[ .-]?[0-9]){12})[2-6][0-9]{3}(?:[ .-]?[0-9]{2,6}){2,5}" + _NE,
        "<CREDIT_CARD>",
        validator=v.card,
        prefilter=_DIGITS,
        gate=lambda digits: digits.run(13, 2),  # as the lookahead asks
    ),
    *_family("iban_any_case").rules,
    Rule(
        "ssn",
        # The lookahead restates the shape before the lookbehinds run (fewer of them, same matches).
        r"(?=[0-9]{3}[- ][0-9]{2}[- ])" + _NB + r"[0-9]{3}([- ])[0-9]{2}\1[0-9]{4}" + _NE,
        "<SSN>",
        validator=v.ssn,
        prefilter=_DIGITS,
        gate=lambda digits: digits.layout((0, 1, 2, 4, 5, 7, 8, 9, 10)),
    ),
    Rule(
        "ssn",
        r"(?i)(?:ssn|security(?:[ \t]+(?:number|no\.?|#))?)[^0-9\n]{0,12}"
        r"(?P<value>[0-9]{3}[- .]?[0-9]{2}[- .]?[0-9]{4})(?![0-9])",
        "<SSN>",
        validator=v.ssn,
        anchors=("ssn", "security"),
    ),
    Rule(
        "ip_address",
        # Starts at the first `.` (a literal the regex module jumps to); the first octet, read in
        # the lookbehind, is the `lead`. Not after `version`/`v`: `version 1.2.3.4` is a release,
        # not a host. The `(?=[0-9])` spares the lookbehinds at the many dots before no digit.
        r"\.(?=[0-9])(?<=(?<![0-9A-Za-z_.:-])(?<!(?i:version|ver|v)[ :=]{0,3})(?P<lead>" + _OCTET + r")\.)"
        + _OCTET + r"\." + _OCTET + r"\." + _OCTET + r"(?![0-9A-Za-z_]|\.[0-9])",
        "<IP_ADDRESS>",
        validator=v.public_ip,
        prefilter=_DIGITS,
        gate=lambda digits: digits.joined(3, 9, "."),  # three dots between digits, octets of 1-3
    ),
    Rule(
        "ip_address",
        # Compressed IPv6 always holds `::`: anchor there, the groups before it are the `lead`.
        # An IPv4-mapped address (`::ffff:8.8.4.4`) keeps its dotted tail.
        r"(?<=(?<![0-9A-Za-z_:.])(?P<lead>(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})?)::"
        r"(?:[Ff]{4}:" + _OCTET + r"(?:\." + _OCTET + r"){3}"
        r"|(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)(?![0-9A-Za-z_:]|\.[0-9A-Za-z])",
        "<IP_ADDRESS>",
        validator=v.ipv6,
        prefilter=(":",),
        gate=lambda digits: digits.cluster(2, 2, ":"),  # `::`
    ),
    Rule(
        "ip_address",
        # The lookahead restates the next two characters before the lookbehinds (as for IPv4).
        r"(?=:[0-9A-Fa-f])(?<=(?<![0-9A-Za-z_:.])(?P<lead>[0-9A-Fa-f]{1,4})):[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){6}"
        r"(?![0-9A-Za-z_:]|\.[0-9A-Za-z])",
        "<IP_ADDRESS>",
        validator=v.ipv6,
        prefilter=(":",),
        gate=lambda digits: digits.cluster(7, 31, ":"),  # seven colons, at most four hex digits apart
    ),
    *_family("labelled_phone").rules,
    Rule(
        "phone",
        r"(?<![0-9A-Za-z_+])\+[1-9][0-9 ().-]{5,20}[0-9](?![0-9A-Za-z_])",
        "<PHONE>",
        validator=v.phone,
        prefilter=_DIGITS,
    ),
    Rule(
        "phone",
        # Starts at a digit (an opening parenthesis joins the span as `lead`): a leading
        # alternation would make the regex module try every position, 20x slower.
        # The second lookahead asks for the 7 digits `v.phone` needs (`1 2`, `0.5` stop there).
        r"(?=[0-9]{1,5}[ .-][0-9])(?=[0-9](?:[ .-]?[0-9]){6})" + _NB
        + r"(?<![A-Z]{2}[0-9]{2} )[0-9]{1,5}[ .-][0-9]{1,10}(?:[ .-][0-9]{1,10}){0,4}"
        + _NE,
        "<PHONE>",
        validator=v.phone,
        prefilter=_DIGITS,
    ),
    Rule(
        "phone",
        # The lookahead restates the next two characters before the lookbehind (as for IPv4).
        r"(?=\([0-9])(?<![0-9A-Za-z_+./:#=-])\([0-9]{1,5}\)[ .-]?[0-9]{1,10}(?:[ .-][0-9]{1,10}){0,4}" + _NE,
        "<PHONE>",
        validator=v.phone,
        prefilter=_DIGITS,
    ),
    Rule(
        "phone",
        r"(?i)phone[a-z]*[^0-9\n]{0,15}"
        r"(?P<value>\+?[0-9][0-9 ().-]{5,18}[0-9])(?![0-9])",
        "<PHONE>",
        validator=v.phone,
        anchors=("phone",),
    ),
]

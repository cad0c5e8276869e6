"""Passwords and keys given in prose: "mein Passwort ist …", "パスワードは…です", "the admin login is
admin / …", "here's the api key you asked for: …", in the languages a team writes in.

A keyword, a verb, a colon or a few words, then the value; the value must look written or
generated (a digit among letters, or random), so "the password is required" stays.
"""

from __future__ import annotations

import re
from typing import Any

from . import assign
from .contexts import context_token
from .family import Family
from .rule import Rule
from .validators import placeholder, random_token, wordy

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
_WIDE_WORDS = ("пароль", "Пароль", "パスワード", "密码", "密碼", "비밀번호", "hasło", "Hasło", "şifre", "Şifre")
# Swedish and Norwegian end the word with its article (`lösenordet`), Turkish with a possessive
# (`şifresi`, `şifreniz`).
_SUFFIX = r"(?:et|en|si|sı|niz|n)?"
# Words between the keyword and its verb or colon: any few before a verb (`für den Testserver
# lautet`), or a phrase opened by a preposition before a colon (`от сервера:`, `for root:`).
_PREPOSITIONS = r"(?:for|of|on|to|für|von|vom|zum|de|du|des|del|della|do|da|di|van|voor|от|для|на)"
_JOIN = (
    r"[ \t]+(?:[\w'’-]+[ \t]+){0,6}?(?:lautet|ist|est|es|era|é|è|is|är|er|on|je|jest|wynosi|war|était|fue|是|:)"
    r"|[ \t]+" + _PREPOSITIONS + r"(?:[ \t]+[^\s:：]{1,30}){1,3}?[ \t]*[:：]"
    r"|[ \t]*(?:は|：|:|=|是|为|為|는|은|で)"
)
_VALUE_TAIL = (
    r"[ \t]*[:：]?[ \t]*[\"'«„“「『]?"
    # A `!` at the end is the password's (`Fromage42!`): passwords take one far more often than a
    # sentence ends in one right after a password. `.` `,` `;` `?` stay outside.
    r"(?P<value>[!#-&(-~]{4,100}?)(?=[\"'»“”」』]?[.,;?。、]*(?:[^!-~]|$))"
)
_FOREIGN_TAIL = "(?:" + _JOIN + ")" + _VALUE_TAIL
# `network AcmeGuest, passphrase Tr4lY…`: the keyword then the value with nothing between (judged
# by `_prose_or_bare`); a `.` `,` `;` `!` `?` is part of it only inside it, read once (possessive).
_BARE = r"[ \t]++(?P<bare>)(?P<value>(?:[#-&(-+/-:<->@-~-]|[!.,;?](?=[!-~])){8,100}+)(?=[.,;!?]*(?:\s|$))"
# Russian, Chinese and Korean chat also just juxtapose (`логин root, пароль Xk9…`): a value with a digit.
# Polish says `hasło do serwera to Xk9…`; Turkish juxtaposes like Russian.
_WIDE_TAIL = "(?:" + _JOIN + r"|[ \t]+(?:[\w'’-]+[ \t]+){0,6}?to(?![\w])|[ \t]+(?=[!-~]{0,99}[0-9]))" + _VALUE_TAIL


# One literal per word, each with a character outside ASCII: the engine looks for a literal only in
# texts that hold those characters (Russian, Japanese, Chinese, Korean, Polish, Turkish).
_WIDE_HINTS = ("ароль", "パスワード", "密码", "密碼", "비밀번호", "asło", "şifre", "Şifre")


# `pw[:-1]`, `auth[2]`, `get(x)`: an index or a call after `password =` in code, not a password.
_CODE_VALUE = re.compile(r"[A-Za-z_$][\w$.]*[\[(]")


# Whole two-word keys, not `api` or `access` alone: both start thousands of words in code and docs.
_KEY_ANCHORS = (*(f"{a}{sep}{b}" for a, b in (("api", "key"), ("api", "token"), ("api", "schl"), ("access", "token"))
                  for sep in ("", " ", "_", "-")), "zugangsschl", "de acceso", "api ", "api:")


def _prose_or_bare(m: Any) -> bool:
    """With no verb or colon to say a value follows, only a value that mixes cases and digits after
    a whole word, and not made of words (not `password VARCHAR2`, `Passphrase Strength3 meter`,
    `Benutzerpasswort Abc…`)."""
    value: str = m.group("value")
    if m.group("bare") is None:
        return _prose_password(value)
    if m.start() and (m.string[m.start() - 1].isalnum() or m.string[m.start() - 1] in "_-"):
        return False
    mixed = any(c.isupper() for c in value) and any(c.islower() for c in value) and any(c.isdigit() for c in value)
    generated = not value.isalnum() or random_token(value, 12)  # a symbol, or long and random
    return mixed and generated and not wordy(value) and _prose_password(value)


def _prose_password(value: str) -> bool:
    if placeholder(value.rstrip(".,;:!?")) or "://" in value or _CODE_VALUE.match(value):
        return False
    return assign.prose_value(value)


FAMILY = Family(
    "foreign_prose_password",
    (
        Rule(
            "password",
            "(?i:" + "|".join(_ASCII_WORDS) + ")" + _SUFFIX + "(?:" + _FOREIGN_TAIL + "|" + _BARE + ")",
            "<REDACTED>",
            check=_prose_or_bare,
            anchors=_ASCII_ANCHORS,
        ),
        Rule(
            "password",
            "(?:" + "|".join(re.escape(w) for w in _WIDE_WORDS) + ")" + _SUFFIX + _WIDE_TAIL,
            "<REDACTED>",
            validator=_prose_password,
            prefilter=_WIDE_HINTS,
            wide=True,
        ),
        Rule(
            "password",
            # `creds for staging: ops / Xk9…`, `login: root / Xk9…`, `log in with admin / Xk9…`: a user
            # and a password as a pair
            r"(?i)(?<![\w])(?:creds|credentials|log[ \t]?in|logon)(?:[ \t]+[^\s:/]{1,20}){0,3}?"
            r"(?:[ \t]*:|[ \t]+(?:is|with|as|using))[ \t]*"
            r"[\w.@+-]{1,64}[ \t]+/[ \t]+(?P<value>[!-~]{6,100}?)(?=[.,;]?(?:\s|$))",
            "<REDACTED>",
            validator=_prose_password,
            anchors=("creds", "credential", "login", "log in", "logon"),
        ),
        Rule(
            "secret",
            # "here's the api key you asked for: …", "Der API-Schlüssel lautet …", "El token de acceso es …":
            # a key word, up to five words, a colon or a verb, then a generated value
            r"(?i)(?<![\w-])(?:api[ _-]?(?:key|token|schlüssel)|access[ _-]token|zugangsschlüssel"
            r"|(?<=token )de acceso|(?<=cl[ée] (?:d')?|chiave |chave (?:de )?)api)"
            r"(?:[ \t]+[\w'’-]{1,20}){0,5}?(?:[ \t]*[:：]|[ \t]+(?:is|lautet|ist|es|est|è|é|era|war))[ \t]*+"
            r"[\"'`]?+(?P<value>(?:[A-Za-z0-9+/_=~-]|\.(?=[A-Za-z0-9])){16,300}+)",
            "<SECRET>",
            validator=context_token,
            anchors=_KEY_ANCHORS,
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
        ("the staging admin login is admin / Lm0E19SkQ+21 for now", "Lm0E19SkQ+21"),
        ("login with admin / Adm1nPr0se on the staging box", "Adm1nPr0se"),
        ("log in as ops / Op5Sign!n to check", "Op5Sign!n"),
        ("Bonjour, le mot de passe est Fromage42! pour le wifi.", "Fromage42!"),
        ("username: carol, pw: C4rolPw!", "C4rolPw!"),
        ("Het wachtwoord van de staging-omgeving is Ka3RlzYl+47.", "Ka3RlzYl+47"),
        ("Hasło do serwera to Eb07EPpm41k+1174.", "Eb07EPpm41k+1174"),
        ("Test sunucusunun şifresi Ka3Y7SKf#676, lütfen paylaşma.", "Ka3Y7SKf#676"),
        ("Lösenordet till testmiljön är Pe2Fk2SKckR.5081.", "Pe2Fk2SKckR.5081"),
        ("Wi-Fi: network AcmeGuest, passphrase Tr4lY4PEJ*7568", "Tr4lY4PEJ*7568"),
        ("here's the api key you asked for: 8dkCZvv1OIrLawhYbozxyhD2 (prod)", "8dkCZvv1OIrLawhYbozxyhD2"),
        ("Der API-Schlüssel lautet uRxI8UT0P6zM0rBwtFGMiX.", "uRxI8UT0P6zM0rBwtFGMiX"),
        ("El token de acceso es oC1Bm8HU4M_TAQa3OXohp5, caduca mañana.", "oC1Bm8HU4M_TAQa3OXohp5"),
        ("La clé d'API est 9dKq2LmZx8Vb3NcR7tYw.", "9dKq2LmZx8Vb3NcR7tYw"),
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
        "log in with your email / phone number",
        "log in as admin / root to continue",
        "clave primaria: id",
        "the pw is in the vault",
        "Server=.;User Id=sa;Password=<YourStrong!Passw0rd>;",
        "password VARCHAR2(64) NOT NULL",
        "the login is admin / the password is in 1Password",
        "Hasło musi mieć co najmniej 12 znaków.",
        "Şifre en az 12 karakter olmalı.",
        "the api key is stored in Vault under secret/payments/stripe",
        "API key: YOUR_API_KEY_HERE",
        "Passphrase Strength3 meter in the UI",
    ),
)

FAMILIES = [FAMILY]

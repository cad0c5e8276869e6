"""assign.py: names and values of an assignment, in the forms issue 16's audit found missed or
changed: a flag name that ends in `pass`, `pw` names, a key-and-value call, an element named by its
attribute, a value wrapped in a conversion, a random value before prose; and code that only looks
like an assignment (ARNs, lists of class paths, cmdlets, file paths)."""

from __future__ import annotations

import pytest

from finetune_collection.scrub import assign
from finetune_collection.scrub.engine import Scrubber


@pytest.mark.parametrize(
    ("name", "level"),
    [("requirepass", "password"), ("DB_PW", "password"), ("rootpass", "password"), ("bypass", None),
     ("compass", None), ("PASSWORD_HASHERS", None), ("AUTH_PASSWORD_VALIDATORS", None)],
)
def test_strength(name: str, level: str | None) -> None:
    assert assign.strength(name) == level


CAUGHT = [
    ('props.put("mail.smtp.password", "PropsM4il");', "PropsM4il"),
    ('config.set("db.password", "C0nfSetPw");', "C0nfSetPw"),
    ('<property name="hibernate.connection.password">H1bern4te</property>', "H1bern4te"),
    ('<entry key="jdbc.password">Entr9Pw!</entry>', "Entr9Pw!"),
    ('<setting name="SmtpPassword" serializeAs="String"><value>XmlSett9Pw</value></setting>', "XmlSett9Pw"),
    ('var hmacKey = []byte("Hm4cK3yG0l4ngR4nd0mStr1ngXy9Zq7W")', "Hm4cK3yG0l4ngR4nd0mStr1ngXy9Zq7W"),
    ('const key = Buffer.from("Qm9xT3Zk7LpR2sWn8YcE4vHa")', "Qm9xT3Zk7LpR2sWn8YcE4vHa"),
    ("WARN  client_secret: Yt6Rn2Lp9Qm4Xz8Vc1Bs7Kd3Hf5Gj0Aw rejected by IdP", "Yt6Rn2Lp9Qm4Xz8Vc1Bs7Kd3Hf5Gj0Aw"),
    ("DB_PW=Pw9EnvFile!", "Pw9EnvFile!"),
    ("export PASS=kangaroo", "kangaroo"),  # `pass` before an `=` stays a name
    ("db pass: hunter2", "hunter2"),  # after a word, but not a plain word
    ("pass: letmein", "letmein"),  # at the start of a line
    ('{"admin_pw": "J5onAdm1nPw"}', "J5onAdm1nPw"),
]


@pytest.mark.parametrize(("text", "secret"), CAUGHT)
def test_caught(scrubber: Scrubber, text: str, secret: str) -> None:
    assert secret not in scrubber.scrub_text(text).text


KEPT = [
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/password-AbCdEf",
    "PASSWORD_HASHERS = ['django.contrib.auth.hashers.Argon2PasswordHasher']",
    "AUTH_PASSWORD_VALIDATORS = [{'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator'}]",
    "$pw = ConvertTo-SecureString -String $env:SVC_PW -AsPlainText -Force",
    "LoadCredential=dbpass:/etc/credstore/dbpass",
    'props.put("mail.smtp.password", "password");',
    '<property name="password.encoder">bcrypt</property>',
    "password: the one you chose at sign-up",
    'translate("password", "Mot de passe")',
    'if input("Password: ") == answer:',
    'print("Password: ") + " (hidden)"',
    "First pass: parse.\nSecond pass: Match the rules",  # the noun (issue 17's audit, a real Codex session)
    "Always pass `backend` to the constructor",  # the verb
]


@pytest.mark.parametrize("text", KEPT)
def test_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub_text(text).text == text

"""calls.py: constructors and calls whose N-th argument is a password (PHP, Ruby, Go, Python,
JavaMail), and a literal compared with what a user typed; the same calls with variables, and
comparisons with ordinary words, stay byte-identical."""

from __future__ import annotations

import pytest

from finetune_collection.scrub.engine import Scrubber

CAUGHT = [
    ("$pdo = new PDO($dsn, 'shop', 'Pd0Sh0pPw');", "Pd0Sh0pPw"),
    ("$conn = mysqli_connect('db', 'app', 'Mysq1iFn!', 'shop');", "Mysq1iFn!"),
    ("Net::SMTP.start('smtp.corp', 587, 'corp', 'mailer', 'RbSmtp9Pw', :login)", "RbSmtp9Pw"),
    ('auth := smtp.PlainAuth("", "noreply@acme.io", "G0SmtpPl4in", "smtp.acme.io")', "G0SmtpPl4in"),
    ("ftp = ftplib.FTP('ftp.corp', 'upload', 'Ftp9Upl0ad')", "Ftp9Upl0ad"),
    ('if (input == "K0tl1nCmp!") unlock()', "K0tl1nCmp!"),
    ('if ("Sw0rdf1sh" === userInput) {', "Sw0rdf1sh"),
    ('if input("Password: ") == "Py9Gu3ss!":', "Py9Gu3ss!"),
]


@pytest.mark.parametrize(("text", "secret"), CAUGHT)
def test_caught(scrubber: Scrubber, text: str, secret: str) -> None:
    assert secret not in scrubber.scrub_text(text).text


KEPT = [
    "$pdo = new PDO($dsn, $user, $pass);",
    'auth := smtp.PlainAuth("", user, password, host)',
    'if (input == "quit") break;',
    'if (input === "UTF-8") {',
    "if guess == 'yes':",
    "ftp = FTP('ftp.corp', 'anonymous', '')",
]


@pytest.mark.parametrize("text", KEPT)
def test_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub_text(text).text == text

"""prose.py: a password written in a sentence is replaced with its closing `!`, and a user and
password given as a pair after `log in with` / `sign in as`; a sentence that only mentions them stays."""

from __future__ import annotations

import pytest

from finetune_collection.scrub.engine import Scrubber


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bonjour, le mot de passe est Fromage42! pour le wifi.", "Bonjour, le mot de passe est <REDACTED> pour le wifi."),
        ("La password è Pizz4Marg! per l'admin.", "La password è <REDACTED> per l'admin."),
        ("Пароль от сервера: Matryoshka9!", "Пароль от сервера: <REDACTED>"),
        ("パスワード：Koyo_2024!", "パスワード：<REDACTED>"),
        ("username: carol, pw: C4rolPw!", "username: carol, pw: <REDACTED>"),
        ("Das Passwort lautet Sommer2024.", "Das Passwort lautet <REDACTED>."),
        ("login with admin / Adm1nPr0se on the staging box", "login with admin / <REDACTED> on the staging box"),
        ("Log in as ops / Op5Sign!n, then rotate it", "Log in as ops / <REDACTED>, then rotate it"),
    ],
)
def test_prose_passwords(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub_text(text).text == expected


@pytest.mark.parametrize(
    "text",
    ["log in with your email / phone number", "Das Passwort ist falsch!", "log in as admin / root to continue"],
)
def test_prose_that_names_no_password_stays(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub_text(text).text == text

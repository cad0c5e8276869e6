"""personal.py: an internationalised address is replaced whole; a login target of ssh/scp/rsync and
a placeholder user at a domain reserved for documentation are not personal data and stay."""

from __future__ import annotations

import pytest

from finetune_collection.scrub.engine import Scrubber
from finetune_collection.scrub.validators import documentation_address


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Schreib an jürgen.müller@beispiel.de", "Schreib an <EMAIL>"),
        ("contact: zoë.ñúñez+ci@correo.es", "contact: <EMAIL>"),
        ("Author: Bob <bob@corp-mail.io>", "Author: Bob <<EMAIL>>"),
        ("maria.gonzalez@example.com wrote", "<EMAIL> wrote"),  # a name at a reserved domain may be real
        ("curl --user roger23@gmail.com:Pw9 https://x", "curl --user <EMAIL>:<REDACTED> https://x"),
    ],
)
def test_addresses_are_replaced_whole(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub_text(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "user = User(email='test@example.com', password='changeme')",
        "Contact: user@example.com",
        "commit 3f9a2c1e7b5d4086a1c9e3f7b2d5a8c0e4f6b1d9\nAuthor: dev <dev@example.com>",
        "admin@app.test, nobody@x.invalid, you@docs.example",
        "ssh deploy@web-01.prod.corp 'systemctl restart app'",
        "scp build.tgz ops@web-01.prod.corp:/tmp/",
        "rsync -avz ./dist/ deploy@web-01.prod.corp:/var/www/",
        'subprocess.run(["ssh", "-p", "2222", "deploy@web-01.prod.corp", "uptime"])',
    ],
)
def test_logins_and_documentation_addresses_stay(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub_text(text).text == text


def test_documentation_address_needs_both_a_reserved_domain_and_a_placeholder_user() -> None:
    assert documentation_address("test@example.com") and documentation_address("user@mail.example.org")
    assert documentation_address("dev@shop.test") and documentation_address("admin@x.invalid")
    assert not documentation_address("test@example.co.uk")  # not reserved
    assert not documentation_address("test@notexample.com")
    assert not documentation_address("jane.doe@example.com")  # a name

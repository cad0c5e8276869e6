"""fallbacks.py: a default after an environment lookup, in Ruby `||=`, PHP `??=`, ERB and Python
`setdefault`; defaults that are not secrets stay."""

from __future__ import annotations

import pytest

from finetune_collection.scrub.engine import Scrubber


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("ENV['SMTP_PASSWORD'] ||= 'RbEnvDef4ult'", "RbEnvDef4ult"),
        ("$_ENV['DB_PASSWORD'] ??= 'PhpEnvD3f!';", "PhpEnvD3f!"),
        ("production:\n  password: <%= ENV.fetch('DB_PW', 'ErbF4llback') %>", "ErbF4llback"),
        ('os.environ.setdefault("DJANGO_DB_PASSWORD", "Dj4ngoSetD3f")', "Dj4ngoSetD3f"),
    ],
)
def test_caught(scrubber: Scrubber, text: str, secret: str) -> None:
    assert secret not in scrubber.scrub_text(text).text


@pytest.mark.parametrize(
    "text",
    ["ENV['RAILS_ENV'] ||= 'test'", 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")'],
)
def test_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub_text(text).text == text

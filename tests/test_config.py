"""Config: defaults equal the seed; a bad file fails with file, key and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from finetune_collection import config as config_mod
from finetune_collection.errors import ConfigError


def test_defaults_equal_the_seed() -> None:
    c = config_mod.Config()
    qf = c.quality_filters
    assert qf.min_quality_score == 0.9 and qf.min_human_approval is True
    assert qf.positive_signals == ["tests_passed", "code_review_approved", "zero_fix_iterations", "user_accepted"]
    assert qf.negative_signals == ["errors_occurred", "multiple_retries", "user_rejected", "timeout"]


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, finetune_home: Path) -> None:
    assert config_mod.load().quality_filters.min_quality_score == 0.9
    finetune_home.mkdir(parents=True)
    (finetune_home / "config.yaml").write_text("quality_filters:\n  min_quality_score: 0.8\n")
    assert config_mod.load().quality_filters.min_quality_score == 0.8
    explicit = tmp_path / "other.yaml"
    explicit.write_text("quality_filters:\n  min_quality_score: 0.7\n")
    monkeypatch.setenv("FINETUNE_CONFIG", str(explicit))
    assert config_mod.load().quality_filters.min_quality_score == 0.7


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("quality_filters:\n  min_quality_score: 1.4\n", ["quality_filters.min_quality_score", "1.4"]),
        ("quality_filter:\n  min_quality_score: 0.5\n", ["quality_filter", "unknown key"]),
        ("pii_patterns:\n  - type: x\n    pattern: '([a-z'\n    replacement: X\n", ["pii_patterns.0.pattern", "compile"]),
        ("dedup: [1, 2]\n", ["dedup"]),
        ("- just a list\n", ["top level"]),
        ("quality_filters: {min_quality_score: 0.5\n", ["not valid YAML"]),
    ],
)
def test_bad_config_names_file_key_and_reason(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        config_mod.load(path)
    message = str(err.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_seed_pii_patterns_in_config_form_load(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "pii_patterns:\n"
        "  - type: email\n    pattern: \"[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\\\.[a-zA-Z]{2,}\"\n    replacement: \"<EMAIL>\"\n"
        "  - type: password\n    pattern: \"password[\\\"']?\\\\s*[:=]\\\\s*[\\\"'][^\\\"']+[\\\"']\"\n"
        "    replacement: \"password: <REDACTED>\"\n"
    )
    loaded = config_mod.load(path)
    assert [p.type for p in loaded.pii_patterns] == ["email", "password"]
    assert loaded.pii_patterns[1].replacement == "password: <REDACTED>"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"\xff\xfe quality_filters: {}\n", "not UTF-8"),
        (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
        (b"#" * (config_mod.MAX_CONFIG_BYTES + 1), "larger than"),  # read bounded: think /dev/zero
    ],
)
def test_unreadable_config_is_a_config_error(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as err:
        config_mod.load(path)
    assert str(path) in str(err.value) and fragment in str(err.value)


@pytest.mark.parametrize("key", [
    "quality_filters:\n  min_quality_score: true",
    "quality_filters:\n  scoring:\n    base: true",
    "quality_filters:\n  quality_levels:\n    high: true",
    "limits:\n  lock_timeout: true",
    "limits:\n  list_page_size: true",
    "dedup:\n  num_perm: false",
    "export:\n  token_limits:\n    nova: true",
])
def test_booleans_are_refused_for_numbers(tmp_path: Path, key: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(key + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a number, not true/false") as err:
        config_mod.load(path)
    assert str(path) in str(err.value)


def test_unknown_scrub_types_fail_when_the_config_loads(tmp_path: Path, finetune_home: Path) -> None:
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    path = tmp_path / "config.yaml"
    path.write_text("scrub:\n  disable: [emial, phone, zzprivatezz]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config_mod.load(path, scrub_types=lambda: ["email", "phone"])
    message = str(err.value)
    assert f"{path}: scrub.disable: 2 of the 3 name(s) are not scrub catalog types; known: email, phone" in message
    assert "emial" not in message and "zzprivatezz" not in message
    config_mod.load(path)  # without the catalog (a caller below scrub/), the names are not checked here
    # Every surface passes the catalog: `finetune config` fails at once, naming the file.
    result = CliRunner().invoke(cli, ["config"], env={"FINETUNE_CONFIG": str(path)})
    assert result.exit_code == 1 and f"{path}: scrub.disable: 2 of the 3" in result.stderr
    assert "known: anthropic_key" in result.stderr and "zzprivatezz" not in result.stderr
    path.write_text("scrub:\n  disable: [phone]\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["config"], env={"FINETUNE_CONFIG": str(path)}).exit_code == 0

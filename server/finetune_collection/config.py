"""Configuration: the seed's YAML keys plus our `scrub`, `dedup`, `export`, `limits` and `store` sections.

Lookup order: `$FINETUNE_CONFIG`, else `$FINETUNE_HOME/config.yaml`, else built-in defaults.
Defaults equal the seed spec (min_quality_score 0.9, human approval required, the seed's signal
names and placeholders). A bad file fails at start with `file: key: reason`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Annotated, Any, Literal

import regex
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from .errors import ConfigError

FORMAT_NAMES = (
    "openai", "anthropic", "bedrock", "nova", "vertex", "together", "sharegpt", "alpaca", "axolotl", "hf-messages",
    "hf-prompt-completion", "hf-dataset", "openai-dpo", "trl-preference",
)
"""The export targets' names, so settings can be checked here; export/formats/ registers one
module per name (a test keeps the two in step)."""

SEED_POSITIVE = ["tests_passed", "code_review_approved", "zero_fix_iterations", "user_accepted"]
SEED_NEGATIVE = ["errors_occurred", "multiple_retries", "user_rejected", "timeout"]


def _refuse_bool(value: Any) -> Any:
    # pydantic reads `true` as 1 for a number; in a config file it is a slip (`min_quality_score:
    # true` meant 1.0 and let everything through), so it is refused.
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


Number = Annotated[float, BeforeValidator(_refuse_bool)]
Count = Annotated[int, BeforeValidator(_refuse_bool)]

ScrubTypes = Callable[[], Collection[str]]
"""The scrub catalog's type names, asked for only when `scrub.disable` names some: this module
sits below scrub/ and cannot import it, so the surfaces that load the config pass this in."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Scoring(_Section):
    """How a score is computed when the caller gives none (documented in the README).

    computed = base + per_positive × (positive signals), capped at 1;
    every negative signal then subtracts `per_negative` from whatever score was used
    (given, from a label, or computed), floored at 0.
    """

    # Two positive signals and no negative one reach the default threshold (0.7 + 2 × 0.1 = 0.9);
    # one negative signal keeps any computed score under it.
    base: Number = Field(default=0.7, ge=0, le=1)
    per_positive: Number = Field(default=0.1, ge=0, le=1)
    per_negative: Number = Field(default=0.2, ge=0, le=1)


class SignalSettings(_Section):
    """Signals read from the transcript (see signals/) next to what the caller claims."""

    detect: bool = Field(default=True, description="read signals from the record of captured exchanges")
    contradicted_claims: Literal["drop", "keep"] = Field(
        default="drop", description="a claimed positive signal the record contradicts: drop it, or keep it as a claim"
    )
    unconfirmed_claims: Literal["count", "drop"] = Field(
        default="count", description="a claim the record neither shows nor contradicts: count it, or drop it"
    )


class QualityFilters(_Section):
    min_quality_score: Number = Field(default=0.9, ge=0, le=1)
    min_human_approval: bool = True
    evidence_signals: list[str] = Field(
        default_factory=lambda: ["build_passed", "committed", "lint_clean"],
        description="signals only a record shows; stored and known, not scored unless listed as positive",
    )
    signals: SignalSettings = Field(default_factory=SignalSettings)
    keep_below_threshold: bool = Field(
        default=True,
        description="store examples scored under min_quality_score as below_threshold (never exported "
        "unless re-scored above it or approved); false: discard them, as the seed did",
    )
    positive_signals: list[str] = Field(default_factory=lambda: list(SEED_POSITIVE))
    negative_signals: list[str] = Field(default_factory=lambda: list(SEED_NEGATIVE))
    quality_levels: dict[Literal["high", "medium", "low"], Number] = Field(
        default_factory=lambda: {"high": 0.95, "medium": 0.8, "low": 0.5}  # type: ignore[arg-type]
    )
    scoring: Scoring = Field(default_factory=Scoring)

    @field_validator("quality_levels")
    @classmethod
    def _levels_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        for name, score in value.items():
            if not 0 <= score <= 1:
                raise ValueError(f"{name}: {score} is not in [0, 1]")
        return value


class PiiPattern(_Section):
    type: str = Field(min_length=1, max_length=64)
    pattern: str = Field(min_length=1)
    replacement: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            regex.compile(value)
        except regex.error as err:
            raise ValueError(f"pattern does not compile: {err}") from None
        return value


class ScrubSettings(_Section):
    disable: list[str] = Field(default_factory=list, description="catalog types to turn off")
    allow: list[str] = Field(default_factory=list, description="regexes of values never replaced")
    pseudonyms: bool = Field(default=False, description="<EMAIL_1>, <EMAIL_2> … within an example")
    pattern_timeout: Number = Field(default=1.0, gt=0, le=60, description="seconds per user pattern")

    @field_validator("disable")
    @classmethod
    def _known_types(cls, value: list[str], info: ValidationInfo) -> list[str]:
        scrub_types: ScrubTypes | None = (info.context or {}).get("scrub_types")
        if value and scrub_types is not None:
            known = set(scrub_types())
            unknown = [t for t in value if t not in known]
            if unknown:
                raise ValueError(f"{len(unknown)} of the {len(value)} name(s) are not scrub catalog types; "
                                 f"known: {', '.join(sorted(known))}")
        return value

    @field_validator("allow")
    @classmethod
    def _allow_compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                regex.compile(pattern)
            except regex.error as err:
                raise ValueError(f"allow pattern {pattern!r} does not compile: {err}") from None
        return value


class DedupSettings(_Section):
    """Near-duplicate detection (near.py). Defaults measured on tests/dedup/corpus.jsonl.gz
    (exact Jaccard of shingle sets; tokens split words from punctuation):

    | shingles | should match: lowest (small edit, renamed, sentence, revision) | hard negatives: highest |
    | word 3   | 0.79, 0.65, 0.74, 0.79                                         | 0.28 (same template)    |
    | word 2   | 0.84, 0.77, 0.76, 0.80                                         | 0.34                    |
    | char 5   | 0.86, 0.79, 0.76, 0.82                                         | 0.41                    |
    | char 4   | 0.89, 0.84, 0.76, 0.82                                         | 0.46                    |

    char 5-grams keep a renamed identifier's unchanged letters (word 3-grams lose three shingles
    per renamed token: 0.65), with the widest gap; threshold 0.7 sits 0.06 (1.5σ of the
    128-permutation estimate, σ ≈ sqrt(J(1-J)/128) ≈ 0.04) below the lowest positive and 0.29
    above the highest hard negative (0.09 above two different functions of one module, 0.61),
    erring toward precision. The same prompt with a different
    answer reaches 0.93 overall but ≤ 0.07 on the answer side, hence answer_threshold 0.5 (the
    lowest positive answer side is 0.76). 128 permutations: 512 bytes per side stored; 64 would
    double the estimate's variance (σ 0.057) for half the bytes.
    """

    near: bool = True
    threshold: Number = Field(default=0.7, gt=0, le=1, description="estimated Jaccard of all content")
    answer_threshold: Number = Field(
        default=0.5, ge=0, le=1, description="estimated Jaccard of the assistant turns alone"
    )
    shingle: Literal["word", "char"] = "char"
    shingle_size: Count = Field(default=5, ge=1, le=20)
    num_perm: Count = Field(default=128, ge=16, le=1024)


class ExportSettings(_Section):
    context_placement: Literal["system", "user", "drop"] = Field(
        default="system",
        description="where input.context goes: appended to the system prompt, prepended to the "
        "first user turn, or dropped",
    )
    directory: str | None = Field(default=None, description="default: $FINETUNE_HOME/exports")
    context_by_format: dict[str, Literal["system", "user", "drop"]] = Field(
        default_factory=dict, description="per-format override of context_placement, e.g. {alpaca: user}"
    )
    token_limits: dict[str, Count] = Field(
        default_factory=dict,
        description="per-format token limit per example, overriding the documented one for the chosen model "
        "(e.g. nova: 32000)",
    )
    tokenizer: str | None = Field(
        default=None,
        description="count tokens with a local tokenizer: a path to a Hugging Face tokenizer.json, or "
        "tiktoken:<encoding> when that encoding is already cached; without one, counts are estimated "
        "(~4 characters per token) and labelled so",
    )

    @field_validator("context_by_format", "token_limits")
    @classmethod
    def _known_formats(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(FORMAT_NAMES)
        if unknown:
            raise ValueError(f"{len(unknown)} unknown format name(s); known: {', '.join(FORMAT_NAMES)}")
        if any(isinstance(v, int) and v < 1 for v in value.values()):
            raise ValueError("token limits must be positive")
        return value


class Limits(_Section):
    max_example_bytes: Count = Field(default=1_000_000, ge=1_000)
    lock_timeout: Number = Field(default=10.0, gt=0, le=600)
    list_page_size: Count = Field(default=100, ge=1, le=10_000)


class StoreSettings(_Section):
    url: str | None = Field(
        default=None,
        description="postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE for a shared team store; unset: the "
        "embedded store in $FINETUNE_HOME. $FINETUNE_STORE, when set, takes precedence",
    )


class JwtSettings(_Section):
    """JWTs from an identity provider, accepted next to the tokens of `finetune token add`."""

    issuer: str = Field(min_length=1, description="the `iss` every token must carry")
    audience: str = Field(min_length=1, description="the `aud` every token must carry (this server)")
    jwks_url: str = Field(pattern=r"^https?://", description="where the provider publishes its signing keys")
    algorithms: list[str] = Field(default_factory=lambda: ["RS256"], min_length=1)
    identity_claim: str = Field(default="sub", min_length=1, description="the claim recorded as collected_by")


ALLOWED_HOST = regex.compile(r"(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(?:[0-9]{1,5}|\*))?")
ALLOWED_HOST_RULE = ("a host name or address as clients type it, optionally with :PORT or :* (any port), "
                     "e.g. finetune.example.com, 10.0.0.5:8765, [fd00::5]:*")


def allowed_host(value: str) -> str | None:
    """An allowed Host name as the server compares it (lower case), or None if it is not one."""
    name = value.strip().lower()
    return name if ALLOWED_HOST.fullmatch(name) else None


class ServerSettings(_Section):
    """`finetune serve --http`: who may call the team server, and by which names."""

    tokens_file: str | None = Field(
        default=None,
        description="the access tokens file (default $FINETUNE_HOME/tokens.json); point several servers at "
        "one shared file",
    )
    jwt: JwtSettings | None = None
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the server answers to besides its own address (a reverse proxy's name, a "
        "LAN address); a request naming another gets 421. With --allowed-host on the command line",
    )

    @field_validator("allowed_hosts")
    @classmethod
    def _host_names(cls, value: list[str]) -> list[str]:
        names = [allowed_host(v) for v in value]
        if None in names:
            raise ValueError(f"each entry is {ALLOWED_HOST_RULE}")
        return [n for n in names if n is not None]


class Config(_Section):
    quality_filters: QualityFilters = Field(default_factory=QualityFilters)
    pii_patterns: list[PiiPattern] = Field(
        default_factory=list,
        description="user patterns, run after the built-in catalog (which already covers the "
        "seed's email, api_key and password types with the seed's placeholders)",
    )
    scrub: ScrubSettings = Field(default_factory=ScrubSettings)
    dedup: DedupSettings = Field(default_factory=DedupSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)
    limits: Limits = Field(default_factory=Limits)
    store: StoreSettings = Field(default_factory=StoreSettings)


    server: ServerSettings = Field(default_factory=ServerSettings)

    @property
    def known_signals(self) -> list[str]:
        qf = self.quality_filters
        return list(dict.fromkeys([*qf.positive_signals, *qf.negative_signals, *qf.evidence_signals]))


def home() -> Path:
    """The data folder: `$FINETUNE_HOME`, else the platform's user data folder."""
    env = os.environ.get("FINETUNE_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("finetune-collection", appauthor=False))


def local_user() -> str:
    """Who is at the keyboard, for `collected_by` / `approved_by` over the CLI and stdio."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no $USER (a bare container)
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


TOKENS_FILE = "tokens.json"


def tokens_file(config: Config) -> Path:
    """The team server's tokens file: `server.tokens_file` (relative to the data folder), else
    `tokens.json` there. Here, not in mcp/, because no export may replace it wherever it is."""
    given = config.server.tokens_file
    if not given:
        return home() / TOKENS_FILE
    path = Path(given).expanduser()
    return path if path.is_absolute() else home() / path


def config_path() -> Path | None:
    env = os.environ.get("FINETUNE_CONFIG")
    if env:
        return Path(env).expanduser()
    candidate = home() / "config.yaml"
    return candidate if candidate.exists() else None


MAX_CONFIG_BYTES = 1 << 20


def load(path: Path | None = None, *, scrub_types: ScrubTypes | None = None) -> Config:
    """Load and validate the config; raise ConfigError naming the file, key and reason.
    `scrub_types`: check `scrub.disable` against the catalog's types too (the surfaces pass it)."""
    path = path if path is not None else config_path()
    if path is None:
        return Config()
    try:
        # O_NONBLOCK: opening a FIFO would wait for a writer, and every command with it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as f:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode) and not _is_null_device(fd):
                raise ConfigError(f"{path}: the config must be a regular file, and this is a {_kind(mode)}; "
                                  "point FINETUNE_CONFIG (or $FINETUNE_HOME/config.yaml) at a YAML file")
            raw = f.read(MAX_CONFIG_BYTES + 1)  # bounded: FINETUNE_CONFIG=/dev/zero must not eat memory
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes; is this the config file?")
        text = raw.decode("utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read config file: {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start}); save the config as UTF-8") from None
    return parse(text, str(path), scrub_types=scrub_types)


def _is_null_device(fd: int) -> bool:
    """FINETUNE_CONFIG=/dev/null: an empty config, as it always read."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(os.devnull))
    except OSError:
        return False


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISDIR, "folder"), (stat.S_ISSOCK, "socket"),
             (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"))
    return next((name for test, name in kinds if test(mode)), "special file")


def parse(text: str, source: str = "config.yaml", *, scrub_types: ScrubTypes | None = None) -> Config:
    import yaml

    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"{source}: not valid YAML: {err}") from None
    except RecursionError:  # PyYAML recurses per nesting level
        raise ConfigError(f"{source}: nested too deeply to parse; a config is a few levels deep") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of sections")
    try:
        return Config.model_validate(data, context={"scrub_types": scrub_types})
    except ValidationError as err:
        lines = []
        for item in err.errors(include_url=False):
            loc = ".".join(str(p) for p in item["loc"])
            msg = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                msg = "unknown key"
            value = item.get("input")
            scalar = isinstance(value, int | float | str) and item["type"] != "extra_forbidden"
            shown = f" (got {value!r})" if scalar else ""
            lines.append(f"{source}: {loc}: {msg}{shown}")
        raise ConfigError("\n".join(lines)) from None


def dump(config: Config) -> str:
    import yaml

    return yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, allow_unicode=True)

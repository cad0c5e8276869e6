"""The public request and report models (pydantic: they cross the CLI and MCP edges)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..model import Status

MAX_SKIPPED_LISTED = 200
Verdict = Literal["ready", "partial", "not ready"]


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = "openai"
    output: Path | None = Field(
        default=None, description="final path; default $FINETUNE_HOME/exports/<format>-<time>.jsonl"
    )
    task_type: list[str] | None = None
    workflow: list[str] | None = None
    phase: list[str] | None = None
    min_quality: float | None = Field(default=None, ge=0, le=1)
    signals: list[str] | None = Field(default=None, description="examples carrying every one of these signals")
    tier: list[Literal["gold", "silver", "bronze"]] | None = Field(
        default=None, description="only these evidence tiers (gold: observed tests passed and user accepted; "
        "silver: an observed positive signal; bronze: claims only)",
    )
    source: list[str] | None = Field(
        default=None, description="only examples imported from these formats (metadata.source.format: claude-code, "
        "codex, openai, …)",
    )
    approved_only: bool = Field(default=False, description="only examples a person approved")
    inferred_pairs: bool = Field(
        default=True,
        description="preference formats: also pair an accepted answer with an earlier user_rejected answer to the "
        "same or a near-duplicate prompt (reported as inferred; explicit rejected alternatives come first)",
    )
    since: datetime | None = Field(default=None, description="created at or after (naive = UTC)")
    until: datetime | None = Field(default=None, description="created before (naive = UTC)")
    ids: list[str] | None = None
    collected_by: list[str] | None = Field(default=None, description="only examples collected by these people")
    status: list[Status] = Field(default=["accepted"], min_length=1)
    limit: int | None = Field(default=None, ge=1)
    split: float | None = Field(default=None, gt=0, lt=1, description="validation fraction: NAME.train/val.jsonl")
    seed: int = 0
    fix: bool = Field(
        default=False,
        description="also drop blank user/assistant turns, and the text beside tool calls where the format "
        "has one value per turn (sharegpt); the safe fixes (move a leading system turn to the "
        "system field, merge consecutive same-role turns) apply without it",
    )
    strict: bool = Field(
        default=False, description="apply no repair at all: an example that breaks a rule is refused and reported"
    )
    model: str | None = Field(
        default=None,
        description="the model to train, for its per-example token limit (each format lists the models it knows; "
        "another name keeps the format's default)",
    )
    license: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9.+-]{0,63}$",
        description="hf-dataset: the card's license id (e.g. cc-by-4.0, mit); default other",
    )

    @field_validator("license", mode="before")
    @classmethod
    def _license_id(cls, value: Any) -> Any:
        # The Hub's ids are lower case; "MIT" and "Apache-2.0" are what people type.
        return value.lower() if isinstance(value, str) else value
    overwrite: bool = False
    dedup: bool = Field(
        default=False,
        description="leave out the near-duplicates a `finetune dedup` re-check would remove (nothing is deleted)",
    )


class InferredPair(BaseModel):
    """A pair linked by export/pairs.py, not given by the caller: reported so it can be checked."""

    chosen: str
    rejected: str = Field(description="the user_rejected example whose final answer is the rejected side")
    match: Literal["exact", "near"] = Field(description="same prompt, or a near-duplicate prompt")
    similarity: float


class Skipped(BaseModel):
    id: str
    rule: str
    detail: str = ""


class ExportReport(BaseModel):
    format: str
    written: int
    legacy: str | None = Field(default=None, description="why this target is legacy, with the date")
    services: list[str] = Field(default_factory=list, description="services that take this format, status and source")
    model: str | None = Field(default=None, description="the model whose token limit applied")
    token_limit: int | None = None
    token_counting: str = Field(default="", description="which tokenizer counted, or that counts are estimates")
    losses: dict[str, int] = Field(
        default_factory=dict, description="written examples that lost something the target cannot carry, by name"
    )
    lost_ids: dict[str, list[str]] = Field(default_factory=dict, description="up to 20 ids per loss")
    more_would_pass: dict[str, int] = Field(
        default_factory=dict, description="skipped examples that another setting would write, by setting"
    )
    skipped: list[Skipped] = Field(default_factory=list, description=f"first {MAX_SKIPPED_LISTED} skipped examples")
    skipped_count: int = 0
    skipped_by_rule: dict[str, int] = Field(default_factory=dict)
    fixed: dict[str, int] = Field(default_factory=dict, description="examples repaired by --fix, per repair")
    paths: list[str] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict, description="records per file (train/val when split)")
    warnings: list[str] = Field(default_factory=list)
    tokens_estimated: int = Field(default=0, description="estimated offline at ~4 chars/token")
    billed_tokens_estimated: int = 0
    default_epochs: int = 0
    matched: int = Field(default=0, description="examples that matched the filters")
    records: int = Field(default=0, description="lines written: one per example, one per answer for trl-kto")
    preference: dict[str, int] = Field(
        default_factory=dict,
        description="preference formats: explicit_pairs / inferred_pairs written, or label_true / label_false "
        "(of which label_false_inferred, label_false_unpaired)",
    )
    inferred_pairs: list[InferredPair] = Field(
        default_factory=list, description=f"first {MAX_SKIPPED_LISTED} inferred pairs written"
    )

    def render(self) -> str:
        lines = [
            f"wrote {self.written} example(s) as {self.format}"
            + (f" ({self.records} records)" if self.records != self.written else "") + ": "
            + ", ".join(f"{p} ({self.counts[p]})" if p in self.counts else p for p in self.paths)
        ]
        if self.preference:
            lines.append("preference data: " + ", ".join(f"{k} {v}" for k, v in self.preference.items()))
        lines += [
            f"  inferred: {p.chosen} over {p.rejected} ({p.match} prompt match, {p.similarity:g})"
            for p in self.inferred_pairs[:20]
        ]
        if self.skipped_count:
            rules = ", ".join(f"{k} {v}" for k, v in self.skipped_by_rule.items())
            lines.append(f"skipped {self.skipped_count}: {rules}")
            lines += [f"  {s.id}: {s.rule} ({s.detail})" for s in self.skipped[:20]]
        if self.fixed:
            lines.append("fixed: " + ", ".join(f"{k} {v}" for k, v in self.fixed.items()))
        for how, n in self.more_would_pass.items():
            lines.append(f"{n} skipped example(s) would be written with {how}")
        for loss, n in self.losses.items():
            ids = ", ".join(self.lost_ids.get(loss, []))
            lines.append(f"lost in {n} written example(s): {loss} (e.g. {ids})")
        lines.append(
            f"tokens: {self.tokens_estimated} ({self.token_counting or 'estimated'}); training for "
            f"{self.default_epochs} epoch(s) bills ~{self.billed_tokens_estimated} tokens"
        )
        if self.legacy:
            lines.append(f"legacy: {self.legacy}")
        lines += [f"service: {s}" for s in self.services]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


class FormatCheck(BaseModel):
    format: str
    passed: int
    failed: int
    fixable: int = Field(description="failed examples that a looser setting would make pass")
    passed_with_fixes: int = Field(default=0, description="passing examples that needed a repair (fix.py)")
    would_pass_with: dict[str, int] = Field(
        default_factory=dict, description="failed examples that pass with another setting, by setting"
    )
    verdict: Verdict = "not ready"
    within_limit: int = Field(default=0, description="passing examples within the token limit")
    tokens_p50: int = 0
    tokens_p90: int = 0
    tokens_max: int = 0
    turns_p50: int = 0
    turns_max: int = 0
    task_balance: dict[str, int] = Field(default_factory=dict, description="passing examples per task type")
    losses: dict[str, int] = Field(default_factory=dict, description="passing examples that lose something, by name")
    model: str | None = None
    token_counting: str = ""
    legacy: str | None = None
    services: list[str] = Field(default_factory=list)
    snippet: str = Field(default="", description="trainer configuration to paste (axolotl's dataset YAML)")
    failures: dict[str, int] = Field(default_factory=dict, description="failed examples by first rule broken")
    failed_ids: dict[str, list[str]] = Field(default_factory=dict, description="up to 5 ids per rule")
    warnings: dict[str, int] = Field(default_factory=dict)
    over_token_limit: int = 0
    token_limit: int | None = None
    tokens_estimated: int = 0
    billed_tokens_estimated: int = 0
    default_epochs: int = 0
    min_examples: int | None = None
    recommended_examples: int | None = None
    ready: bool = False
    missing: list[str] = Field(default_factory=list)
    cost_line: str = ""
    preference: dict[str, int] = Field(
        default_factory=dict,
        description="preference targets: explicit_pairs, inferred_pairs, unpaired_accepted (no alternative), "
        "unpaired_rejected (a user_rejected answer nothing corrected); or label_true, label_false "
        "(label_false_inferred, label_false_unpaired)",
    )


class PortabilityReport(BaseModel):
    matched: int
    formats: list[FormatCheck]
    evidence: dict[str, int] = Field(
        default_factory=dict,
        description="matching examples by evidence tier (gold, silver, bronze, none) and their signals observed "
        "in the record vs claimed by the caller",
    )
    note: str = (
        "costs are token counts, not prices"
    )

    def render(self) -> str:
        lines = [f"portability of {self.matched} matching example(s); nothing written"]
        if self.evidence:
            lines.append("evidence: " + ", ".join(f"{k} {v}" for k, v in self.evidence.items()))
        for f in self.formats:
            label = f" (legacy: {f.legacy})" if f.legacy else ""
            lines.append(
                f"{f.format}: {f.verdict}{label}: {f.passed - f.passed_with_fixes} pass, "
                f"{f.passed_with_fixes} pass with safe fixes, {f.failed} fail"
            )
            if f.preference:
                lines.append("  preference data: " + ", ".join(f"{k} {v}" for k, v in f.preference.items()))
            for rule, n in f.failures.items():
                lines.append(f"  {rule}: {n} (e.g. {', '.join(f.failed_ids.get(rule, []))})")
            for how, n in f.would_pass_with.items():
                lines.append(f"  {n} more would pass with {how}")
            for rule, n in f.warnings.items():
                lines.append(f"  warning {rule}: {n}")
            for loss, n in f.losses.items():
                lines.append(f"  lost in {n} passing example(s): {loss}")
            if f.passed:
                lines.append(
                    f"  tokens p50 {f.tokens_p50}, p90 {f.tokens_p90}, max {f.tokens_max} ({f.token_counting}); "
                    f"limit {f.token_limit if f.token_limit is not None else 'none'}"
                    + (f" for {f.model}" if f.model else "")
                    + f", {f.over_token_limit} over; turns p50 {f.turns_p50}, max {f.turns_max}"
                )
                lines.append("  tasks: " + ", ".join(f"{k} {v}" for k, v in f.task_balance.items()))
            lines += [f"  missing: {m}" for m in f.missing]
            lines.append(f"  {f.cost_line}")
            lines += [f"  service: {s}" for s in f.services]
            if f.snippet:
                lines.append("  dataset config to paste:")
                lines += [f"    {x}" for x in f.snippet.splitlines()]
        lines.append(f"note: {self.note}")
        return "\n".join(lines)

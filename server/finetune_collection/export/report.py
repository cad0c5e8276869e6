"""The public request and report models (pydantic: they cross the CLI and MCP edges)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..model import Status

MAX_SKIPPED_LISTED = 200


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
    since: datetime | None = Field(default=None, description="created at or after (naive = UTC)")
    until: datetime | None = Field(default=None, description="created before (naive = UTC)")
    ids: list[str] | None = None
    status: list[Status] = Field(default=["accepted"], min_length=1)
    limit: int | None = Field(default=None, ge=1)
    split: float | None = Field(default=None, gt=0, lt=1, description="validation fraction: NAME.train/val.jsonl")
    seed: int = 0
    fix: bool = False
    overwrite: bool = False
    dedup: bool = Field(
        default=False,
        description="leave out the near-duplicates a `finetune dedup` re-check would remove (nothing is deleted)",
    )


class Skipped(BaseModel):
    id: str
    rule: str
    detail: str = ""


class ExportReport(BaseModel):
    format: str
    written: int
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

    def render(self) -> str:
        lines = [
            f"wrote {self.written} example(s) as {self.format}: "
            + ", ".join(f"{p} ({self.counts.get(p, self.written)})" for p in self.paths)
        ]
        if self.skipped_count:
            rules = ", ".join(f"{k} {v}" for k, v in self.skipped_by_rule.items())
            lines.append(f"skipped {self.skipped_count}: {rules}")
            lines += [f"  {s.id}: {s.rule} ({s.detail})" for s in self.skipped[:20]]
        if self.fixed:
            lines.append("fixed: " + ", ".join(f"{k} {v}" for k, v in self.fixed.items()))
        lines.append(
            f"tokens: ~{self.tokens_estimated} (estimated offline, ~4 chars/token); training for "
            f"{self.default_epochs} epoch(s) bills ~{self.billed_tokens_estimated} tokens"
        )
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


class FormatCheck(BaseModel):
    format: str
    passed: int
    failed: int
    fixable: int = Field(description="failed examples that --fix would make pass (0 when fix was on)")
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


class PortabilityReport(BaseModel):
    matched: int
    formats: list[FormatCheck]
    note: str = (
        "tokens are estimated offline (~4 characters per token, no tokenizer); costs are token counts, not prices"
    )

    def render(self) -> str:
        lines = [f"portability of {self.matched} matching example(s); nothing written"]
        for f in self.formats:
            status = "ready" if f.ready else "not ready"
            lines.append(f"{f.format}: {f.passed} pass, {f.failed} fail ({status})")
            for rule, n in f.failures.items():
                lines.append(f"  {rule}: {n} (e.g. {', '.join(f.failed_ids.get(rule, []))})")
            if f.fixable:
                lines.append(f"  --fix would repair {f.fixable}")
            for rule, n in f.warnings.items():
                lines.append(f"  warning {rule}: {n}")
            lines += [f"  missing: {m}" for m in f.missing]
            lines.append(f"  {f.cost_line}")
        lines.append(f"note: {self.note}")
        return "\n".join(lines)

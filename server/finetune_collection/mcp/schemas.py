"""What the tools publish: argument JSON schemas and result models.

Argument types are loose (`Any` with a published JSON schema) so that the SDK's own validation
message, which echoes input values, is never what the client sees: the pipeline validates, and
its messages name fields, never values.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from ..export import ExportReport, PortabilityReport
from ..pipeline import CollectResult

TEXT = {"type": "string"}
INPUT_SCHEMA = {
    "type": "object",
    "description": "The seed's single-turn input. Use with `output`, or use `messages` instead.",
    "properties": {
        "system": {**TEXT, "description": "system prompt"},
        "user": {**TEXT, "description": "the user's request"},
        "context": {**TEXT, "description": "background the assistant had (project facts, files)"},
    },
    "required": ["user"],
}
OUTPUT_SCHEMA = {
    "type": "object",
    "properties": {"assistant": {**TEXT, "description": "the assistant's final answer"}},
    "required": ["assistant"],
}
MESSAGES_SCHEMA = {
    "type": "array",
    "description": "Multi-turn example in OpenAI chat roles (system first if any, then user/assistant/tool); "
    "assistant turns may carry tool_calls [{id, type:function, function:{name, arguments}}], tool turns "
    "carry tool_call_id. Use instead of input/output.",
    "items": {
        "type": "object",
        "properties": {
            "role": {"enum": ["system", "user", "assistant", "tool"]},
            "content": {"type": ["string", "null"]},
            "tool_calls": {"type": "array", "items": {"type": "object"}},
            "tool_call_id": TEXT,
            "name": TEXT,
            "weight": {"enum": [0, 1]},
        },
        "required": ["role"],
    },
}
SIGNALS_SCHEMA = {
    "description": "Quality signals observed, e.g. [\"tests_passed\", {\"name\": \"user_accepted\", "
    "\"evidence\": \"user said thanks, works\"}]. Known: tests_passed, code_review_approved, "
    "zero_fix_iterations, user_accepted (positive); errors_occurred, multiple_retries, user_rejected, "
    "timeout (negative).",
    "anyOf": [
        {"type": "array", "items": {"anyOf": [TEXT, {"type": "object"}]}},
        {"type": "object", "additionalProperties": TEXT},
    ],
}
METADATA_SCHEMA = {
    "type": "object",
    "description": "tokens_used, execution_time, human_approved (true only if the user approved), "
    "workflow, phase, and any other JSON fields",
}

Loose = Any  # validated by the pipeline, which never echoes values in its errors


def schema(definition: dict[str, Any]) -> Any:
    return WithJsonSchema(definition)


class ContradictedClaim(BaseModel):
    signal: str = Field(description="the claimed signal (or 'unnamed' for a name that is not snake_case)")
    reason: Literal["record_contradicts"]
    by: str = Field(description="the observed signal that contradicts it, e.g. errors_occurred")
    kept: bool = Field(description="kept as a claim (config contradicted_claims: keep) or dropped")


class UnconfirmedClaim(BaseModel):
    signal: str
    reason: Literal["not_in_record", "not_checkable"] = Field(
        description="not_in_record: a detector looks for it and did not find it; not_checkable: none looks")
    kept: bool = Field(description="counted as a claim (config unconfirmed_claims: count) or dropped")


class ClaimReport(BaseModel):
    """How the caller's signals fared against the transcript: names and codes, never text."""

    confirmed: list[str] = Field(description="claimed signals the record shows (stored as observed)")
    contradicted: list[ContradictedClaim]
    unconfirmed: list[UnconfirmedClaim]
    observed_added: list[str] = Field(description="signals the record shows that nobody claimed")


class CaptureResult(CollectResult):
    claims: ClaimReport | None = Field(
        default=None, description="from_transcript only: which claimed signals the transcript confirmed, "
        "contradicted (dropped by default) or could not check, and why")


class Approval(BaseModel):
    approve: bool = Field(description="Store this example for fine-tuning?")


class Confirm(BaseModel):
    confirm: bool = Field(description="Go ahead?")


class ReviewResult(BaseModel):
    id: str | None = Field(default=None, description="the example acted on (one id)")
    action: Literal["approve", "reject", "delete"]
    status: Literal["accepted", "pending", "rejected", "below_threshold", "superseded", "deleted"] | None = None
    count: int | None = Field(default=None, description="with a filter or ids: how many examples it acted on "
                                                        "(or, not applied, would act on)")
    applied: bool = Field(default=True, description="false: only counted (give expect to act), or the user "
                                                    "declined when asked")
    held_back: int = Field(default=0, description="approve by filter: matches left out because they carry a "
                                                  "negative signal (approve them by id, or include_negative)")
    message: str


class ReviewFilter(BaseModel):
    """Which stored examples a bulk review acts on; every given criterion must hold."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["accepted", "pending", "rejected", "below_threshold", "superseded"] | None = None
    min_quality: float | None = Field(default=None, ge=0, le=1)
    max_quality: float | None = Field(default=None, ge=0, le=1)
    task_type: str | None = None
    source: str | None = Field(default=None, description="import format, e.g. claude-code")
    since: str | None = Field(default=None, description="created at or after (ISO date/time)")
    signal: str | None = None
    include_negative: bool = Field(default=False, description="approve: also examples carrying a negative signal "
                                                              "(user_rejected, …), left out otherwise")

    def criteria(self) -> dict[str, Any]:
        """The criteria given (an empty filter would match the whole store)."""
        return {k: v for k, v in self.model_dump(exclude={"include_negative"}).items() if v is not None}


class ExportResult(ExportReport):
    """An export's report; with dry_run, nothing written and the portability report filled."""

    dry_run: bool = False
    portability: PortabilityReport | None = None

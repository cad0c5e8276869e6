"""The example model: what callers send (`ExampleIn`) and what the store keeps (`Example`).

The seed's single-turn shape (`input{system,user,context}` + `output{assistant}`) and the
multi-turn shape (`messages` in OpenAI roles, with optional `tools`) are both accepted.
Everything downstream (scrub, dedup, export) works on `Example.turns()`, one list of messages,
so no stage needs to know which shape the caller used.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

Status = Literal["accepted", "pending", "rejected", "below_threshold", "superseded"]
"""accepted: exported. pending: waits for a person. rejected: a person said no. below_threshold:
scored under `min_quality_score` and kept (a lower threshold or a person's approval brings it
back). superseded: a better near-duplicate took its place (`superseded_by`); kept, not exported."""
Outcome = Literal["accepted", "pending", "rejected", "below_threshold", "duplicate"]
Role = Literal["system", "user", "assistant", "tool"]
QualityLabel = Literal["high", "medium", "low"]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
"""Caller-chosen ids: safe in file names, URIs and shells; at most 64 characters."""

MAX_EVIDENCE = 500


def _refuse_bool(value: Any) -> Any:
    """Pydantic's lax mode reads `true` as 1 for a number; a boolean here is a caller's mistake."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


NoBool = BeforeValidator(_refuse_bool)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Input(_Strict):
    system: str | None = None
    user: str = Field(min_length=1)
    context: str | None = None


class Output(_Strict):
    assistant: str = Field(min_length=1)


class FunctionCall(_Strict):
    name: str = Field(min_length=1)
    arguments: str = Field(description="JSON-encoded arguments, as in OpenAI's chat format")

    @field_validator("arguments", mode="before")
    @classmethod
    def _encode_arguments(cls, value: Any) -> Any:
        # Callers often pass the arguments as an object; the chat format wants a JSON string.
        if isinstance(value, dict | list):
            import json

            return json.dumps(value, ensure_ascii=False)
        return value


class ToolCall(_Strict):
    id: str = Field(min_length=1)
    type: Literal["function"] = "function"
    function: FunctionCall


class Message(_Strict):
    role: Role
    content: str | None = None
    name: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None
    weight: Literal[0, 1] | None = Field(
        default=None, description="OpenAI per-message training weight (assistant turns only)"
    )
    reasoning: str | None = Field(
        default=None, description="the assistant's thinking, kept apart from content; not trained on by default"
    )

    @model_validator(mode="after")
    def _check_shape(self) -> Message:
        if self.role == "assistant":
            if not (self.content or self.tool_calls):
                raise ValueError("an assistant message needs content or tool_calls")
        elif self.tool_calls:
            raise ValueError(f"only assistant messages may carry tool_calls, not {self.role}")
        elif not self.content:
            raise ValueError(f"a {self.role} message needs non-empty content")
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("a tool message needs tool_call_id")
        if self.weight is not None and self.role != "assistant":
            raise ValueError("weight is only allowed on assistant messages")
        return self


class Signal(_Strict):
    """A quality signal (`tests_passed`, `user_rejected`, …) with optional short provenance."""

    name: str = Field(min_length=1, max_length=64)
    evidence: str | None = Field(default=None, max_length=MAX_EVIDENCE)
    observed: bool | None = Field(
        default=None, description="true: found in the record (signals/); false or absent: claimed by the caller"
    )
    where: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z ]{0,30}(?: [0-9]{1,9})?$",
        description="where in the record it was found, e.g. 'tool result 12'; never text",
    )


class Rejected(_Strict):
    """An answer the user turned down for the same request: the pair (chosen, rejected) is what
    preference training (DPO, KTO) learns from. It replaces the final assistant turn."""

    assistant: str = Field(min_length=1)
    reason: str | None = Field(default=None, max_length=MAX_EVIDENCE)


class Metadata(BaseModel):
    """The seed's metadata fields; any other JSON value is kept as given (scrubbed)."""

    model_config = ConfigDict(extra="allow")

    tokens_used: Annotated[int | None, NoBool] = Field(default=None, ge=0)
    execution_time: Annotated[float | None, NoBool] = Field(default=None, ge=0)
    human_approved: bool = False
    workflow: str | None = None
    phase: str | None = None


def _coerce_signals(value: Any) -> Any:
    """Accept ["tests_passed"], [{"name":…, "evidence":…}] or {"tests_passed": "12 passed"}."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [{"name": k, "evidence": v} for k, v in value.items()]
    if isinstance(value, list):
        return [{"name": v} if isinstance(v, str) else v for v in value]
    return value


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _oversized_int_path(value: Any) -> list[int | str] | None:
    """Where the first integer outside the signed 64-bit range sits in raw example data, if any.

    Such an integer is valid JSON and Python keeps it exactly, but the store's orjson reads it
    back as a float (the stored example then no longer validates), PostgreSQL's JSONB driver
    refuses it, and trainers' readers differ on it. Walked without recursion: nesting depth is
    the caller's.
    """
    if _within_53_bits(value) or not _has_oversized_int(value):  # only a refused one needs the path
        return None
    stack: list[tuple[list[int | str], Any]] = [([], value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, int) and not isinstance(item, bool):
            if not INT64_MIN <= item <= INT64_MAX:
                return path
        elif isinstance(item, dict):
            stack.extend(([*path, k if isinstance(k, str) else "(key)"], v) for k, v in reversed(item.items()))
        elif isinstance(item, list | tuple):
            stack.extend(([*path, i], v) for i, v in reversed(list(enumerate(item))))
    return None


def _within_53_bits(value: Any) -> bool:
    """True proves every integer in `value` fits (orjson's encoder checks each at C speed, where
    the walk below visits every value in Python); False is only "look": an integer past 2^53, a
    key that is not a string, a lone surrogate or an object orjson does not encode."""
    import orjson

    try:
        orjson.dumps(value, option=orjson.OPT_STRICT_INTEGER)
    except TypeError:
        return False
    return True


def _has_oversized_int(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            continue
        if isinstance(item, int) and not isinstance(item, bool):
            if not INT64_MIN <= item <= INT64_MAX:
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


class _Conversation(_Strict):
    """What both the incoming and the stored example carry: the exchange and its provenance."""

    @model_validator(mode="before")
    @classmethod
    def _fits_64_bits(cls, data: Any) -> Any:
        path = _oversized_int_path(data)
        if path is not None:
            where = ".".join(_safe_part(p, _FIELD_NAMES) for p in path) or "(example)"
            raise ValueError(f"{where}: integer outside the signed 64-bit range (-2^63 to 2^63-1); "
                             "store a larger number as a string")
        return data

    input: Input | None = None
    output: Output | None = None
    messages: list[Message] | None = None
    tools: list[dict[str, Any]] | None = None
    signals: list[Signal] = Field(default_factory=list)
    metadata: Metadata = Field(default_factory=Metadata)
    rejected: list[Rejected] = Field(
        default_factory=list, description="answers the user rejected for the final request (preference data)"
    )

    @field_validator("signals", mode="before")
    @classmethod
    def _signals(cls, value: Any) -> Any:
        return _coerce_signals(value)


class ExampleIn(_Conversation):
    """An example as a caller sends it (CLI JSON, import line, MCP arguments)."""

    id: str | None = Field(
        default=None, description="kept if valid (see ID_PATTERN) and unused; else the store assigns ex_<hex>"
    )
    created_at: datetime | None = None
    task_type: str = Field(default="general", min_length=1, max_length=64)
    quality_score: Annotated[float | None, NoBool] = Field(default=None, ge=0, le=1)
    quality: QualityLabel | None = None

    @model_validator(mode="after")
    def _check_shape(self) -> ExampleIn:
        single = self.input is not None or self.output is not None
        if single and self.messages is not None:
            raise ValueError("give either input/output or messages, not both")
        if single:
            if self.input is None or self.output is None:
                raise ValueError("a single-turn example needs both input.user and output.assistant")
            if self.tools:
                raise ValueError("tools are only allowed with messages")
        elif self.messages is None:
            raise ValueError("an example needs input + output, or messages")
        else:
            _check_messages(self.messages)
        if self.quality is not None and self.quality_score is not None:
            raise ValueError("give quality or quality_score, not both")
        return self


def _check_messages(messages: list[Message]) -> None:
    roles = [m.role for m in messages]
    if "user" not in roles:
        raise ValueError("messages need at least one user message")
    if "assistant" not in roles:
        raise ValueError("messages need at least one assistant message")
    if any(r == "system" for r in roles[1:]) and roles[0] != "system":
        raise ValueError("a system message may only come first")
    if roles.count("system") > 1:
        raise ValueError("at most one system message, and it must come first")
    open_calls: set[str] = set()
    for m in messages:
        for call in m.tool_calls or []:
            open_calls.add(call.id)
        if m.role == "tool" and m.tool_call_id not in open_calls:
            raise ValueError("a tool message's tool_call_id matches no earlier assistant tool_calls[].id")


_HEAD = ("id", "created_at", "task_type", "quality_score", "status")


def judged(doc: dict[str, Any]) -> bool:
    """Has a person decided on this stored example (approved, rejected or edited it)? No automatic
    step (dedup, re-check, re-score) replaces or re-decides such an example."""
    meta = doc.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    return meta.get("human_approved") is True or "edited_at" in meta or doc.get("status") == "rejected"


class Example(_Conversation):
    """A stored example: already scrubbed, scored and checked for duplicates."""

    id: str
    created_at: datetime
    task_type: str
    quality_score: float
    status: Status
    redactions: dict[str, int] = Field(default_factory=dict)
    quality: QualityLabel | None = Field(default=None, description="the label the caller gave, if any")
    quality_given: float | None = Field(default=None, description="the score the caller gave, if any")
    quality_from: Literal["score", "label", "signals"] | None = Field(
        default=None, description="where quality_score came from (absent in stores written before it was kept)"
    )
    superseded_by: str | None = None
    checked: str | None = Field(
        default=None,
        description="stamp of the collect-time secret re-check (catalog and text fingerprints); "
        "an export may skip the catalog pass while both still match",
    )
    refused: list[str] = Field(
        default_factory=list, description="secret types the export would refuse this example for (never values)"
    )
    # Who: the server sets these from the caller's identity (token name, JWT `sub`, or the OS user
    # for the CLI and stdio); a caller cannot send them. Absent in stores written before they were kept.
    collected_by: str | None = Field(default=None, description="who collected it")
    approved_by: str | None = Field(default=None, description="who last approved it")
    rejected_by: str | None = Field(default=None, description="who last rejected it")

    def turns(self) -> list[Message]:
        """The conversation as messages, whichever shape was stored (context kept apart)."""
        if self.messages is not None:
            return self.messages
        assert self.input is not None and self.output is not None
        return [
            Message.model_construct(**t)
            for t in single_turns(self.input.system, self.input.user, self.output.assistant)
        ]

    @property
    def context(self) -> str | None:
        return self.input.context if self.input is not None else None

    def to_doc(self) -> dict[str, Any]:
        """JSON-ready dict for the store and `show` (no None noise), identity fields first."""
        doc = self.model_dump(mode="json", exclude_none=True)
        return {**{k: doc.pop(k) for k in _HEAD if k in doc}, **doc}


def single_turns(system: str | None, user: str, assistant: str) -> list[dict[str, Any]]:
    """The seed's single-turn shape as messages: the one place that knows the order."""
    out: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    return [*out, {"role": "user", "content": user}, {"role": "assistant", "content": assistant}]


def doc_turns(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored document's conversation as message dicts, whichever shape it was stored in, as
    `Example.turns()` without validating. Documents are checked when written, but the file can
    be edited by hand, so anything that is not a message is skipped rather than trusted."""
    messages = doc.get("messages")
    if messages is not None:
        return [m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []
    given, answer = doc.get("input"), doc.get("output")
    given = given if isinstance(given, dict) else {}
    answer = answer if isinstance(answer, dict) else {}
    return single_turns(given.get("system"), given.get("user", ""), answer.get("assistant", ""))


def example_texts(doc: dict[str, Any]) -> list[str] | None:
    """The texts a plain (tool-free) export writes from a stored document: every turn's content
    and the context. None when the example carries tool data, which formats transform."""
    if doc.get("tools"):
        return None
    texts: list[str] = []
    for turn in doc_turns(doc):
        if any(turn.get(k) for k in ("tool_calls", "tool_call_id")):
            return None
        texts += [v for k, v in turn.items() if k in ("content", "name", "reasoning") and isinstance(v, str)]
    context = doc_context(doc)
    return [*texts, *([context] if context else []), *doc_rejected(doc)]


def doc_rejected(doc: dict[str, Any]) -> list[str]:
    """A stored document's rejected answers (`rejected[].assistant`), hand edits skipped."""
    given = doc.get("rejected")
    if not isinstance(given, list):
        return []
    return [r["assistant"] for r in given if isinstance(r, dict) and isinstance(r.get("assistant"), str)]


def texts_fingerprint(texts: list[str]) -> str:
    import hashlib

    return hashlib.blake2b("\x1f".join(texts).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def doc_context(doc: dict[str, Any]) -> str | None:
    """The single-turn shape's `input.context` (background kept apart from the turns)."""
    given = doc.get("input")
    context = given.get("context") if isinstance(given, dict) else None
    return context if isinstance(context, str) else None


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def parse_time(value: str | None) -> datetime | None:
    """ISO date or time (YYYY-MM-DD, or with a time; `Z` allowed), as an aware UTC datetime."""
    if value is None or value == "":
        return None
    parsed = _iso(value)
    if parsed is None:
        raise ValueError("not a date: use YYYY-MM-DD or an ISO 8601 time")
    return parsed


def created_at(doc: dict[str, Any]) -> datetime | None:
    """A stored document's creation time; None when missing or not a date (a hand edit)."""
    value = doc.get("created_at")
    return _iso(value) if isinstance(value, str) else None


def _iso(value: str) -> datetime | None:
    # Python 3.10's fromisoformat does not take "Z".
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# Characters a terminal or a file listing does not show as text. C0, DEL and C1: ESC and CSI
# start the sequences that clear a screen, set a window title (OSC) or recolour what follows;
# the other controls are invisible or move the cursor. The bidirectional marks, overrides,
# embeddings and isolates reorder what follows them on screen (the Trojan Source trick), and
# zero-width characters hide text. Not the zero-width joiners U+200C/U+200D: emoji sequences and
# several scripts need them.
UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def describe_validation_error(err: ValidationError, prefix: str = "", known: Iterable[str] = ()) -> str:
    """One line per field, naming the field and the rule, never echoing the input value.

    A location is caller text too: an unknown key (`{"input": {"sk-proj-…": 1}}`) is named by its
    position, never its name. Only our own field names and list indexes are shown.
    """
    names = _FIELD_NAMES | frozenset(known)
    lines = []
    for item in err.errors(include_input=False, include_url=False):
        loc = ".".join(_safe_part(p, names) for p in item["loc"]) or "(example)"
        msg = item["msg"].removeprefix("Value error, ")
        lines.append(f"{prefix}{loc}: {msg}")
    return "; ".join(lines)


_MODELS = (ExampleIn, Example, Input, Output, Message, ToolCall, FunctionCall, Signal, Metadata, Rejected)


def _field_names() -> frozenset[str]:
    names: set[str] = set()
    for model in _MODELS:
        names.update(model.model_fields)
    # pydantic's own location labels for unions, literals and tagged shapes
    return frozenset(names | {"function", "str", "list", "dict", "function-after", "function-before"})


# The words pydantic's union labels (`list[str]`, `function-after[_check_shape(), Message]`) are
# made of: types, our model classes and their validators. A label holding any other word is a
# caller's key that merely looks like one (`{"list[sk-…": 1}`).
_LABEL = re.compile(r"^(?:list|dict|tuple|set|function-[a-z]+|json-or-python|nullable|union|literal)\[")
_LABEL_WORDS = frozenset(
    {"list", "dict", "tuple", "set", "function", "after", "before", "wrap", "plain", "json", "or", "python",
     "nullable", "union", "literal", "str", "int", "float", "bool", "bytes", "any", "Any", "None", "none"}
    | {m.__name__ for m in _MODELS}
    | {name for m in _MODELS for name in dir(m) if name.startswith("_") and not name.startswith("__")}
)


def _is_label(part: str, names: frozenset[str]) -> bool:
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", part)
    return bool(_LABEL.match(part)) and all(w in _LABEL_WORDS or w in names for w in words)


def _safe_part(part: int | str, names: frozenset[str]) -> str:
    if isinstance(part, int) or part in names or _is_label(part, names):
        return str(part)
    return "(unknown key)"


_FIELD_NAMES = _field_names()


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """This release and the state of its source files: values derived from documents and kept
    across runs (the store's memos) are recomputed when the code that derived them changed."""
    from . import __version__

    root = Path(__file__).parent
    h = hashlib.blake2b(__version__.encode(), digest_size=8)
    for path in sorted(root.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()

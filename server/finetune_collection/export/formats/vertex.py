"""Gemini supervised tuning on Vertex AI: `{"systemInstruction", "contents", "tools"}`.

https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare. Roles
are `user` and `model`; each content has `parts`. Tool use maps to
`functionCall` parts (arguments decoded from the stored JSON string to an object) on model turns
and `functionResponse` parts on user turns; consecutive tool results become one user content,
as Gemini expects for parallel calls. The tool result text is kept verbatim as
`{"content": "<text>"}`. Tools become one `{"functionDeclarations": [...]}` entry whose parameter
schemas are rewritten into Gemini's subset: a JSON-Schema type list with "null"
(`"type": ["string", "null"]`) becomes one type plus `"nullable": true`, as `google-genai`'s
`Schema` requires (https://ai.google.dev/api/caching#Schema).

Rules: `data_type`; `unrecognized_key` (top level: systemInstruction, contents, tools);
`missing_contents` (the notebook's missing_messages_list); `message_missing_key` (role or parts);
`unrecognized_role` (user/model); `missing_content` (no parts, or a part without non-empty text,
functionCall or functionResponse); `example_missing_assistant_message` (no model content);
`invalid_system` (systemInstruction without text parts); `invalid_tool_schema` (a parameter
schema whose `type` is not one string, or whose `nullable` is not a boolean);
`invalid_tool_definition` (a declaration without a function name (a letter or underscore, then
letters, digits, `_.:-`, at most 64) or with a key `FunctionDeclaration` does not have);
`invalid_tool_call` (a `functionCall` without such a name or whose `args` is not an object:
also why an example whose stored arguments are not a JSON object is not written); `too_many_tokens`
(over the model's input+output tokens per example: 131,072 for Gemini 2.5 Flash).
Google recommends starting with 100 examples; the older format required 16 (both on the page above).
Not representable: a stored system turn not at the start (`system_turn_in_messages`; a leading one
moves to systemInstruction), a type list with two non-null types (`tool_schema_unsupported`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..base import Conversation, Format, Problem, Record, Unrepresentable, check_keys, nonempty_str, reject_system_turn

PART_KINDS = {"text", "functionCall", "functionResponse", "fileData"}
# google-genai's FunctionDeclaration fields (it refuses others), in the API's JSON spelling.
DECLARATION_KEYS = {"name", "description", "parameters", "parametersJsonSchema", "response",
                    "responseJsonSchema", "behavior"}
# FunctionDeclaration.name: a letter or underscore, then letters, digits, _ . : or -, at most 64.
FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]{0,63}")


def _named(obj: dict[str, Any]) -> bool:
    name = obj.get("name")
    return isinstance(name, str) and FUNCTION_NAME.fullmatch(name) is not None


def _call_part(call: dict[str, Any]) -> dict[str, Any]:
    try:
        args = json.loads(call["function"]["arguments"])
    except ValueError:
        raise Unrepresentable("invalid_tool_call", "tool call arguments are not JSON") from None
    if not isinstance(args, dict):
        raise Unrepresentable("invalid_tool_call", "tool call arguments are not a JSON object (Gemini's args)")
    return {"functionCall": {"name": call["function"]["name"], "args": args}}


def render(conv: Conversation) -> Record:
    reject_system_turn(conv)
    names: dict[str, str] = {}
    contents: list[dict[str, Any]] = []
    for t in conv.turns:
        if t["role"] == "tool":
            part = {
                "functionResponse": {
                    "name": names.get(t.get("tool_call_id", ""), ""),
                    "response": {"content": t["content"]},
                }
            }
            prev = contents[-1] if contents else None
            if prev is not None and prev["role"] == "user" and "functionResponse" in prev["parts"][-1]:
                prev["parts"].append(part)
            else:
                contents.append({"role": "user", "parts": [part]})
            continue
        parts: list[dict[str, Any]] = []
        if t.get("content") is not None:
            parts.append({"text": t["content"]})
        for call in t.get("tool_calls") or []:
            names[call["id"]] = call["function"]["name"]
            parts.append(_call_part(call))
        contents.append({"role": "model" if t["role"] == "assistant" else t["role"], "parts": parts})
    record: Record = {}
    if conv.system:
        record["systemInstruction"] = {"role": "system", "parts": [{"text": conv.system}]}
    record["contents"] = contents
    if conv.tools:
        record["tools"] = [{"functionDeclarations": [_declaration(t) for t in conv.tools]}]
    return record


def _declaration(tool: dict[str, Any]) -> dict[str, Any]:
    out = dict(tool)
    if isinstance(out.get("parameters"), dict):
        out["parameters"] = gemini_schema(out["parameters"])
    return out


def gemini_schema(schema: Any) -> Any:
    """A JSON Schema rewritten into Gemini's subset (one `type`, `nullable` for null)."""
    if isinstance(schema, list):
        return [gemini_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: gemini_schema(v) if k in _NESTED else v for k, v in schema.items()}
    for key in ("properties", "$defs", "definitions"):
        if isinstance(schema.get(key), dict):
            out[key] = {name: gemini_schema(sub) for name, sub in schema[key].items()}
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [t for t in kind if t != "null"]
        if len(others) != 1:
            raise Unrepresentable("tool_schema_unsupported", "a parameter type lists several non-null types")
        out["type"] = others[0]
        if "null" in kind:
            out["nullable"] = True
    return out


_NESTED = {"items", "anyOf", "additionalProperties"}


def _schema_problems(schema: Any, where: str) -> list[Problem]:
    if isinstance(schema, list):
        return [p for s in schema for p in _schema_problems(s, where)]
    if not isinstance(schema, dict):
        return []
    if ("type" in schema and not isinstance(schema["type"], str)) or (
        "nullable" in schema and not isinstance(schema["nullable"], bool)
    ):
        return [Problem("invalid_tool_schema", f"{where}: type must be one string and nullable a boolean")]
    problems: list[Problem] = []
    for key in ("items", "anyOf", "additionalProperties"):
        problems += _schema_problems(schema.get(key), where)
    for key in ("properties", "$defs", "definitions"):
        if isinstance(schema.get(key), dict):
            for sub in schema[key].values():
                problems += _schema_problems(sub, where)
    return problems[:1]


def _tool_problems(tools: Any) -> list[Problem]:
    problems: list[Problem] = []
    for i, tool in enumerate(tools if isinstance(tools, list) else []):
        decls = (tool.get("functionDeclarations") or []) if isinstance(tool, dict) else []
        for j, decl in enumerate(decls):
            where = f"tool {i} declaration {j}"
            if not isinstance(decl, dict) or not _named(decl) or not set(decl) <= DECLARATION_KEYS:
                problems.append(Problem("invalid_tool_definition",
                                        f"{where}: needs a function name and only FunctionDeclaration's keys"))
                continue
            problems += _schema_problems(decl.get("parameters"), where)
    return problems


def _part_ok(part: Any) -> bool:
    if not isinstance(part, dict) or len(part) != 1:
        return False
    ((kind, value),) = part.items()
    if kind == "text":
        return nonempty_str(value)
    return kind in PART_KINDS and isinstance(value, dict)


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"systemInstruction", "contents", "tools"}, "unrecognized_key", "record")
    system = record.get("systemInstruction")
    if system is not None and not (
        isinstance(system, dict)
        and isinstance(system.get("parts"), list)
        and system["parts"]
        and all(isinstance(p, dict) and nonempty_str(p.get("text")) for p in system["parts"])
    ):
        problems.append(Problem("invalid_system", "systemInstruction needs non-empty text parts"))
    problems += _tool_problems(record.get("tools"))
    contents = record.get("contents")
    if not isinstance(contents, list) or not contents:
        return problems + [Problem("missing_contents", "no contents, or not a non-empty list")]
    problems += content_problems(contents, _parts_problems)
    if not any(isinstance(c, dict) and c.get("role") == "model" for c in contents):
        problems.append(Problem("example_missing_assistant_message", "no model content"))
    return problems


def content_problems(contents: list[Any], parts: Callable[[dict[str, Any], str], list[Problem]]) -> list[Problem]:
    """Each content's shape (an object with role user|model and parts, nothing else); `parts`
    checks the parts as the format allows them (vertex-preference: text only)."""
    problems: list[Problem] = []
    for i, c in enumerate(contents):
        where = f"content {i}"
        if not isinstance(c, dict):
            problems.append(Problem("data_type", f"{where} is not an object"))
            continue
        if "role" not in c or "parts" not in c:
            problems.append(Problem("message_missing_key", f"{where} lacks role or parts"))
        problems += check_keys(c, {"role", "parts"}, "message_unrecognized_key", where)
        if c.get("role") not in ("user", "model"):
            problems.append(Problem("unrecognized_role", f"{where} has role {str(c.get('role'))[:20]!r}"))
        problems += parts(c, where)
    return problems


def _parts_problems(content: dict[str, Any], where: str) -> list[Problem]:
    parts = content.get("parts")
    if not isinstance(parts, list) or not parts or not all(_part_ok(p) for p in parts):
        return [Problem("missing_content", f"{where} has an empty or unknown part")]
    for part in parts:
        call = part.get("functionCall")
        if call is not None and not (_named(call) and isinstance(call.get("args", {}), dict)):
            return [Problem("invalid_tool_call", f"{where}: a functionCall needs a function name and object args")]
    return []


FORMAT = Format(
    name="vertex",
    summary="Gemini supervised tuning on Vertex AI (contents with user/model parts)",
    render=render,
    validate=validate,
    system_field=True,
    recommended_examples=100,
    # Input+output tokens per training example for Gemini 2.5 Flash: 131,072 (Vertex AI "About
    # supervised fine-tuning for Gemini models", limits table). Other models keep this default
    # until their figure is checked; `export.token_limits.vertex` overrides it.
    models={"gemini-2.5-flash": 131_072},
    sources=("https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare",),
)

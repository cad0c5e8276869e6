"""Amazon Nova supervised fine-tuning on Bedrock: the `bedrock-conversation-2024` schema.

`{"schemaVersion": "bedrock-conversation-2024", "system": [{"text"}], "messages": [{"role",
"content": [{"text"}]}]}`; https://docs.aws.amazon.com/bedrock/latest/userguide/nova-2-sft-data-prep.html
and https://docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html.
The first message is a user turn, the last an assistant turn, and they alternate. An assistant
turn's stored `reasoning` becomes a `reasoningContent` block before its text, as Nova 2 SFT takes.
Nova 2 SFT takes no tool use ("adding tool sections might cause your job to fail"), so a tool
example is reported (`tool_use_unsupported`), never flattened into text. The words `User:`,
`Bot:`, `Assistant:`, `System:`, `<image>`, `<video>` and `[EOS]` are reserved: a job whose prompts
contain them fails, so such an example is refused. AWS recommends at least 100 examples per task.
No per-message weight: a `weight: 0` turn is reported as `weight_not_carried`.

Rules: `data_type`; `unrecognized_key` (schemaVersion, system, messages); `missing_schema_version`;
`invalid_system` (not a list of non-empty text blocks); `missing_messages_list`;
`message_missing_key` (role or content); `message_unrecognized_key`; `unrecognized_role`
(user/assistant); `missing_content` (no text block with non-empty text); `invalid_content_block`
(a block other than text or reasoningContent, or reasoning on a user turn);
`first_message_not_user`; `last_message_not_assistant`; `turns_not_alternating`;
`reserved_keyword`.
Not representable: tool use; a system turn not at the start (a leading one moves to `system`).
"""

from __future__ import annotations

from typing import Any

from ..base import (
    Conversation,
    Format,
    Problem,
    Record,
    alternation,
    check_keys,
    nonempty_str,
    reject_system_turn,
    reject_tools,
)

SCHEMA_VERSION = "bedrock-conversation-2024"
RESERVED = ("User:", "Bot:", "Assistant:", "System:", "<image>", "<video>", "[EOS]")
# Every reserved word holds one of these marks: a text without the mark (found at memchr speed)
# holds none of its words, which spares most texts the seven substring searches.
_BY_MARK = {mark: tuple(w for w in RESERVED if mark in w) for mark in (":", "<", "[")}


def render(conv: Conversation) -> Record:
    reject_tools(conv)
    reject_system_turn(conv)
    record: Record = {"schemaVersion": SCHEMA_VERSION}
    if conv.system:
        record["system"] = [{"text": conv.system}]
    messages = []
    for t in conv.turns:
        content: list[dict[str, Any]] = []
        if t["role"] == "assistant" and t.get("reasoning"):
            content.append({"reasoningContent": {"reasoningText": {"text": t["reasoning"]}}})
        content.append({"text": t.get("content") or ""})
        messages.append({"role": t["role"], "content": content})
    record["messages"] = messages
    return record


def _texts(record: dict[str, Any]) -> list[tuple[str, str]]:
    out = [("system", b.get("text")) for b in record.get("system") or [] if isinstance(b, dict)]
    for i, m in enumerate(record.get("messages") or []):
        if isinstance(m, dict) and isinstance(m.get("content"), list):
            out += [(f"message {i}", b.get("text")) for b in m["content"] if isinstance(b, dict)]
    return [(where, text) for where, text in out if isinstance(text, str)]


def _block_ok(block: Any, role: Any) -> bool:
    if not isinstance(block, dict) or len(block) != 1:
        return False
    if "text" in block:
        return isinstance(block["text"], str)
    reasoning = block.get("reasoningContent")
    return (
        role == "assistant"
        and isinstance(reasoning, dict)
        and isinstance(reasoning.get("reasoningText"), dict)
        and nonempty_str(reasoning["reasoningText"].get("text"))
    )


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"schemaVersion", "system", "messages"}, "unrecognized_key", "record")
    if not nonempty_str(record.get("schemaVersion")):
        problems.append(Problem("missing_schema_version", f"schemaVersion must be {SCHEMA_VERSION}"))
    system = record.get("system")
    if system is not None and not (
        isinstance(system, list) and system and all(isinstance(b, dict) and nonempty_str(b.get("text")) for b in system)
    ):
        problems.append(Problem("invalid_system", "system must be a list of non-empty text blocks"))
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        return problems + [Problem("missing_messages_list", "no messages, or not a non-empty list")]
    for i, m in enumerate(messages):
        where = f"message {i}"
        if not isinstance(m, dict):
            problems.append(Problem("data_type", f"{where} is not an object"))
            continue
        if "role" not in m or "content" not in m:
            problems.append(Problem("message_missing_key", f"{where} lacks role or content"))
        problems += check_keys(m, {"role", "content"}, "message_unrecognized_key", where)
        role = m.get("role")
        if role not in ("user", "assistant"):
            problems.append(Problem("unrecognized_role", f"{where} has role {str(role)[:20]!r}"))
        blocks = m.get("content")
        blocks = blocks if isinstance(blocks, list) else []
        if not any(isinstance(b, dict) and nonempty_str(b.get("text")) for b in blocks):
            problems.append(Problem("missing_content", f"{where} has no text block"))
        if not all(_block_ok(b, role) for b in blocks):
            problems.append(Problem("invalid_content_block", f"{where} has a block other than text/reasoningContent"))
    roles = [str(m.get("role")) if isinstance(m, dict) else "" for m in messages]
    if roles[0] != "user":
        problems.append(Problem("first_message_not_user", f"message 0 is {roles[0][:20]}"))
    if roles[-1] != "assistant":
        problems.append(Problem("last_message_not_assistant", f"message {len(roles) - 1} is {roles[-1][:20]}"))
    problems += alternation(roles, "user", "assistant")
    texts = _texts(record)
    # The texts joined (no word holds a line break, so none spans two) are searched for each mark,
    # then for its words; the text that holds one is looked for only when one occurs.
    joined = "\n".join(text for _, text in texts)
    if any(mark in joined and any(word in joined for word in words) for mark, words in _BY_MARK.items()):
        for where, text in texts:
            if any(word in text for word in RESERVED):
                listed = ", ".join(RESERVED)
                problems.append(Problem("reserved_keyword", f"{where} uses a word Nova reserves ({listed})"))
                break
    return problems


FORMAT = Format(
    name="nova",
    summary="Amazon Nova SFT on Bedrock (bedrock-conversation-2024)",
    render=render,
    validate=validate,
    system_field=True,
    recommended_examples=100,
    split_note="Nova 2 SFT does not use a validation set (AWS nova-2-sft-data-prep): train on the train file",
    sources=(
        "https://docs.aws.amazon.com/bedrock/latest/userguide/nova-2-sft-data-prep.html",
        "https://docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html",
    ),
)

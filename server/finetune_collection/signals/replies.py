"""user_accepted / user_rejected from the user's replies, in several languages, conservatively.

One reply (`judge`): the phrase tables are in `phrases`. Per sentence, "the problem is gone"
phrases are read first and count as acceptances; then rejections, cut out so "doesn't work" is
not also read as "works"; then acceptances outside a negation. Questions say nothing ("does it
work?", "¿funciona con la 2.0?"): a sentence ends at `.`, `!` or `?` followed by a space or the
end, so the dot of "v1.2" or "utils.py" does not end one. A reply with both an acceptance and a
rejection is unclear and gives no signal, unless a contrast word ("but", "except",
"unfortunately", "aber", "でも", "但是") comes after every acceptance and before the rejection:
"thanks, but it still fails" is a rejection. An acceptance followed by a contrast ("great, but
keep in mind …") is unclear too.

Several exchanges in one example (`detect_replies`): each user message after the first is the
reply to the exchange before it, and the reply after the example (if the caller has it) is the
reply to the last one. The latest reply with a verdict decides, with one exception: a rejection
that more exchanges followed gives no signal, because the example holds the work that answered
it and no reply judged that work. An acceptance that more exchanges followed still counts: the
user approved the work and moved on, and nothing later took it back.
"""

from __future__ import annotations

import re
from typing import Any

from .observation import Observation, excerpt
from .phrases import ACCEPT, CONTRAST, KEEP, NEGATED, NEGATED_AFTER, REJECT, RESOLVED

_ACCEPT = [re.compile(p, re.I | re.M) for ps in ACCEPT.values() for p in ps]
_REJECT = [re.compile(p, re.I | re.M) for ps in REJECT.values() for p in ps]
_RESOLVED = [re.compile(p, re.I | re.M) for ps in RESOLVED.values() for p in ps]
_CONTRAST = re.compile(CONTRAST, re.I)
_SENTENCE = re.compile(r"(?:[^.!?。！？\n]|[.!?](?![\s.!?]|$))+[.!?。！？]*")
_QUESTION = re.compile(r"[?？][.!?。！？]*\s*$|¿")
MAX_REPLY = 2000
"""A longer reply is a new task, not a verdict on the last one."""

Verdict = tuple[str, str]


def _hits(patterns: list[re.Pattern[str]], text: str) -> list[re.Match[str]]:
    return [m for p in patterns for m in p.finditer(text)]


def _cut(text: str, found: list[re.Match[str]]) -> str:
    """The text with the matches blanked out, offsets kept."""
    for r in found:
        text = text[: r.start()] + " " * (r.end() - r.start()) + text[r.end():]
    return text


def judge(reply: str) -> Verdict | None:
    """("user_accepted" | "user_rejected", the words that decided it), or None when unclear."""
    if len(reply) > MAX_REPLY:
        return None
    accepts: list[tuple[int, str]] = []
    rejects: list[tuple[int, str]] = []
    inside: list[range] = []  # where the "problem is gone" phrases are: their "mais" is no contrast
    for m in _SENTENCE.finditer(reply):
        sentence = m.group(0)
        if _QUESTION.search(sentence):
            continue
        said = body = sentence.strip()
        offset = m.start() + (len(sentence) - len(sentence.lstrip()))
        resolved = _hits(_RESOLVED, body)
        accepts += [(offset + r.start(), r.group(0)) for r in resolved]
        inside += [range(offset + r.start(), offset + r.end()) for r in resolved]
        body = _cut(body, resolved)
        found = [r for r in _hits(_REJECT, body) if not KEEP.search(said[: r.start()])]
        rejects += [(offset + r.start(), r.group(0)) for r in found]
        body = _cut(body, found)
        # negation is read in what was said: "No está perfecto" negates even when "No" was cut out
        accepts += [(offset + a.start(), a.group(0)) for a in _hits(_ACCEPT, body)
                    if not NEGATED.search(said[: a.start()]) and not NEGATED_AFTER.match(said[a.end():])]
    contrasts = [c.start() for c in _CONTRAST.finditer(reply) if not any(c.start() in r for r in inside)]
    if accepts and rejects:
        last_accept, first_reject = max(p for p, _ in accepts), min(p for p, _ in rejects)
        if not any(last_accept < c < first_reject for c in contrasts):
            return None
        accepts = []
    elif accepts and any(c > min(accepts)[0] for c in contrasts):
        return None  # "great, but keep in mind …": approval with a reservation
    if rejects:
        return "user_rejected", min(rejects)[1]
    if accepts:
        return "user_accepted", min(accepts)[1]
    return None


def detect_reply(reply: str | None) -> list[Observation]:
    """The verdict of the one reply after an exchange."""
    verdict = judge(reply) if reply and reply.strip() else None
    if verdict is None:
        return []
    name, words = verdict
    return [Observation(name, excerpt(words), "user reply", "reply")]


def detect_replies(messages: list[dict[str, Any]], after: str | None) -> list[Observation]:
    """The verdict of an example's replies: those inside it (each user message after the first
    answers the exchange before it) and `after`, the reply to its last exchange (rule above)."""
    users = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    replies: list[tuple[int | None, str | None]] = [
        (i, c if isinstance(c := messages[i].get("content"), str) else None) for i in users[1:]]
    replies.append((None, after))
    for n in range(len(replies) - 1, -1, -1):
        index, text = replies[n]
        verdict = judge(text) if text and text.strip() else None
        if verdict is None:
            continue
        name, words = verdict
        if name == "user_rejected" and n < len(replies) - 1:
            return []  # later exchanges answered the rejection; no reply judged them
        where = "user reply" if index is None else f"user message {index}"
        return [Observation(name, excerpt(words), where, "reply", index)]
    return []

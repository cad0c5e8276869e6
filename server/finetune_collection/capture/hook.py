"""The fast path of a `UserPromptSubmit` hook (Claude Code; Codex CLI sends the same fields).

The host runs the hook on every prompt, so the common case (not a capture trigger) must cost
about a bare Python start: this module imports nothing but `sys` at module level, and the raw
stdin text is screened for the trigger words before any JSON is parsed. It does not import the
package either: it can be loaded from its file, and `capture/__init__.py` resolves names lazily.

A prompt is a capture trigger when it is
- the literal command `/finetune add [ARGS…]` (or the plugin's `/finetune-collection:add`), whose
  arguments are passed on; or
- a short instruction containing one of the trigger phrases as whole words, compared without
  case and punctuation ("Great, save this for training!"). At most `max_words` words, no question
  mark anywhere ("how would I save this for training in PyTorch?!" mentions a phrase, it is not
  one), not negated and not put off: "please do NOT save this for training" and "remind me to save
  this for training tomorrow" keep the exchange out. Any such word in the prompt counts, wherever
  it is: a missed capture can be redone with `/finetune add`, a saved exchange the user refused
  cannot be unseen by whoever reads the data.
Malformed or foreign stdin is not a trigger: a hook must never block the user's prompt.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import TextIO

DEFAULT_TRIGGERS: tuple[str, ...] = (
    "save for training",
    "save this for training",
    "save that for training",
    "save it for training",
    "save this as an example",
    "save this as a training example",
    "save as an example",
    "save as example",
    "collect example",
    "collect this example",
    "collect this as an example",
    "add this to the training data",
    "add to training data",
)
"""Phrases that ask to capture the last exchange. "export training data" is deliberately not one:
it asks for an export, and capturing on it would store an exchange the user never chose."""

NEGATIONS = frozenset(
    "not no never nope dont cannot without nicht kein keine keinen nie nein pas jamais non nunca nao não "
    "nada niet нет не "
    # Putting it off is not asking for it now: "remind me to …", "hold off, … later", "should we …"
    "later tomorrow remind maybe decide should hold wait until if whether".split()
)
"""Words (as `words` makes them) that turn a trigger phrase around or put it off; "don't",
"can't" and "shouldn't" become "don t", "can t", "shouldn t": a lone "t" after a word is a
negation too."""

COMMANDS: tuple[str, ...] = ("/finetune add", "/finetune-collection:add")
MAX_WORDS = 12


class HookRequest:
    """What the host told the hook, for the capture that follows a trigger."""

    __slots__ = ("session_id", "transcript_path", "cwd", "prompt", "event", "args")

    def __init__(
        self,
        session_id: str | None,
        transcript_path: str | None,
        cwd: str | None,
        prompt: str,
        event: str | None,
        args: list[str],
    ) -> None:
        self.session_id = session_id
        self.transcript_path = transcript_path
        self.cwd = cwd
        self.prompt = prompt
        self.event = event
        self.args = args  # the arguments of `/finetune add …`; [] for a phrase
        # Which host wrote the transcript is read from its first line when it is captured
        # (`capture.locate.transcript_format`), not guessed here from its name.


def words(text: str) -> list[str]:
    """Case-folded words, punctuation dropped: the form in which prompts and phrases are compared."""
    return "".join(c if c.isalnum() else " " for c in text.casefold()).split()


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def negated(said: list[str]) -> bool:
    return any(w in NEGATIONS or (w == "t" and i > 0) for i, w in enumerate(said))


def command_args(prompt: str) -> list[str] | None:
    """The arguments of `/finetune add …`, or None when the prompt is not that command."""
    text = prompt.strip()
    for command in COMMANDS:
        head, rest = text[: len(command)], text[len(command) :]
        if head.casefold() == command and (not rest or rest[0].isspace()):
            import shlex

            try:
                return shlex.split(rest)
            except ValueError:  # an unbalanced quote: fall back to plain words
                return rest.split()
    return None


def is_trigger(prompt: str, triggers: Sequence[str] = DEFAULT_TRIGGERS, max_words: int = MAX_WORDS) -> bool:
    """True for `/finetune add …` or a short, non-question prompt containing a trigger phrase."""
    if command_args(prompt) is not None:
        return True
    if "?" in prompt or "？" in prompt:  # a question anywhere ("…?!", "…?)", "what does … do?")
        return False
    said = words(prompt)
    if not said or len(said) > max_words or negated(said):
        return False
    return any(_contains(said, words(phrase)) for phrase in triggers)


def _might_trigger(raw: str, triggers: Sequence[str]) -> bool:
    """Cheap screen on the raw stdin text: False only when no trigger can be in it.

    JSON escapes could hide a letter from this screen, so text with `\\u` escapes always goes on
    to the full check (hosts write letters unescaped; the screen exists for speed only).
    """
    text = raw.casefold()
    if "\\u" in text or "/finetune" in text:
        return True
    return any(all(w in text for w in words(phrase)) for phrase in triggers)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def read_request(
    raw: str, triggers: Sequence[str] = DEFAULT_TRIGGERS, max_words: int = MAX_WORDS
) -> HookRequest | None:
    """The hook input when its prompt is a capture trigger; None for anything else."""
    if not _might_trigger(raw, triggers):
        return None
    import json

    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    prompt, event = data.get("prompt"), data.get("hook_event_name")
    if not isinstance(prompt, str) or (event is not None and event != "UserPromptSubmit"):
        return None
    args = command_args(prompt)
    if args is None and not is_trigger(prompt, triggers, max_words):
        return None
    return HookRequest(
        _str(data.get("session_id")),
        _str(data.get("transcript_path")),
        _str(data.get("cwd")),
        prompt,
        _str(event),
        args or [],
    )


def main(
    on_trigger: Callable[[HookRequest], int],
    stdin: TextIO | None = None,
    triggers: Sequence[str] = DEFAULT_TRIGGERS,
) -> int:
    """Read the hook JSON; call `on_trigger` for a capture trigger, else return 0 having done nothing."""
    request = read_request((stdin or sys.stdin).read(), triggers)
    return 0 if request is None else on_trigger(request)

"""The UserPromptSubmit hook's fast path: trigger tables, hook JSON, and what the no-op path imports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.capture.hook import (
    DEFAULT_TRIGGERS,
    HookRequest,
    command_args,
    is_trigger,
    main,
    read_request,
)

HOOK_FILE = Path(__file__).parents[2] / "server" / "finetune_collection" / "capture" / "hook.py"

MUST_MATCH = [
    "save for training",
    "Save this for training!",
    "great, save this for training.",
    "SAVE THIS AS AN EXAMPLE",
    "collect example",
    "Perfect — collect this example please",
    "ok, add this to the training data",
    "save   this\nfor training",
    "/finetune add",
    "/finetune add --quality high",
    "  /FINETUNE ADD --task-type refactor ",
    "/finetune-collection:add --approved",
]
MUST_NOT_MATCH = [
    "",
    "fix the failing test",
    "how would I save this for training in PyTorch?",
    "save this for training?",
    "export training data",
    "/finetune export --format openai --output training.jsonl",
    "/finetune addition",
    "save this file and then run the training script again for me",
    "Please refactor the loader so that we can save this for training later, "
    "and also make sure the tests cover the new branch and the old one",
    "training save for",
    "please do NOT save this for training, it has client data",
    "don't save this for training",
    "never collect example from this chat",
    "no, collect example later",
    "you shouldn't save this for training",
    "save this for training? no",
    "bitte nicht: save this for training",
    "how would I save this for training in PyTorch?!",
    'What does "collect example" do?)',
    "remind me to save this for training tomorrow",
    "I'll decide later whether to save this for training",
    "Hold off, save this for training later maybe",
    "nein — save this for training",
    "should we save this for training",
]


@pytest.mark.parametrize("prompt", MUST_MATCH)
def test_must_match(prompt: str) -> None:
    assert is_trigger(prompt)
    assert read_request(json.dumps({"prompt": prompt, "hook_event_name": "UserPromptSubmit"})) is not None


@pytest.mark.parametrize("prompt", MUST_NOT_MATCH)
def test_must_not_match(prompt: str) -> None:
    assert not is_trigger(prompt)
    assert read_request(json.dumps({"prompt": prompt, "hook_event_name": "UserPromptSubmit"})) is None


def test_configurable_phrases() -> None:
    assert is_trigger("keep this one", triggers=["keep this one"])
    assert not is_trigger("save for training", triggers=["keep this one"])
    assert not is_trigger("please please please save this for training now okay", max_words=5)
    raw = json.dumps({"prompt": "Keep this one!"})
    assert read_request(raw, triggers=["keep this one"]) is not None
    assert read_request(raw) is None


def test_command_args() -> None:
    assert command_args("/finetune add") == []
    assert command_args('/finetune add --quality high --task-type "code review"') == ["--quality", "high", "--task-type", "code review"]
    assert command_args('/finetune add --task-type "unbalanced') == ["--task-type", '"unbalanced']
    assert command_args("/finetune stats") is None


def hook_json(**overrides: Any) -> str:
    data = {
        "session_id": "5e551011-0000-4000-8000-000000000001",
        "transcript_path": "/home/alice/.claude/projects/-home-alice-proj/5e551011-0000-4000-8000-000000000001.jsonl",
        "cwd": "/home/alice/proj",
        "permission_mode": "default",
        "hook_event_name": "UserPromptSubmit",
        "prompt": "/finetune add --quality high",
    }
    data.update(overrides)
    return json.dumps(data)


def test_read_request_fields() -> None:
    req = read_request(hook_json())
    assert isinstance(req, HookRequest)
    assert (req.session_id, req.cwd, req.event, req.args) == (
        "5e551011-0000-4000-8000-000000000001",
        "/home/alice/proj",
        "UserPromptSubmit",
        ["--quality", "high"],
    )
    assert req.transcript_path is not None and req.transcript_path.endswith(".jsonl")
    codex = read_request(hook_json(transcript_path="/home/a/.codex/sessions/2026/05/11/rollout-x.jsonl", prompt="save for training"))
    assert codex is not None and codex.args == []


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not json /finetune add",
        "[1, 2, 3] save for training",
        json.dumps(["/finetune add"]),
        hook_json(hook_event_name="Stop"),
        hook_json(prompt=None),
        hook_json(prompt=7),
    ],
)
def test_foreign_input_is_never_a_trigger(raw: str) -> None:
    assert read_request(raw) is None


def test_escaped_letters_still_reach_the_full_check() -> None:
    raw = hook_json(prompt="save for training").replace("save", "\\u0073ave")
    assert read_request(raw) is not None


def test_main_calls_back_only_on_a_trigger() -> None:
    seen: list[HookRequest] = []

    def capture(req: HookRequest) -> int:
        seen.append(req)
        return 3

    assert main(capture, io.StringIO(hook_json(prompt="refactor the store"))) == 0
    assert seen == []
    assert main(capture, io.StringIO(hook_json())) == 3
    assert [r.args for r in seen] == [["--quality", "high"]]


def run_hook_file(stdin: str) -> dict[str, Any]:
    """The hook loaded from its file, as a bare `python -c` would: no package, no pydantic."""
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(HOOK_FILE.parent)!r})\n"
        "before = set(sys.modules)\n"
        "import hook\n"
        "rc = hook.main(lambda request: 5)\n"
        "print(json.dumps({'rc': rc, 'new': sorted(set(sys.modules) - before)}))\n"
    )
    # json is imported by the probe itself, before `before` is taken: the hook's own imports show.
    out = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


def test_noop_path_imports_nothing_but_the_hook() -> None:
    got = run_hook_file(hook_json(prompt="refactor the store module"))
    assert got["rc"] == 0
    assert set(got["new"]) <= {"hook", "__future__"}


def test_trigger_path_from_the_file() -> None:
    got = run_hook_file(hook_json(prompt="Save this for training!"))
    assert got["rc"] == 5
    assert not any(name.startswith(("pydantic", "finetune_collection")) for name in got["new"])


def test_package_import_of_the_hook_does_not_load_the_importers() -> None:
    code = (
        "import sys\n"
        "import finetune_collection.capture.hook\n"
        "print(sorted(m for m in sys.modules if m.startswith('finetune_collection.capture')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['finetune_collection.capture', 'finetune_collection.capture.hook']"


def test_default_phrases_are_all_triggers() -> None:
    assert all(is_trigger(p) for p in DEFAULT_TRIGGERS)

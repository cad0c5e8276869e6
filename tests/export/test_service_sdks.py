"""The services' own SDKs accept our files: Together's `check_file` over the together and openai
goldens, and google-genai's pydantic types over every vertex record (tools included).

together 3.x's `check_file` only checks that the file is UTF-8 with one JSON object per line (its
source says the semantic checks run on Together's server after upload); our together validator
holds the documented rules (roles, order, tools).

Skipped, with the reason, when the SDK is not installed (`make test` installs the test extras).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


def golden_file(fmt: str, tmp_path: Path) -> Path:
    out = tmp_path / f"{fmt}.jsonl"
    out.write_text("".join(p.read_text(encoding="utf-8") for p in sorted((GOLDEN / fmt).glob("*.jsonl"))))
    return out


@pytest.mark.parametrize("fmt", ["together", "openai"])
def test_together_check_file_passes(fmt: str, tmp_path: Path) -> None:
    files = pytest.importorskip("together.lib.utils.files", reason="the together SDK is not installed")
    path = golden_file(fmt, tmp_path)
    report = files.check_file(path)
    assert report["is_check_passed"], report.get("message")
    assert report["num_samples"] == len(path.read_text(encoding="utf-8").splitlines())


def test_together_check_file_catches_a_broken_line(tmp_path: Path) -> None:
    """The check above can fail: a line that is not a JSON object is refused."""
    files = pytest.importorskip("together.lib.utils.files", reason="the together SDK is not installed")
    path = golden_file("together", tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + "[1, 2]\n", encoding="utf-8")
    assert not files.check_file(path)["is_check_passed"]


def test_google_genai_types_accept_every_vertex_record() -> None:
    types = pytest.importorskip("google.genai.types", reason="google-genai is not installed")
    seen_tools = 0
    for path in sorted((GOLDEN / "vertex").glob("*.jsonl")):
        record = json.loads(path.read_text(encoding="utf-8"))
        for content in record["contents"]:
            types.Content.model_validate(content)
        if "systemInstruction" in record:
            types.Content.model_validate(record["systemInstruction"])
        for tool in record.get("tools", []):
            types.Tool.model_validate(tool)
            seen_tools += 1
    assert seen_tools == 3  # tools, agent_preference and parallel (with a nullable parameter)


def test_google_genai_types_accept_every_vertex_preference_record() -> None:
    """Each content and each scored completion is a Gemini `Content` (text parts, user/model)."""
    types = pytest.importorskip("google.genai.types", reason="google-genai is not installed")
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((GOLDEN / "vertex-preference").glob("*.jsonl"))]
    assert records
    for record in records:
        contents = [types.Content.model_validate(c) for c in record["contents"]]
        assert contents[-1].role == "user"
        if "system_instruction" in record:
            assert types.Content.model_validate(record["system_instruction"]).parts
        scored = {c["score"]: types.Content.model_validate(c["completion"]) for c in record["completions"]}
        assert set(scored) == {0, 1} and all(c.role == "model" and c.parts and c.parts[0].text for c in scored.values())


def test_google_genai_rejects_a_type_list() -> None:
    """Why vertex rewrites `["string", "null"]`: the SDK's Schema takes one type."""
    types = pytest.importorskip("google.genai.types", reason="google-genai is not installed")
    with pytest.raises(Exception):  # noqa: B017 - the SDK raises its own validation error type
        types.Schema.model_validate({"type": ["string", "null"]})

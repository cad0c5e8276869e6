"""The trainers' own code reads our files: TRL's conversational checks, chat-template rendering and
one SFTTrainer step on a tiny model built here (no downloads); Axolotl's chat_template loader.

Each test is skipped, with the reason, when its package is not installed (`make test` installs the
test extras; tests never install anything).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from trainer_kit import LLAMA_TOOLS_TEST, chat_tokenizer

GOLDEN = Path(__file__).parent / "golden"
pytestmark = [
    pytest.mark.slow,
    # Third-party deprecation and user warnings are theirs, not ours (filterwarnings = error).
    pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning"),
]


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.setenv(name, "1")


def tiny_llama(transformers: Any, tokenizer: Any) -> Any:
    """A one-layer Llama config over the test tokenizer: enough for a real training step on a CPU."""
    return transformers.LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=2048,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, bos_token_id=None,
    )


def training_libraries() -> tuple[Any, Any]:
    """transformers and TRL for a training step (torch too), or the test is skipped with the reason."""
    pytest.importorskip("torch", reason="torch is not installed")
    transformers = pytest.importorskip("transformers", reason="transformers is not installed")
    return transformers, pytest.importorskip("trl", reason="TRL is not installed")


def golden_file(fmt: str, tmp_path: Path) -> Path:
    """Every golden record of `fmt` in one file: what an export of the golden store writes."""
    out = tmp_path / f"{fmt}.jsonl"
    out.write_text("".join(p.read_text(encoding="utf-8") for p in sorted((GOLDEN / fmt).glob("*.jsonl"))))
    return out


def load(path: Path, tmp_path: Path) -> Any:
    datasets = pytest.importorskip("datasets", reason="Hugging Face datasets is not installed")
    return datasets.load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache"))


@pytest.mark.parametrize("fmt", ["hf-messages", "hf-prompt-completion", "hf-dataset"])
def test_trl_reads_and_renders(fmt: str, tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="transformers is not installed")
    data_utils = pytest.importorskip("trl.data_utils", reason="TRL is not installed")
    tokenizer = chat_tokenizer()
    rows = load(golden_file(fmt, tmp_path), tmp_path)
    rendered = 0
    for row in rows:
        assert data_utils.is_conversational(row)
        out = data_utils.apply_chat_template(row, tokenizer, tools=row["tools"])
        text = "".join(out.values())
        if row["tools"]:
            # Arguments reach the template as an object: rendered as JSON, not an escaped string.
            assert '"arguments": {"city": ' in text and '"arguments": "{' not in text
            rendered += 1
    assert rendered == 3  # tools, parallel, agent_preference


@pytest.mark.parametrize("fmt", ["hf-messages", "hf-prompt-completion"])
def test_sft_trainer_takes_a_step(fmt: str, tmp_path: Path) -> None:
    transformers, trl = training_libraries()
    tokenizer = chat_tokenizer()
    config = tiny_llama(transformers, tokenizer)
    args = trl.SFTConfig(
        output_dir=str(tmp_path / "run"), max_steps=1, per_device_train_batch_size=2, report_to=[], use_cpu=True,
        save_strategy="no", logging_strategy="no", max_length=1024,
    )
    rows = load(golden_file(fmt, tmp_path), tmp_path)
    trainer = trl.SFTTrainer(
        model=transformers.LlamaForCausalLM(config), args=args, train_dataset=rows, processing_class=tokenizer
    )
    assert len(trainer.train_dataset) == len(rows)  # nothing dropped as unreadable or fully masked
    result = trainer.train()
    assert result.global_step == 1 and result.training_loss > 0


def test_examples_without_tools_get_no_tool_preamble(tmp_path: Path) -> None:
    """SFTTrainer hands each record's `tools` to the template as it is; a template that tests
    `tools is not none` (Llama 3.1's) writes its tool preamble only for the records with tools."""
    transformers, trl = training_libraries()
    tokenizer = chat_tokenizer(LLAMA_TOOLS_TEST)
    args = trl.SFTConfig(output_dir=str(tmp_path / "run"), report_to=[], use_cpu=True, max_length=2048)
    rows = load(golden_file("hf-messages", tmp_path), tmp_path)
    trainer = trl.SFTTrainer(
        model=transformers.LlamaForCausalLM(tiny_llama(transformers, tokenizer)), args=args, train_dataset=rows,
        processing_class=tokenizer,
    )
    texts = ["".join(tokenizer.convert_ids_to_tokens(ids)) for ids in trainer.train_dataset["input_ids"]]
    with_tools = [bool(row["tools"]) for row in rows]
    assert [("Environment: ipython" in t) for t in texts] == with_tools and any(with_tools) and not all(with_tools)


def test_dpo_trainer_sees_the_tools_and_takes_a_step(tmp_path: Path) -> None:
    """A pair whose prompt holds a tool call is rendered with its tool declarations."""
    transformers, trl = training_libraries()
    tokenizer = chat_tokenizer()
    config = tiny_llama(transformers, tokenizer)
    rows = load(golden_file("trl-preference", tmp_path), tmp_path)
    args = trl.DPOConfig(
        output_dir=str(tmp_path / "run"), max_steps=1, per_device_train_batch_size=len(rows), report_to=[],
        use_cpu=True, save_strategy="no", logging_strategy="no", max_length=1024,
    )
    trainer = trl.DPOTrainer(
        model=transformers.LlamaForCausalLM(config), ref_model=transformers.LlamaForCausalLM(config), args=args,
        train_dataset=rows, processing_class=tokenizer,
    )
    prompts = ["".join(tokenizer.convert_ids_to_tokens(ids)) for ids in trainer.train_dataset["prompt_ids"]]
    declared = ['"name": "get_weather"' in p and "<tool_call>" in p for p in prompts]
    assert declared == [bool(row["tools"]) for row in rows] and any(declared)
    result = trainer.train()
    assert result.global_step == 1 and result.training_loss == result.training_loss  # not NaN


def test_axolotl_chat_template_preprocessing(tmp_path: Path) -> None:
    pytest.importorskip(
        "axolotl",
        reason="axolotl is not installed: axolotl 0.19 pins datasets 4.8.4, pydantic 2.12.5, transformers 5.16.1 "
        "and GPU packages (triton, xformers, bitsandbytes), which cannot share this project's environment",
    )
    from axolotl.prompt_strategies.chat_template import load as load_strategy
    from axolotl.utils.dict import DictDefault

    tokenizer = chat_tokenizer()
    cfg = DictDefault({"sequence_len": 2048, "chat_template": "jinja", "chat_template_jinja": tokenizer.chat_template})
    # The dataset entry `--check` prints for axolotl, as a dict.
    ds_cfg = {
        "type": "chat_template", "field_messages": "messages", "message_field_training": "train",
        "roles_to_train": ["assistant"], "train_on_eos": "turn",
        "message_property_mappings": {"role": "role", "content": "content"},
    }
    strategy = load_strategy(tokenizer, cfg, ds_cfg)
    rows = load(golden_file("axolotl", tmp_path), tmp_path)
    for row in rows:
        out = strategy.tokenize_prompt(row)
        assert any(label != -100 for label in out["labels"])
    weighted = json.loads((GOLDEN / "axolotl" / "weighted.jsonl").read_text(encoding="utf-8"))
    assert [m["train"] for m in weighted["messages"]] == [False, False, False, True]


def test_trl_reads_the_preference_formats_as_its_own_helpers_make_them(tmp_path: Path) -> None:
    """trl-kto is what TRL's `unpair_preference_dataset` makes of a trl-preference pair, and TRL's
    conversational checks and chat templates take both."""
    pytest.importorskip("transformers", reason="transformers is not installed")
    data_utils = pytest.importorskip("trl.data_utils", reason="TRL is not installed")
    tokenizer = chat_tokenizer()
    kto = load(golden_file("trl-kto", tmp_path), tmp_path)
    pairs = load(golden_file("trl-preference", tmp_path), tmp_path)
    assert kto.column_names == ["prompt", "completion", "label", "tools"]
    for row in [*kto, *pairs]:
        assert data_utils.is_conversational(row)
        rendered = data_utils.maybe_apply_chat_template(row, tokenizer)
        assert all(isinstance(v, str) for k, v in rendered.items() if k != "label")
    unpaired = data_utils.maybe_unpair_preference_dataset(pairs)
    ours = [row for row in kto if any(row["prompt"] == pair["prompt"] for pair in pairs)]
    canonical = functools.partial(json.dumps, sort_keys=True)
    assert sorted(map(canonical, unpaired)) == sorted(map(canonical, ours))
    assert sorted(r["label"] for r in ours) == [False, False, True, True]


def test_kto_trainer_takes_a_step(tmp_path: Path) -> None:
    transformers, trl = training_libraries()
    tokenizer = chat_tokenizer()
    config = tiny_llama(transformers, tokenizer)
    rows = load(golden_file("trl-kto", tmp_path), tmp_path)
    assert sorted(set(rows["label"])) == [False, True]  # KTO needs both kinds in a batch
    args = trl.KTOConfig(
        output_dir=str(tmp_path / "run"), max_steps=1, per_device_train_batch_size=len(rows), report_to=[],
        use_cpu=True, save_strategy="no", logging_strategy="no", max_length=1024,
    )
    trainer = trl.KTOTrainer(
        model=transformers.LlamaForCausalLM(config), ref_model=transformers.LlamaForCausalLM(config), args=args,
        train_dataset=rows, processing_class=tokenizer,
    )
    assert len(trainer.train_dataset) == len(rows)
    result = trainer.train()
    assert result.global_step == 1 and result.training_loss == result.training_loss  # not NaN

"""A tiny chat tokenizer built locally (no downloads) for the trainer tests.

One token per printable character plus the ChatML markers; the chat template follows the shape
of Qwen2.5's: tool declarations and tool-call arguments go through Jinja's `tojson`, so an
object renders as JSON and a string as an escaped JSON string (what issue 22 found).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATE = """{%- if tools %}<|im_start|>system
{%- for tool in tools %}
{{ tool | tojson }}
{%- endfor %}<|im_end|>
{% endif %}
{%- for message in messages %}
{%- if message.role == 'assistant' and message.tool_calls %}<|im_start|>assistant
{%- for tool_call in message.tool_calls %}
<tool_call>{"name": "{{ tool_call.function.name }}", "arguments": {{ tool_call.function.arguments | tojson }}}</tool_call>
{%- endfor %}<|im_end|>
{% elif message.role == 'tool' %}<|im_start|>user
<tool_response>{{ message.content }}</tool_response><|im_end|>
{% else %}<|im_start|>{{ message.role }}
{{ message.content }}<|im_end|>
{% endif %}
{%- endfor %}
{%- if add_generation_prompt %}<|im_start|>assistant
{% endif %}"""

# Llama 3.1's test for tools, on the template above: its preamble is written whenever `tools` is
# not none, so an empty list still writes it.
LLAMA_TOOLS_TEST = TEMPLATE.replace(
    "{%- if tools %}<|im_start|>system", "{%- if tools is not none %}<|im_start|>system\nEnvironment: ipython"
)

SPECIAL = ["<|im_start|>", "<|im_end|>", "[UNK]", "[PAD]"]


def raw_tokenizer() -> Any:
    from tokenizers import Tokenizer, models, pre_tokenizers

    chars = [chr(i) for i in range(32, 127)] + ["\n"]
    vocab = {c: i for i, c in enumerate(chars + SPECIAL)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Split("", "isolated")
    return tok


def save_tokenizer_json(path: Path) -> Path:
    raw_tokenizer().save(str(path))
    return path


def chat_tokenizer(template: str = TEMPLATE) -> Any:
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=raw_tokenizer(), unk_token="[UNK]", pad_token="[PAD]", eos_token="<|im_end|>"
    )
    fast.chat_template = template
    return fast

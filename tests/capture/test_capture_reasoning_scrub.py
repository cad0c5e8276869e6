"""Kept reasoning is scrubbed like content before it is stored (capture keeps the assistant's
thinking in `Message.reasoning` by option)."""

from __future__ import annotations

from finetune_collection.pipeline import Pipeline


def test_reasoning_is_scrubbed_before_it_is_stored(pipeline: Pipeline) -> None:
    result = pipeline.collect(
        {
            "quality_score": 0.9,
            "metadata": {"human_approved": True},
            "messages": [
                {"role": "user", "content": "Write to the maintainer."},
                {"role": "assistant", "content": "Done.", "reasoning": "The maintainer is bob@example.com."},
            ],
        }
    )
    assert result.status == "accepted"
    assert result.id is not None
    stored = pipeline.store.get_doc(result.id)["messages"][1]
    assert "bob@example.com" not in stored["reasoning"]

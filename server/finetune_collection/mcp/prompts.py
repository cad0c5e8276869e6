"""MCP prompts: the seed's triggers and commands as reusable messages."""

from typing import Annotated

from mcp.server.mcpserver import MCPServer, UserMessage
from pydantic import Field


def add_prompts(mcp: MCPServer) -> None:
    """Register the prompts that map the seed's triggers (slash commands in Claude Code)."""

    @mcp.prompt(title="Save for training")
    def save_for_training(
        quality: Annotated[str, Field(description="high, medium or low; leave empty unless the user rated it")] = "",
        task_type: Annotated[str, Field(description="e.g. code_generation")] = "",
    ) -> list[UserMessage]:
        """Save the last successful exchange as a fine-tuning example."""
        parts = [
            "Save the last successful exchange in this conversation as a fine-tuning example: call "
            "collect_example with input {system, user, context} and output {assistant} (or messages + tools "
            "for multi-turn/tool-use work).",
            "Report signals honestly: tests_passed, code_review_approved, zero_fix_iterations, user_accepted, "
            "and errors_occurred, multiple_retries, user_rejected, timeout when they happened.",
        ]
        if task_type:
            parts.append(f"Use task_type {task_type!r}.")
        parts.append(f"Use quality {quality!r}." if quality else "Do not invent a quality score.")
        parts.append("Tell me the result: status, reasons and redactions.")
        return [UserMessage(" ".join(parts))]

    @mcp.prompt(title="Export training data")
    def export_training_data(
        format: Annotated[str, Field(description="openai, anthropic, bedrock, vertex, together, sharegpt, "
                                                 "alpaca, hf-messages or hf-prompt-completion")] = "openai",
        output: Annotated[str, Field(description="file name, e.g. training.jsonl")] = "training.jsonl",
    ) -> list[UserMessage]:
        """Check and export the accepted examples as JSONL."""
        return [UserMessage(
            f"Export my fine-tuning data: first call finetune_export with format={format!r} and dry_run=true and "
            f"summarize what would pass or fail; then call it with output={output!r}. Report the written path, "
            "counts and any skipped examples with their reasons."
        )]

    @mcp.prompt(name="finetune_stats", title="Dataset statistics")
    def stats_prompt() -> list[UserMessage]:
        """Summarize the collected dataset and whether it is ready to train."""
        return [UserMessage(
            "Call finetune_stats and summarize: how many examples by status and task type, quality, "
            "tokens, rejections and redactions, and per target whether the data is ready to train."
        )]

    del save_for_training, export_training_data, stats_prompt

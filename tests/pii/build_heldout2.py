"""Build tests/pii/heldout2.jsonl: a second held-out battery of everyday credential forms and benign
developer text, written without looking at the scrubber's rules.

Templates live in heldout2_positive.py and heldout2_benign.py, values in heldout2_values.py
(seeded). Each line is {"id", "kind", "family", "lang", "text"} plus, for a planted secret,
"type", "value" (the first secret) and "values" (every substring that must not survive); a benign
line must come out byte-identical. benchmarks/scrub.py reports recall and benign changes per family;
no rule is written or tuned against this file.

    python tests/pii/build_heldout2.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from heldout2_benign import BENIGN  # noqa: E402
from heldout2_positive import POSITIVE  # noqa: E402
from heldout2_values import VALUES, pick  # noqa: E402

MARKER = re.compile(r"⟦(S:)?([^⟧#]+)(?:#(\d))?⟧")
PII_FAMILIES = {"email", "phone", "card", "iban", "ssn", "ip"}


def fill(template: str) -> tuple[str, list[str]]:
    """The template with its markers filled, and the secrets that went into it."""
    chosen: dict[str, tuple[str, list[str]]] = {}
    secrets: list[str] = []

    def one(m: re.Match[str]) -> str:
        secret, kind, n = bool(m.group(1)), m.group(2), m.group(3) or ""
        if kind.startswith("pick:"):
            return pick(kind[5:])
        key = f"{kind}#{n}"
        if key not in chosen:
            made = VALUES[kind]()
            chosen[key] = (made, [made]) if isinstance(made, str) else made
        text, parts = chosen[key]
        if secret:
            secrets.extend(p for p in parts if p not in secrets)
        line_start = m.string.rfind("\n", 0, m.start()) + 1
        indent = m.string[line_start : m.start()]
        if indent.strip() == "" and indent:
            text = text.replace("\n", "\n" + indent)
        return text

    return MARKER.sub(one, template), secrets


def build() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n, (family, lang, kind, template) in enumerate(POSITIVE):
        for copy in range(2 if family in PII_FAMILIES else 1):
            text, secrets = fill(template)
            rows.append({"id": f"h2p{n:03d}_{copy}", "kind": "planted", "family": family, "lang": lang, "type": kind,
                         "text": text, "value": secrets[0], "values": secrets})
    seen: set[str] = set()
    for n, (family, lang, template) in enumerate(BENIGN):
        for copy in range(2):
            text, _ = fill(template)
            if text not in seen:
                seen.add(text)
                rows.append({"id": f"h2b{n:03d}_{copy}", "kind": "benign", "family": family, "lang": lang, "text": text})
    return rows


def main() -> None:
    rows = build()
    with (HERE / "heldout2.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    planted = sum(r["kind"] == "planted" for r in rows)
    print(f"heldout2.jsonl: {planted} planted, {len(rows) - planted} benign")


if __name__ == "__main__":
    main()

"""Build tests/pii/heldout3.jsonl: a third held-out battery of everyday credential forms and
benign developer text, written before reading the scrubber's rules and aimed at what heldout2
does not cover (Dockerfiles, compose and CI files, systemd/supervisord units, framework settings,
cloud and ops CLIs, message brokers, notebooks, raw HTTP, structured logs, code in 20 languages,
prose in 16 languages).

Templates live in heldout3_positive.py and heldout3_benign.py, values in heldout3_values.py
(seeded). Each line has the shape of heldout2.jsonl: {"id", "kind", "family", "lang", "text"}
plus, for a planted line, "type", "value" (the first secret) and "values" (every substring that
must not survive); a benign line must come out byte-identical.

Every planted template is written twice with fresh values, every benign template twice (a copy
identical to the first is dropped). A secret split across two string literals (family `split`)
is labelled planted with both halves as values: each half is long and random on its own, so
either half left in place is a leak.

    python tests/pii/build_heldout3.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from heldout3_benign import BENIGN  # noqa: E402
from heldout3_positive import POSITIVE  # noqa: E402
from heldout3_values import SECRET, fill  # noqa: E402

MARKER = re.compile(r"«([a-z0-9_]+)(?:#(\d))?»")


def render(template: str) -> tuple[str, list[str]]:
    """The template with its markers filled, and the secret values that went into it."""
    chosen: dict[str, str] = {}
    secrets: list[str] = []

    def one(m: re.Match[str]) -> str:
        kind, key = m.group(1), m.group(0)
        if key not in chosen:
            chosen[key] = fill(kind)
        if kind in SECRET and chosen[key] not in secrets:
            secrets.append(chosen[key])
        return chosen[key]

    text = MARKER.sub(one, template)
    if MARKER.search(text):
        raise ValueError(f"unfilled marker in {template!r}")
    return text, [s for part in secrets for s in part.split("\\n")]


def build() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n, (family, lang, kind, template) in enumerate(POSITIVE):
        for copy in range(2):
            text, secrets = render(template)
            rows.append({"id": f"h3p{n:03d}_{copy}", "kind": "planted", "family": family, "lang": lang,
                         "type": kind, "text": text, "value": secrets[0], "values": secrets})
    seen: set[str] = set()
    for n, (family, lang, template) in enumerate(BENIGN):
        for copy in range(2):
            text, secrets = render(template)
            if secrets:
                raise ValueError(f"benign template fills a secret: {template!r}")
            if text not in seen:
                seen.add(text)
                rows.append({"id": f"h3b{n:03d}_{copy}", "kind": "benign", "family": family, "lang": lang, "text": text})
    return rows


def main() -> None:
    rows = build()
    with (HERE / "heldout3.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    planted = sum(r["kind"] == "planted" for r in rows)
    print(f"heldout3.jsonl: {planted} planted, {len(rows) - planted} benign")


if __name__ == "__main__":
    main()

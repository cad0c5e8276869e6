"""Build tests/pii/heldout4.jsonl: a fourth held-out battery, written by an independent auditor
on 2026-12-02 for issue 16 (its `battery.jsonl`: 264 secrets, 170 benign texts, each secret a
`{"text", "secret", "family", "syntax"}` row and each benign one with `"secret": null`), converted
to the shape of heldout2.jsonl. Nothing in it was written by the hands that write the rules.

Each line: {"id", "kind", "family", "lang", "text"}; a planted line adds "type", "value" and
"values" (the auditor's one secret); a benign line must come out byte-identical. `family` is the
auditor's family and `lang` its syntax label; `type` is the catalog type the row's family implies
(the benchmark does not score types).

    python tests/pii/build_heldout4.py /path/to/battery.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).parent / "heldout4.jsonl"
_PII_TYPES = {"email": "email", "phone": "phone", "card": "credit_card", "iban": "iban", "ssn": "ssn"}


def _type(family: str, syntax: str) -> str:
    if family == "pii":
        return _PII_TYPES[syntax.split("-")[0]]
    if family == "webhook":
        return "slack_webhook"
    if family in ("cli", "credfile", "sql", "setter", "i18n", "unicode"):
        return "password"
    return "secret"


def convert(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for n, r in enumerate(rows):
        family, syntax, secret = str(r["family"]), str(r["syntax"]), r["secret"]
        if secret is None:
            out.append({"id": f"h4b{n:03d}", "kind": "benign", "family": family, "lang": syntax, "text": r["text"]})
        else:
            out.append({"id": f"h4p{n:03d}", "kind": "planted", "family": family, "lang": syntax,
                        "type": _type(family, syntax), "text": r["text"], "value": secret, "values": [secret]})
    return out


def main() -> None:
    source = Path(sys.argv[1])
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = [json.dumps(r, ensure_ascii=False) for r in convert(rows)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

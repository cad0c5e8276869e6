"""Build the labelled near-duplicate corpus (`corpus.jsonl.gz`) from real text on this machine.

Run: `.venv/bin/python tests/dedup/build_corpus.py` (deterministic: fixed seed, sorted inputs).

Sources: Python standard-library functions and docstrings (3.11, plus the same functions in
3.10 and 3.12 as real consecutive revisions) and the plain-text files under /usr/share/doc.
Each line is one labelled pair: {"kind", "dup": bool, "a": example, "b": example}.

Positive kinds (should be judged duplicates): exact, whitespace_case, small_edit (1-5% of
tokens), renamed_identifiers, sentence_edit (one sentence added or removed), real_revision
(the same stdlib function in consecutive Python versions, when ≤ 5% of its tokens changed).
Hard negatives: same_prompt (same question, a substantively different answer), same_template
(a long shared instruction with different content), shared_system (a long shared system prompt
with different conversations), same_module (two different functions of one module).
"""

from __future__ import annotations

import ast
import difflib
import gzip
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path("/root/.pyenv/versions")
LIB = ROOT / "3.11.7/lib/python3.11"
OTHER_LIBS = [ROOT / "3.10.13/lib/python3.10", ROOT / "3.12.1/lib/python3.12"]
DOCS = Path("/usr/share/doc")
OUT = Path(__file__).with_name("corpus.jsonl.gz")
PER_KIND = 120
SEED = 20240617

MODULES = [
    "argparse.py", "ast.py", "base64.py", "bisect.py", "calendar.py", "configparser.py", "csv.py",
    "datetime.py", "difflib.py", "dis.py", "email/utils.py", "fnmatch.py", "fractions.py",
    "ftplib.py", "functools.py", "genericpath.py", "gettext.py", "glob.py", "gzip.py", "heapq.py",
    "imaplib.py", "inspect.py", "ipaddress.py", "json/decoder.py", "json/encoder.py", "locale.py",
    "logging/__init__.py", "mailbox.py", "netrc.py", "ntpath.py", "pathlib.py", "pickle.py",
    "pkgutil.py", "platform.py", "plistlib.py", "posixpath.py", "pprint.py", "pydoc.py",
    "shlex.py", "shutil.py", "smtplib.py", "socket.py", "statistics.py", "string.py",
    "subprocess.py", "tarfile.py", "tempfile.py", "textwrap.py", "threading.py", "tokenize.py",
    "traceback.py", "typing.py", "urllib/parse.py", "urllib/request.py", "uuid.py", "warnings.py",
    "zipfile.py", "zipimport.py",
]

NAMES = ["value", "item", "result", "data", "node", "entry", "buf", "obj", "key", "arg", "text", "path"]
FILLER = ["also", "then", "just", "usually", "here", "now", "simply", "first", "again", "the", "a"]


# -- sources ------------------------------------------------------------------------------------
def functions(lib: Path) -> dict[str, dict[str, Any]]:
    """name -> {src, doc, module, args, locals} for documented functions of moderate size."""
    found: dict[str, dict[str, Any]] = {}
    for rel in MODULES:
        path = lib / rel
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        module = rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("__"):
                continue
            doc = ast.get_docstring(node)
            src = ast.get_source_segment(text, node)
            if not doc or not src or not 400 <= len(src) <= 3500:
                continue
            args = [a.arg for a in node.args.args if a.arg not in ("self", "cls")]
            assigned = sorted(
                {t.id for n in ast.walk(node) if isinstance(n, ast.Assign) for t in n.targets
                 if isinstance(t, ast.Name)}
            )
            found[f"{module}.{node.name}"] = {
                "src": src, "doc": doc, "module": module, "name": node.name, "names": args + assigned,
            }
    return found


def module_docs() -> list[str]:
    """Long module docstrings (used as shared system prompts)."""
    out = []
    for rel in MODULES:
        path = LIB / rel
        try:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8", errors="replace")))
        except (OSError, SyntaxError):
            continue
        if doc and len(doc.split()) >= 80:
            out.append(doc)
    return out


def doc_paragraphs() -> list[str]:
    """Prose paragraphs of ≥ 7 sentences from /usr/share/doc plain-text files, one per text."""
    out: list[str] = []
    seen: set[frozenset[str]] = set()
    for path in sorted(DOCS.rglob("*")):
        if not path.is_file() or path.suffix in (".gz", ".html", ".conf", ".py", ".c", ".h") \
                or path.name == "copyright" or path.stat().st_size > 300_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for block in re.split(r"\n\s*\n", text):
            flat = " ".join(block.split())
            words = frozenset(flat.lower().split())
            if len(sentences(flat)) >= 7 and 500 <= len(flat) <= 2500 and flat.count("|") < 3 \
                    and not any(len(words & w) > 0.5 * len(words | w) for w in seen):
                # Packages repeat boilerplate (licence headers) across files: keep one copy, so
                # two different paragraphs are really different texts.
                seen.add(words)
                out.append(flat)
    return sorted(out)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s]


# -- example shapes ------------------------------------------------------------------------------
def single(user: str, assistant: str, system: str | None = None) -> dict[str, Any]:
    ex: dict[str, Any] = {"input": {"user": user}, "output": {"assistant": assistant}}
    if system:
        ex["input"]["system"] = system
    return ex


def code_example(fn: dict[str, Any], src: str | None = None) -> dict[str, Any]:
    first = fn["doc"].split("\n\n")[0].replace("\n", " ")
    return single(
        f"Write the `{fn['name']}` function for the {fn['module']} module. It should do this: {first}",
        f"Here is an implementation:\n\n```python\n{src or fn['src']}\n```",
    )


def tool_example(fn: dict[str, Any], answer: str) -> dict[str, Any]:
    """Multi-turn with a tool call: read the source, then explain it."""
    call = {"id": "call_1", "type": "function",
            "function": {"name": "read_source", "arguments": json.dumps({"symbol": f"{fn['module']}.{fn['name']}"})}}
    return {"messages": [
        {"role": "user", "content": f"How does {fn['module']}.{fn['name']} work?"},
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": fn["src"]},
        {"role": "assistant", "content": answer},
    ]}


def prose_example(topic: str, text: str) -> dict[str, Any]:
    return single(f"Can you explain {topic}?", text)


# -- transforms ----------------------------------------------------------------------------------
def map_texts(ex: dict[str, Any], fn: Any, roles: tuple[str, ...] = ("user", "assistant", "tool")) -> dict[str, Any]:
    ex = json.loads(json.dumps(ex))
    if "input" in ex:
        if "user" in roles:
            ex["input"]["user"] = fn(ex["input"]["user"])
        if "assistant" in roles:
            ex["output"]["assistant"] = fn(ex["output"]["assistant"])
    else:
        for m in ex["messages"]:
            if m["role"] in roles and m.get("content"):
                m["content"] = fn(m["content"])
    return ex


def reformat(text: str, rng: random.Random) -> str:
    """Whitespace and case noise: re-indentation, spaces around punctuation, casing, wrapping."""
    choice = rng.randrange(4)
    if choice == 0:
        return re.sub(r"(?m)^( {4})+", lambda m: "  " * (len(m.group(0)) // 4), text)
    if choice == 1:
        return re.sub(r"([(),=:])", r" \1 ", text)
    if choice == 2:
        return "\n".join(line.rstrip() + "   " for line in text.upper().split("\n")) + "\n\n"
    return re.sub(r"(?<=[a-z,]) (?=[a-z])", lambda _m: rng.choice([" ", "\n", "  ", "\t"]), text)


def edit_tokens(text: str, rate: float, rng: random.Random) -> str:
    """Substitute, delete or insert `rate` of the whitespace-separated tokens."""
    parts = re.split(r"(\s+)", text)
    idx = [i for i in range(0, len(parts), 2) if parts[i]]
    n = max(1, round(len(idx) * rate))
    vocab = [parts[i] for i in idx]
    for i in rng.sample(idx, min(n, len(idx))):
        op = rng.randrange(3)
        if op == 0:
            parts[i] = rng.choice(vocab)
        elif op == 1:
            parts[i] = ""
        else:
            parts[i] = parts[i] + " " + rng.choice(FILLER)
    return "".join(parts)


def rename(ex: dict[str, Any], fn: dict[str, Any], rng: random.Random) -> dict[str, Any] | None:
    candidates = [n for n in dict.fromkeys(fn["names"]) if len(n) > 1 and n not in NAMES]
    if not candidates:
        return None
    chosen = rng.sample(candidates, min(len(candidates), rng.randint(1, 2)))
    mapping = {old: rng.choice([n for n in NAMES if n not in fn["names"]]) + str(i) for i, old in enumerate(chosen)}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, mapping)) + r")\b")

    def in_code(text: str) -> str:
        # A refactoring renames the code, not the prose around it: rename inside ``` fences
        # (and the whole of a tool result, which is source).
        parts = text.split("```")
        if len(parts) == 1:
            return pattern.sub(lambda m: mapping[m.group(1)], text) if text.lstrip().startswith("def ") else text
        return "```".join(pattern.sub(lambda m: mapping[m.group(1)], s) if i % 2 else s for i, s in enumerate(parts))

    return map_texts(ex, in_code)


def token_change(a: str, b: str) -> float:
    ta, tb = a.split(), b.split()
    return 1 - difflib.SequenceMatcher(None, ta, tb, autojunk=False).ratio()


# -- build ---------------------------------------------------------------------------------------
def build() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    fns = functions(LIB)
    names = sorted(fns)
    rng.shuffle(names)
    paras = doc_paragraphs()
    rng.shuffle(paras)
    systems = module_docs()
    pairs: list[dict[str, Any]] = []

    def add(kind: str, dup: bool, a: dict[str, Any], b: dict[str, Any]) -> None:
        pairs.append({"kind": kind, "dup": dup, "a": a, "b": b})

    def base(i: int) -> dict[str, Any]:
        """Alternate code answers, tool-using explanations and prose answers."""
        fn = fns[names[i % len(names)]]
        shape = i % 3
        if shape == 0:
            return code_example(fn)
        if shape == 1:
            return tool_example(fn, fn["doc"])
        para = paras[i % len(paras)]
        return prose_example(" ".join(para.split()[:6]), para)

    for i in range(PER_KIND):
        a = base(i)
        add("exact", True, a, json.loads(json.dumps(a)))
        add("whitespace_case", True, base(i + 1000), map_texts(base(i + 1000), lambda t: reformat(t, rng)))
        rate = rng.uniform(0.01, 0.05)
        add("small_edit", True, base(i + 2000), map_texts(base(i + 2000), lambda t, r=rate: edit_tokens(t, r, rng)))

    # Renamed identifiers: code answers (and the tool output), renamed consistently everywhere.
    count = 0
    for name in names:
        if count >= PER_KIND:
            break
        fn = fns[name]
        ex = code_example(fn) if count % 2 == 0 else tool_example(fn, fn["doc"])
        renamed = rename(ex, fn, rng)
        if renamed is not None and renamed != ex:
            add("renamed_identifiers", True, ex, renamed)
            count += 1

    # One sentence added or removed, in prose answers of ≥ 6 sentences.
    for i in range(PER_KIND):
        para = paras[(i + 3000) % len(paras)]
        parts = sentences(para)
        a = prose_example(" ".join(para.split()[:6]), para)
        # A sentence, not a section: at most 15% of the answer's words (else it is an edit of
        # a different size, not "one sentence added or removed").
        small = [k for k, s in enumerate(parts) if len(s.split()) <= 0.15 * len(para.split())]
        if i % 2 == 0 and small:
            k = rng.choice(small)
            changed = " ".join(parts[:k] + parts[k + 1:])
        else:
            extra = min(sentences(paras[(i + 4000) % len(paras)]), key=lambda s: abs(len(s.split()) - 15))
            k = rng.randrange(len(parts) + 1)
            changed = " ".join(parts[:k] + [extra] + parts[k:])
        add("sentence_edit", True, a, prose_example(" ".join(para.split()[:6]), changed))

    # Real revisions: the same function in consecutive Python versions, ≤ 5% of tokens changed.
    count = 0
    others = [functions(lib) for lib in OTHER_LIBS]
    for name in sorted(fns):
        for other in others:
            old = other.get(name)
            if old is None or old["src"] == fns[name]["src"] or count >= PER_KIND:
                continue
            change = token_change(old["src"], fns[name]["src"])
            if change <= 0.05:
                add("real_revision", True, code_example(old), code_example(fns[name]))
                count += 1

    # Hard negatives.
    for i in range(PER_KIND):
        fn, other = fns[names[i]], fns[names[-1 - i]]
        # Same (long, code-carrying) prompt, a substantively different answer.
        prompt = f"Explain what this function does and when I would use it:\n\n```python\n{fn['src']}\n```"
        answer_b = other["doc"] if i % 2 else paras[(i + 5000) % len(paras)]
        add("same_prompt", False, single(prompt, fn["doc"]), single(prompt, answer_b))
        # Same long template, different content.
        template = (
            "You are reviewing code for a large Python project. Read the function below carefully. "
            "Write a concise docstring in the numpy style that explains the purpose, the parameters, "
            "the return value and any exceptions raised. Do not restate the implementation; focus on "
            "what a caller needs to know. Keep it under twenty lines and use the imperative mood.\n\n"
            "```python\n{code}\n```"
        )
        j = (i * 7 + 11) % len(names)
        g = fns[names[j]] if names[j] != names[i] else other
        add("same_template", False, single(template.format(code=fn["src"][:600]), fn["doc"][:400]),
            single(template.format(code=g["src"][:600]), g["doc"][:400]))
        # A long shared system prompt, different conversations.
        system = systems[i % len(systems)]
        p, q = paras[(i + 6000) % len(paras)], paras[(i + 7000) % len(paras)]
        if p != q:
            add("shared_system", False,
                single(f"Question about {' '.join(p.split()[:5])}", p, system),
                single(f"Question about {' '.join(q.split()[:5])}", q, system))
    # Two different functions of the same module (related, not duplicates). Twins that differ in
    # under 20% of their tokens (bisect_left/bisect_right) are a separate kind, `twin_functions`:
    # textually they are small edits, which no shingle method can tell from a re-run; the
    # benchmark reports them without a target.
    by_module: dict[str, list[str]] = {}
    for name in sorted(fns):
        by_module.setdefault(fns[name]["module"], []).append(name)
    count = 0
    for _module, members in sorted(by_module.items()):
        for x, y in zip(members[::2], members[1::2], strict=False):
            twin = token_change(fns[x]["src"], fns[y]["src"]) < 0.2
            if twin:
                add("twin_functions", False, code_example(fns[x]), code_example(fns[y]))
            elif count < PER_KIND:
                add("same_module", False, code_example(fns[x]), code_example(fns[y]))
                count += 1
    return pairs


def main() -> int:
    pairs = build()
    with gzip.open(OUT, "wt", encoding="utf-8") as f:
        for pair in pairs:
            f.write(json.dumps(pair, ensure_ascii=False, sort_keys=True) + "\n")
    kinds: dict[str, int] = {}
    for p in pairs:
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    print(f"{OUT}: {len(pairs)} pairs", kinds, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What a shell command does: runs tests, builds, lints, commits, changes code, or only looks.

A command line is split into the commands it chains (`&&`, `||`, `;`, new lines); the left side
of a pipe decides what a command is (`pytest | tail -5` runs tests, `cat log | grep passed` looks).
Wrappers (`uv run`, `npx`, `timeout 60`, `python -m`, `VAR=1`, …) are peeled off first. The tables
are data: a row is (program, pattern over the rest of the command); the first word of the rest is
usually the subcommand.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

Kind = str  # "test" | "build" | "lint" | "commit" | "view"

_PM_FLAGS = r"(?:(?:--?(?:filter|F|C|dir|prefix|w|workspace)\s+\S+|-\S+|workspace \S+) )*"
"""Package-manager options before the script: `pnpm -r test`, `pnpm --filter web build`, `yarn workspace web test`."""
_SCRIPT_TEST = rf"{_PM_FLAGS}(?:run(?:-script)? )?(?:test|tests|t|test:\S+|check|ci|verify)\b"
_SCRIPT_BUILD = rf"{_PM_FLAGS}(?:run(?:-script)? )?(?:build|build:\S+|compile|bundle)\b"
_SCRIPT_LINT = rf"{_PM_FLAGS}(?:run(?:-script)? )?(?:lint|lint:\S+|typecheck|type-check|check-types|tsc)\b"
_GRADLE_TASK = r"(?:\S+ )*?(?<!-x )(?<!--exclude-task )(?::?[\w.-]+:)*"
"""Gradle names tasks by path (`:app:test`) and `-x test` excludes one."""

TABLE: list[tuple[Kind, str, str]] = [
    # tests
    ("test", "pytest|py.test|tox|nox|unittest|jest|vitest|mocha|ava|rspec|ctest|phpunit|bats|pest|nextest|gotestsum"
     "|ginkgo|behave|cucumber-js|prove|busted|robot|karma|jasmine", r""),
    ("test", "go", r"test\b"),
    ("test", "cargo", r"(?:test|nextest)\b"),
    ("test", "npm|yarn|pnpm|bun", _SCRIPT_TEST),
    ("test", "deno|swift|dart|flutter|mix|dotnet|stack|cabal|zig|rails|rake|just|task|make|mvn|mvnw|bazel|bazelisk"
     "|hatch",
     r"(?:\S+ )*?(?:test|tests|spec|check|verify)\b(?![/.])"),  # not a path: `dotnet build tests/Shop.Tests`
    ("test", "gradle|gradlew", rf"{_GRADLE_TASK}(?:test|check|\w+Test)\b"),
    ("test", "sbt", r"(?:\S+ )*?(?:\w+:)?(?:test|testOnly|testQuick)\b"),
    ("test", "xcodebuild", r"(?:\S+ )*?test(?:-without-building)?\b"),
    ("test", r"python[0-9.]*|php", r"(?:manage\.py|artisan) test\b"),  # Django, Laravel
    ("test", r"manage\.py|artisan", r"test\b"),
    ("test", "node", r"(?:\S+ )*?--test\b"),
    ("test", "playwright", r"test\b"),
    ("test", "cypress", r"run\b"),
    # builds
    ("build", "npm|yarn|pnpm|bun", _SCRIPT_BUILD),
    ("build", "cargo|go|swift|dotnet|zig|bazel|hatch|uv|poetry|pdm|vite|next|nuxt|astro|docker|podman|mix",
     r"(?:\S+ )*?(?:build|compile)\b"),
    ("build", "cargo", r"check\b"),
    ("build", "tsc|vue-tsc", r"(?!.*--noEmit)"),
    ("build", "mvn|mvnw", r"(?:\S+ )*?(?:package|install|compile)\b"),
    ("build", "gradle|gradlew", rf"{_GRADLE_TASK}(?:build|assemble\w*)\b"),
    ("build", "make", r"(?!.*\b(?:test|check|clean|lint)\b)"),
    ("build", "cmake", r"--build\b"),
    ("build", "webpack|rollup|esbuild|ninja|xcodebuild|msbuild|build", r""),
    # linters and type checkers
    ("lint", "ruff", r"(?:check\b(?!.*--fix)|format --check\b)"),
    ("lint", "mypy|pyright|pylint|flake8|pycodestyle|pyflakes|eslint|stylelint|shellcheck|hadolint|golangci-lint"
     "|rubocop|biome|oxlint|standard|xo|ktlint|swiftlint|credo|dialyzer|staticcheck|yamllint|actionlint|phpstan|psalm"
     "|svelte-check", r"(?!.*--fix\b)"),
    ("lint", "tsc|vue-tsc", r".*--noEmit\b"),
    ("lint", "cargo", r"(?:clippy|fmt (?:.* )?--check)\b"),
    ("lint", "go", r"vet\b"),
    ("lint", "black|isort|prettier", r".*--check\b"),
    ("lint", "npm|yarn|pnpm|bun", _SCRIPT_LINT),
    ("lint", "mix", r"(?:credo|dialyzer|format --check-formatted)\b"),
    ("lint", "make|just|task", r"(?:\S+ )*?(?:lint|typecheck|type-check|check-types)\b(?![/.])"),
    ("lint", "deno", r"(?:lint|fmt --check)\b"),
    # version control
    ("commit", "git", r"(?:-\S+ \S+ )*commit\b"),
    # only looking (their output may quote anything, so it is never a runner's summary)
    ("view", "cat|head|tail|less|more|bat|batcat|nl|awk|grep|egrep|rg|ag|ack|find|fd|ls|tree|echo|printf|jq|yq"
     "|diff|cmp|wc|sort|uniq|cut|tr|column|strings|xxd|od|hexdump|file|stat|gh|glab|curl|wget|open|type|pwd"
     "|which|whereis|readlink|realpath|du|df|ps|env|printenv|true|false|cd|export|source|set|sleep|date", r""),
    ("view", "sed", r"(?!.*(?:^|\s)(?:-i|--in-place|-\w*i)\b)"),
    ("view", "git", r"(?:-\S+ \S+ )*(?:show|log|diff|status|blame|grep|ls-files|cat-file|branch|remote|rev-parse)\b"),
    ("view", "docker|kubectl|journalctl", r"(?:logs|inspect|ps|get|describe)\b"),
]

EDIT_TABLE: list[tuple[str, str]] = [
    ("sed|gsed", r"(?:.*\s)?(?:-i|--in-place|-\w*i)\b"),
    ("perl", r"(?:.*\s)?-\w*i"),
    ("patch|apply_patch|applypatch", r""),  # Codex's older shell tool ran apply_patch as a command
    ("git", r"(?:apply|am|restore|checkout -- |cherry-pick|revert|merge|rebase|stash (?:pop|apply)|reset --hard)\b"),
    ("ruff", r"(?:.*--fix\b|format\b(?!.*--check))"),
    ("black|isort", r"(?!.*--check)"),
    ("prettier|eslint|biome", r".*--(?:write|fix|apply)\b"),
    ("gofmt|goimports", r".*-w\b"),
    ("go", r"fmt\b"),
    ("cargo", r"fmt\b(?!.*--check)"),
]

CODE_FILE = re.compile(
    r"\.(?:py|pyi|js|jsx|mjs|cjs|ts|tsx|go|rs|java|kt|kts|rb|c|h|cc|cpp|hpp|cs|swift|php|ex|exs|scala|lua|sh|sql"
    r"|vue|svelte|html|css|scss|toml|ya?ml|json|cfg|ini|gradle|xml)$"
)
"""A redirect into one of these (`cat > app.py <<EOF`) changes code; into a log it does not."""

DOCS = re.compile(r"(?:\.(?:md|markdown|txt|rst|adoc)|^/tmp/.*)$", re.I)
"""Files whose change leaves the code as tested (a plan, notes, a summary written at the end)."""
_FILE_ARG = re.compile(r"^[^-'\"\s][^\s]*\.\w+$")

WRAPPERS = {
    "sudo": 0, "time": 0, "nice": 0, "nohup": 0, "command": 0, "exec": 0, "xvfb-run": 0, "dotenv": 0,
    "npx": 0, "pnpx": 0, "bunx": 0, "timeout": 1, "gtimeout": 1,
}
"""Programs that run the next word; the value is how many arguments they take first."""
RUNNERS = {("uv", "run"), ("poetry", "run"), ("pipenv", "run"), ("hatch", "run"), ("pdm", "run"), ("rye", "run"),
           ("bundle", "exec"), ("pnpm", "exec"), ("pnpm", "dlx"), ("yarn", "dlx"), ("npm", "exec"), ("conda", "run"),
           ("docker", "exec"), ("docker", "run"), ("docker", "compose", "run"), ("docker", "compose", "exec"),
           ("docker-compose", "run"), ("docker-compose", "exec"), ("podman", "exec"), ("podman", "run"),
           ("kubectl", "exec"), ("nix", "develop", "-c"), ("devbox", "run")}
"""Word sequences that run a command given later on the line; their options and arguments (`--with
pytest`, a container name, `--`) come first, so the command is the first word that names a program."""
BINARY_RUNNERS = {"yarn", "pnpm", "bun"}
"""Package managers that run a local binary by name (`pnpm vitest run`, `yarn jest`)."""

_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(\w+)\1[^\n]*\n.*?\n\s*\2\s*(?:\n|$)", re.S)
_SEPARATORS = {"&&", "||", ";", "&", ";;"}
_REDIRECTS = (">", ">>", "&>", "&>>")
_COMPILED = [(kind, re.compile(rf"(?:{prog})"), re.compile(rf"^(?:{rest})")) for kind, prog, rest in TABLE]
_COMPILED_EDITS = [(re.compile(rf"(?:{prog})"), re.compile(rf"^(?:{rest})")) for prog, rest in EDIT_TABLE]
_PROGRAMS = [prog for _, prog, _ in _COMPILED] + [prog for prog, _ in _COMPILED_EDITS]


def _is_program(word: str) -> bool:
    name = word.rsplit("/", 1)[-1]
    return any(prog.fullmatch(name) for prog in _PROGRAMS)


@dataclass(slots=True)
class Command:
    text: str | None
    kinds: set[Kind] = field(default_factory=set)
    edits: bool = False
    last: set[Kind] = field(default_factory=set)
    """The kinds of the chain's last command: the one whose exit status the result reports."""
    logs: list[str] = field(default_factory=list)
    """Files a test command's output was redirected into (`pytest > /tmp/t.log 2>&1`)."""
    gated: set[Kind] = field(default_factory=set)
    """Kinds of commands followed by `&&`: when the whole chain exits 0, each of them succeeded
    (`cmake --build build && ctest`)."""

    @property
    def known(self) -> bool:
        return self.text is not None

    @property
    def only_views(self) -> bool:
        """Every chained command only looks (its output may quote a summary; it ran nothing)."""
        return self.kinds == {"view"}


def _tokens(text: str) -> list[str]:
    text = _HEREDOC.sub("\n", text)
    try:
        lexer = shlex.shlex(text.replace("\n", " ; "), posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        return list(lexer)
    except ValueError:  # unbalanced quotes: words are still good enough to classify
        return re.findall(r"&&|\|\||[;|&]|[^\s;|&]+", text.replace("\n", " ; "))


def _peel(words: list[str]) -> list[str]:
    while words:
        head = words[0].rsplit("/", 1)[-1]
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
            words = words[1:]
        elif head in WRAPPERS:
            rest = words[1:]
            while rest and rest[0].startswith("-"):
                rest = rest[1:]
            words = rest[WRAPPERS[head]:]
        elif runner := next((r for r in RUNNERS if tuple([head, *words[1:len(r)]]) == r), None):
            rest = words[len(runner):]
            at = next((i for i, w in enumerate(rest) if _is_program(w)), None)
            words = rest[at:] if at is not None else rest
        elif head in BINARY_RUNNERS and len(words) > 1 and _is_program(words[1]):
            words = words[1:]
        elif re.fullmatch(r"python[0-9.]*|py", head) and len(words) > 2 and words[1] == "-m":
            words = words[2:]
        elif head == "env":
            words = words[1:]
        else:
            return words
    return words


def _kinds(words: list[str]) -> set[Kind]:
    words = _peel(words)
    if not words:
        return set()
    program = words[0].rsplit("/", 1)[-1]
    rest = " ".join(words[1:])
    kinds = {kind for kind, prog, pattern in _COMPILED if prog.fullmatch(program) and pattern.match(rest)}
    if "test" in kinds:
        kinds.discard("build")  # `zig build test`, `swift build --build-tests && …`: the verdict is the tests'
    return kinds


def _edits(words: list[str], piped: bool) -> bool:
    words = _peel(words)
    if not words:
        return False
    program = words[0].rsplit("/", 1)[-1]
    rest = " ".join(words[1:])
    if program == "tee" and any(CODE_FILE.search(w) for w in words[1:]):
        return True
    if piped or not any(prog.fullmatch(program) and pat.match(rest) for prog, pat in _COMPILED_EDITS):
        return False
    files = [w for w in words[1:] if _FILE_ARG.match(w)]
    return not files or not all(DOCS.search(f) for f in files)  # `sed -i … README.md` leaves the code as tested


def classify(text: str | None) -> Command:
    """What the command line does; an unknown (redacted, missing) command has no kinds."""
    command = Command(text)
    if text is None:
        return command
    tokens = _tokens(text)
    segment: list[str] = []
    piped = False

    def close() -> None:
        words = [w for w in segment if w]
        redirect = [words[i + 1] for i, w in enumerate(words[:-1]) if w in _REDIRECTS]
        if any(CODE_FILE.search(target) for target in redirect):
            command.edits = True
        words = [w for i, w in enumerate(words) if w not in (*_REDIRECTS, "<", "2>", ">&") and
                 (i == 0 or words[i - 1] not in (*_REDIRECTS, "<", ">&"))]
        if "test" in _kinds(words):
            command.logs += [t for t in redirect if not CODE_FILE.search(t)]
        if _edits(words, piped):
            command.edits = True
        if words:  # a pipe's status is its last command's (`build | tail` exits 0 when the build fails)
            command.last = set() if piped else _kinds(words)
        if not piped:
            command.kinds.update(command.last)

    for tok in tokens:
        if tok in _SEPARATORS or tok == "|":
            close()
            if tok == "&&":
                command.gated.update(command.last)
            piped = tok == "|"
            segment = []
        else:
            segment.append(tok)
    close()
    if len(command.kinds) > 1:
        command.kinds.discard("view")  # `cd app && pytest`: it ran tests
    return command

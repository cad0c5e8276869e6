"""The review page in headless Chromium (Playwright): local server, and inside an MCP Apps host.

Tests install nothing: without Playwright (the test extras, `make test` installs them) or Debian's
chromium (`.ci/run` installs it), `ensure_browser()` skips them, saying what to install.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from review_helpers import (
    CHROMIUM,
    LAUNCH_ARGS,
    SCREENSHOTS,
    SECRET,
    ensure_browser,
    insert_pair,
    review_server,
    seed,
    status_in_file,
)

from finetune_collection import curate
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store

pytestmark = pytest.mark.slow
NEAR_TEXT = ("Use a generator so the parser never holds the whole file: for line in handle: yield parse(line). "
             "Memory stays flat for large inputs and the first record arrives at once.")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    ensure_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


class Watched:
    """A page that records console errors, uncaught errors and every request it makes."""

    def __init__(self, browser: Any, allowed_prefix: str) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_request(r: Any) -> None:
            if not (r.url.startswith(allowed_prefix) or r.url.startswith(("about:", "data:"))):
                self.foreign.append(r.url)

        self.page.on("request", on_request)

    def check_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.foreign == [], self.foreign


@pytest.fixture
def dataset(pipeline: Pipeline, store: Store) -> dict[str, Any]:
    code = seed(pipeline, 4)
    debug = [pipeline.collect(_debug(n)).id for n in range(2)]
    assert None not in debug
    near = insert_pair(store, NEAR_TEXT, NEAR_TEXT.replace("flat", "constant").replace("at once", "immediately"))
    accepted = seed(pipeline, 1, start=10, task_type="documentation", created_at="2024-01-02T10:00:00Z")
    curate.review(pipeline.store, [accepted[0]], "approve")[0]
    return {"code": code, "debug": debug, "near": near, "accepted": accepted}


DEBUG = [
    ("the worker pool deadlocks after three jobs; token=<REDACTED>",
     "Each job holds the queue lock while awaiting its result; release the lock before waiting."),
    ("why does the nightly export write an empty file when the disk is nearly full?",
     "The writer swallows ENOSPC in its flush; check the return value and fail loudly instead."),
]


def _debug(n: int) -> dict[str, Any]:
    user, answer = DEBUG[n]
    return {"task_type": "debugging", "quality_score": 0.93, "input": {"user": user},
            "output": {"assistant": answer},
            "signals": [{"name": "tests_passed", "evidence": "stress test green"}]}


def test_review_page_local(browser: Any, dataset: dict[str, Any], finetune_home: Path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with review_server(finetune_home) as server:
        w = Watched(browser, f"http://127.0.0.1:{server.port}/")
        page = w.page
        page.goto(server.url)
        page.wait_for_selector("body[data-loaded='1']")

        # Pending first: every card on the default view is pending, the accepted one is not listed.
        cards = page.locator("article.card")
        pending = dataset["code"] + dataset["debug"] + list(dataset["near"])
        assert cards.count() == len(pending)
        assert set(page.locator("article.card .badge").all_inner_texts()) == {"pending"}
        assert page.locator("mark.ph", has_text="<EMAIL>").count() >= 4
        assert page.locator("#counts").inner_text().split() == ["8", "pending", "1", "accepted", "0", "rejected"]
        page.screenshot(path=str(SCREENSHOTS / "review.png"))

        # Approve one: the store file changes.
        first = dataset["code"][0]
        page.locator(f"article.card[data-id='{first}'] button.approve").click()
        page.locator("#notice", has_text="approved 1").wait_for()
        assert status_in_file(finetune_home, first) == "accepted"
        page.wait_for_selector(f"article.card[data-id='{first}']", state="detached")

        # Near-duplicates side by side, differences marked.
        a, b = dataset["near"]
        card = page.locator(f"article.card[data-id='{a}']")
        card.locator("button.similar").click()
        pair = card.locator(".compare .pair").first
        pair.wait_for()
        assert pair.locator(f".side[data-id='{a}']").count() == 1
        assert pair.locator(f".side[data-id='{b}']").count() == 1
        assert pair.locator("del.d", has_text="flat").count() == 1
        assert pair.locator("ins.i", has_text="constant").count() == 1
        card.scroll_into_view_if_needed()
        card.screenshot(path=str(SCREENSHOTS / "review-near-duplicates.png"))

        # Edit a turn pasting a secret: stored scrubbed, shown with the placeholder.
        target = dataset["code"][1]
        page.locator(f"article.card[data-id='{target}'] button.toggle").click()  # cards start collapsed
        turn = page.locator(f"article.card[data-id='{target}'] .turn.assistant")
        turn.locator("button.edit").click()
        page.locator(f"article.card[data-id='{target}'] textarea.editor").fill(f"Call it with {SECRET} as the key.")
        page.locator(f"article.card[data-id='{target}'] button.save").click()
        page.locator("#notice", has_text="saved the edit").wait_for()
        assert SECRET.encode() not in (finetune_home / "examples.json").read_bytes()
        assert "<API_KEY>" in Store(finetune_home, server.core.store.config).get_doc(target)["output"]["assistant"]
        page.locator(f"article.card[data-id='{target}'] mark.ph", has_text="<API_KEY>").wait_for()
        assert SECRET not in page.content()

        # Bulk approve of a filter (debugging): only those change.
        page.select_option("#f-task", "debugging")
        page.locator("#filters button[type=submit]").click()
        page.locator("#match-count", has_text="2 matching").wait_for()
        page.locator("#bulk-approve").click()
        page.locator("#bulk-approve").click()  # second click confirms
        page.locator("#notice", has_text="approved 2").wait_for()
        assert {status_in_file(finetune_home, i) for i in dataset["debug"]} == {"accepted"}
        assert status_in_file(finetune_home, dataset["code"][2]) == "pending"

        # Stats: charts are drawn.
        page.locator("#tab-stats").click()
        page.wait_for_selector("body[data-stats='1']")
        assert page.locator("svg.quality rect.bar").count() >= 1
        assert page.locator("svg.status rect.bar").count() >= 2
        assert page.locator("svg.lines polyline").count() >= 2
        assert page.locator("svg.tokens rect.bar").count() >= 1
        preference = page.locator("table.preference tbody tr")
        assert {preference.nth(i).get_attribute("data-target") for i in range(preference.count())} == {
            "openai-dpo", "trl-preference", "trl-kto", "vertex-preference"}
        assert "label true" in page.locator("table.preference tr[data-target='trl-kto']").inner_text()
        assert page.locator("p.evidence").inner_text().startswith("Evidence: ")
        headers = page.locator("table.ready:not(.preference) th").all_inner_texts()
        assert headers[:3] == ["target", "ready", "verdict"] and "summary" not in headers
        assert "openai" in (page.locator("table.ready:not(.preference) tbody tr").first.get_attribute("title") or "").lower()
        page.screenshot(path=str(SCREENSHOTS / "stats.png"), full_page=True)
        w.check_clean()
    for name in ("review.png", "review-near-duplicates.png", "stats.png"):
        assert (SCREENSHOTS / name).stat().st_size > 10_000


def test_cards_are_collapsed_selectable_and_keyboard_driven(
    browser: Any, dataset: dict[str, Any], finetune_home: Path
) -> None:
    """Fully expanded cards made the pending list ~10,000 px tall for 67 examples."""
    with review_server(finetune_home) as server:
        w = Watched(browser, f"http://127.0.0.1:{server.port}/")
        page = w.page
        page.goto(server.url)
        page.wait_for_selector("body[data-loaded='1']")
        cards = page.locator("article.card")
        pending = dataset["code"] + dataset["debug"] + list(dataset["near"])
        assert cards.count() == len(pending)

        # Collapsed: one line of preview per card, no turn visible; a click opens one card.
        assert page.locator("article.card.collapsed").count() == len(pending)
        assert page.locator(".turn").evaluate_all("els => els.filter(e => e.offsetParent !== null).length") == 0
        heights = cards.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
        assert max(heights) < 120, heights
        first = cards.first
        preview = first.locator(".preview")
        assert preview.is_visible() and preview.evaluate("e => e.scrollHeight <= e.clientHeight + 2")
        preview.click()
        assert first.locator(".turn.assistant").is_visible() and not preview.is_visible()
        first.locator("button.toggle").click()
        assert not first.locator(".turn.assistant").is_visible()

        # Select two with the checkboxes and reject them together.
        a, b = dataset["code"][0], dataset["code"][1]
        page.locator(f"article.card[data-id='{a}'] input.pick").check()
        page.locator(f"article.card[data-id='{b}'] input.pick").check()
        page.locator("#sel-count", has_text="2 selected").wait_for()
        page.locator("#sel-reject").click()
        page.locator("#notice", has_text="rejected 2").wait_for()
        assert {status_in_file(finetune_home, i) for i in (a, b)} == {"rejected"}
        page.locator("#sel-count", has_text="0 selected").wait_for()

        # Keyboard: j moves to the first card, j again to the second, a approves it, k goes back,
        # r rejects; o opens the focused card. Typing in the search box is never a shortcut.
        page.locator("#f-q").fill("jar")
        assert status_in_file(finetune_home, dataset["code"][2]) == "pending"
        page.locator("h1").click()
        ids = cards.evaluate_all("els => els.map(e => e.dataset.id)")
        page.keyboard.press("j")
        page.keyboard.press("j")
        assert page.locator("article.card.focused").get_attribute("data-id") == ids[1]
        page.keyboard.press("o")
        assert page.locator(f"article.card[data-id='{ids[1]}'] .turn.assistant").is_visible()
        page.keyboard.press("a")
        page.locator("#notice", has_text="approved 1").wait_for()
        page.wait_for_selector(f"article.card[data-id='{ids[1]}']", state="detached")
        assert status_in_file(finetune_home, ids[1]) == "accepted"
        page.keyboard.press("k")
        assert page.locator("article.card.focused").get_attribute("data-id") == ids[0]
        page.keyboard.press("r")
        page.locator("#notice", has_text="rejected 1").wait_for()
        assert status_in_file(finetune_home, ids[0]) == "rejected"
        w.check_clean()


HOST = """<!doctype html><html><body><iframe id="app" sandbox="allow-scripts" width="1200" height="860"></iframe>
<script>
const frame = document.getElementById("app");
const send = (m) => frame.contentWindow.postMessage({ jsonrpc: "2.0", ...m }, "*");
window.seen = [];
addEventListener("message", async (e) => {
  const m = e.data; if (e.source !== frame.contentWindow || m?.jsonrpc !== "2.0") return;
  window.seen.push(m.method);
  if (m.method === "ui/initialize") send({ id: m.id, result: { protocolVersion: "2026-01-26",
    hostInfo: { name: "test", version: "0" }, hostCapabilities: { serverTools: {} },
    hostContext: { theme: "light" } } });
  else if (m.method === "ui/notifications/initialized") {
    send({ method: "ui/notifications/tool-input", params: { arguments: {} } });
    send({ method: "ui/notifications/tool-result", params: window.TOOL_RESULT }); }
  else if (m.method === "tools/call") send({ id: m.id, result: await window.forwardToServer(m.params) });
  else if (m.id !== undefined && m.method) send({ id: m.id, result: {} });
});
</script></body></html>"""
# The default CSP a host applies to an app that declares no domains (MCP Apps spec §Security).
APP_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data:; media-src 'self' data:; connect-src 'none'; frame-src 'none'; object-src 'none'")


def test_review_page_inside_an_mcp_apps_host(browser: Any, pipeline: Pipeline, finetune_home: Path) -> None:
    from anyio.from_thread import start_blocking_portal

    from finetune_collection.mcp.server import build_server
    from finetune_collection.review.app import URI
    from mcp import Client

    ids = seed(pipeline, 3)
    dump: dict[str, Any] = {"by_alias": True, "exclude_none": True, "mode": "json"}
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(
        Client(build_server(), mode="legacy")  # type: ignore[arg-type]
    ) as client:
        html = portal.call(client.read_resource, URI).contents[0].text
        opened = portal.call(client.call_tool, "finetune_review_page", {}).model_dump(**dump)
        calls: list[str] = []

        def forward(params: dict[str, Any]) -> dict[str, Any]:
            calls.append(params["name"])
            result = portal.call(client.call_tool, params["name"], params.get("arguments") or {})
            return dict(result.model_dump(**dump))

        w = Watched(browser, "about:")
        page = w.page
        page.expose_function("forwardToServer", forward)
        page.set_content(HOST)
        page.evaluate("r => { window.TOOL_RESULT = r; }", opened)
        doc = html.replace("<head>", f'<head><meta http-equiv="Content-Security-Policy" content="{APP_CSP}">', 1)
        page.evaluate("d => { document.getElementById('app').srcdoc = d; }", doc)
        app = page.frame_locator("#app")
        app.locator("body[data-loaded='1']").wait_for()
        assert app.locator("article.card").count() == 3
        app.locator(f"article.card[data-id='{ids[0]}'] button.approve").click()
        app.locator("#notice", has_text="approved 1").wait_for()
        seen = page.evaluate("window.seen")
        w.check_clean()
    assert status_in_file(finetune_home, ids[0]) == "accepted"
    assert calls[:2] == ["finetune_review_list", "finetune_review_act"]
    assert "ui/notifications/size-changed" in seen and json.dumps(seen).count("ui/initialize") == 1

// The review page. One file for both transports: inside an MCP host it talks to the server only
// through the Apps bridge (postMessage JSON-RPC, tools/call); opened by `finetune review` it calls
// the local API with the per-run token. Data is never put into innerHTML: text nodes only.
"use strict";
(function () {
  const T = {
    list: "finetune_review_list", detail: "finetune_review_detail", act: "finetune_review_act",
    bulk: "finetune_review_bulk", edit: "finetune_review_edit", stats: "finetune_review_stats",
  };
  const PLACEHOLDER = /<[A-Z][A-Z0-9_]*>/g;
  const NEGATIVE = new Set(["errors_occurred", "multiple_retries", "user_rejected", "timeout"]);
  const PAGE = 20;
  const $ = (id) => document.getElementById(id);
  const state = { filter: { status: "pending" }, offset: 0, total: 0, view: "review", readOnly: false,
    selected: new Set(), open: new Set(), focus: -1 };
  const PREVIEW = 160;

  // ---- transport ---------------------------------------------------------------------------
  // `finetune review` puts its per-run token in the URL; the team server (`serve --http`) marks
  // the page instead and authenticates its calls by an HttpOnly cookie the script never sees.
  const token = new URLSearchParams(location.search).get("token");
  const served = document.documentElement.dataset.transport === "http";
  const local = (!!token || served) && location.protocol.startsWith("http");
  let nextId = 1;
  const pending = new Map();
  const handlers = {};
  const post = (m) => window.parent.postMessage(Object.assign({ jsonrpc: "2.0" }, m), "*");
  const request = (method, params) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    post({ id, method, params });
  });
  const notify = (method, params) => post({ method, params });

  async function call(name, args) {
    if (local) {
      const headers = { "Content-Type": "application/json" };
      if (token) headers["X-Finetune-Token"] = token;
      // Relative: the team server mounts the page under /review/.
      const r = await fetch("api/" + name, {
        method: "POST", cache: "no-store", credentials: "same-origin", headers,
        body: JSON.stringify(args || {}),
      });
      const body = await r.json();
      if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
      return body;
    }
    const res = await request("tools/call", { name, arguments: args || {} });
    if (res.isError) throw new Error(((res.content || [])[0] || {}).text || "the tool failed");
    return res.structuredContent;
  }

  // ---- DOM helpers -------------------------------------------------------------------------
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false) el.append(kid);
    return el;
  }
  // The SVG namespace, from the parser itself: the page contains no URL at all.
  const SVG = (() => { const d = document.createElement("div"); d.innerHTML = "<svg></svg>"; return d.firstChild.namespaceURI; })();
  function s(tag, attrs, ...kids) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
    for (const kid of kids.flat()) if (kid !== null && kid !== undefined) el.append(kid);
    return el;
  }
  // Redaction placeholders (<EMAIL>, <API_KEY>, <REDACTED>, <EMAIL_1>, …) become <mark>s.
  function marked(text, parent) {
    let last = 0;
    for (const m of String(text).matchAll(PLACEHOLDER)) {
      if (m.index > last) parent.append(text.slice(last, m.index));
      parent.append(h("mark", { class: "ph", title: "redacted by the scrubber", text: m[0] }));
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.append(text.slice(last));
    return parent;
  }
  function say(message, error) {
    const n = $("notice");
    n.textContent = message || "";
    n.classList.toggle("error", !!error);
  }
  // Two clicks instead of confirm(): sandboxed iframes block modal dialogs.
  function armed(button, label, run) {
    let timer = null;
    const original = button.textContent;
    button.addEventListener("click", async () => {
      if (!button.classList.contains("armed")) {
        button.classList.add("armed");
        button.textContent = label();
        timer = setTimeout(() => { button.classList.remove("armed"); button.textContent = original; }, 4000);
        return;
      }
      clearTimeout(timer);
      button.classList.remove("armed");
      button.textContent = original;
      await run();
    });
  }

  // ---- review view -------------------------------------------------------------------------
  function counts(c) {
    const box = $("counts");
    // below_threshold and superseded only when there are some: most stores have none
    const shown = ["pending", "accepted", "rejected"].concat(["below_threshold", "superseded"].filter((k) => c[k]));
    box.replaceChildren(...shown.map((k) => h("span", { class: "chip " + k, text: (c[k] || 0) + " " + k })));
  }

  function taskOptions(types) {
    const sel = $("f-task");
    const current = sel.value;
    sel.replaceChildren(h("option", { value: "", text: "any" }),
      ...types.map((t) => h("option", { value: t, text: t, selected: t === current })));
  }

  function turnView(ex, turn, index) {
    const body = h("pre", { class: "text" });
    marked(turn.content || "", body);
    for (const call of turn.tool_calls || []) {
      body.append("\n→ " + call.function.name + "(");
      marked(call.function.arguments || "", body);
      body.append(")");
    }
    const box = h("div", { class: "turn " + turn.role, "data-turn": index });
    const edit = state.readOnly || turn.content === undefined ? null :
      h("button", { type: "button", class: "edit", onclick: () => startEdit(ex, turn, index, box) }, "Edit");
    box.append(h("div", { class: "role" }, h("span", { text: turn.role + (turn.name ? " · " + turn.name : "") }), edit), body);
    return box;
  }

  function startEdit(ex, turn, index, box) {
    const area = h("textarea", { class: "editor", "aria-label": "edit " + turn.role + " turn" });
    area.value = turn.content || "";
    const save = h("button", { type: "button", class: "ok save" }, "Save edit");
    const cancel = h("button", { type: "button" }, "Cancel");
    const old = [...box.childNodes];
    box.replaceChildren(h("div", { class: "role", text: turn.role + " (editing: saved text is scrubbed and re-checked for duplicates)" }),
      area, h("div", { class: "actions" }, save, cancel));
    cancel.addEventListener("click", () => box.replaceChildren(...old));
    save.addEventListener("click", async () => {
      save.disabled = true;
      try {
        const r = await call(T.edit, { id: ex.id, turn: index, content: area.value });
        say(r.message);
        await load(true);
      } catch (e) { say(e.message, true); save.disabled = false; }
    });
    area.focus();
  }

  function meta(ex) {
    const meter = h("span", { class: "meter", title: "quality " + ex.quality_score }, h("span"));
    meter.firstChild.style.width = Math.round(ex.quality_score * 100) + "%";
    return [
      h("span", { class: "card-id", text: ex.id }),
      h("span", { class: "badge " + ex.status, text: ex.status }),
      h("span", { text: ex.task_type }),
      h("span", { class: "muted" }, "quality " + ex.quality_score + " ", meter),
      h("span", { class: "muted", text: "~" + ex.tokens + " tokens" }),
      h("span", { class: "muted", text: (ex.created_at || "").replace("T", " ").slice(0, 16) }),
      ex.workflow ? h("span", { class: "muted", text: ex.workflow + (ex.phase ? "/" + ex.phase : "") }) : null,
      ex.collected_by ? h("span", { class: "muted who", text: "by " + ex.collected_by, title: "collected by" }) : null,
      ex.approved_by ? h("span", { class: "muted who", text: "approved by " + ex.approved_by }) : null,
      ex.rejected_by ? h("span", { class: "muted who", text: "rejected by " + ex.rejected_by }) : null,
    ];
  }

  // Collapsed by default: the head and a one-line preview; a click on either (or Enter, o) opens it.
  function preview(ex) {
    const first = ex.turns.find((t) => t.role === "user") || ex.turns[0] || {};
    const text = String(first.content || "").replace(/\s+/g, " ").trim();
    return marked(text.length > PREVIEW ? text.slice(0, PREVIEW) + "…" : text, h("div", { class: "preview" }));
  }

  function toggle(el, open) {
    const opened = open === undefined ? el.classList.contains("collapsed") : open;
    el.classList.toggle("collapsed", !opened);
    if (opened) state.open.add(el.dataset.id); else state.open.delete(el.dataset.id);  // kept across reloads
    el.querySelector("button.toggle").setAttribute("aria-expanded", String(opened));
  }

  function select(ex, on) {
    if (on) state.selected.add(ex.id); else state.selected.delete(ex.id);
    const box = document.querySelector("article.card[data-id='" + CSS.escape(ex.id) + "'] input.pick");
    if (box) box.checked = on;
    selection();
  }

  function selection() {
    const n = state.selected.size;
    $("sel-count").textContent = n + " selected";
    for (const b of [$("sel-approve"), $("sel-reject")]) b.disabled = state.readOnly || n === 0;
    const boxes = [...document.querySelectorAll("article.card input.pick")];
    $("select-page").checked = boxes.length > 0 && boxes.every((b) => b.checked);
  }

  function card(ex) {
    const opened = state.open.has(ex.id);
    const el = h("article", { class: "card" + (opened ? "" : " collapsed"), "data-id": ex.id, tabindex: "-1" });
    const pick = h("input", { type: "checkbox", class: "pick", "aria-label": "select " + ex.id,
      checked: state.selected.has(ex.id), onchange: (e) => select(ex, e.target.checked) });
    const open = h("button", { type: "button", class: "toggle", "aria-expanded": String(opened), title: "show the whole example (o)",
      onclick: () => toggle(el) }, "▸");
    const head = h("div", { class: "card-head" }, state.readOnly ? null : pick, open, meta(ex));
    const line = preview(ex);
    line.addEventListener("click", () => toggle(el, true));
    el.append(head, line);
    if (ex.signals.length) {
      el.append(h("div", { class: "signals" }, h("span", { class: "muted", text: "signals:" }),
        ex.tier ? h("span", { class: "signal tier", text: "tier " + ex.tier, title: "evidence tier" }) : null,
        ex.signals.map((sg) => h("span", { class: "signal" + (NEGATIVE.has(sg.name) ? " neg" : ""),
          title: sg.observed ? "observed in the transcript" : "claimed" },
          sg.observed ? "✓ " : "", sg.name, sg.evidence ? h("span", { class: "ev" }, " — ", marked(sg.evidence, h("span"))) : null))));
    }
    if (ex.refused && ex.refused.length) {
      // The export's secret re-check would refuse this example: edit the turn or delete it.
      el.append(h("div", { class: "redactions refused" }, h("span", { class: "muted", text: "export would refuse:" }),
        ex.refused.map((k) => h("span", { class: "signal neg", text: k }))));
    }
    const red = Object.entries(ex.redactions || {});
    if (red.length) {
      el.append(h("div", { class: "redactions" }, h("span", { class: "muted", text: "redacted:" }),
        red.map(([k, n]) => h("span", { class: "signal", text: k + " ×" + n }))));
    }
    const turns = h("div", { class: "turns" });
    if (ex.context) turns.append(marked(ex.context, h("pre", { class: "text muted", title: "context" })));
    ex.turns.forEach((t, i) => turns.append(turnView(ex, t, i)));
    if (ex.tools.length) turns.append(h("div", { class: "muted", text: "tools: " + ex.tools.join(", ") }));
    el.append(turns);
    if (!state.readOnly) el.append(actions(ex, el));
    return el;
  }

  function actions(ex, el) {
    const bar = h("div", { class: "actions" });
    const act = async (action) => {
      try {
        const r = await call(T.act, { ids: [ex.id], action });
        say(ex.id + ": " + r.message);
        el.classList.add("done");
        await load(true);
      } catch (e) { say(e.message, true); }
    };
    if (ex.status !== "accepted") bar.append(h("button", { type: "button", class: "ok approve", onclick: () => act("approve") }, "Approve"));
    if (ex.status !== "rejected") bar.append(h("button", { type: "button", class: "warn reject", onclick: () => act("reject") }, "Reject"));
    const del = h("button", { type: "button", class: "bad delete" }, "Delete");
    armed(del, () => "Delete for good?", () => act("delete"));
    const cmp = h("button", { type: "button", class: "similar" }, "Similar examples");
    cmp.addEventListener("click", () => { toggle(el, true); compare(ex, el, cmp); });
    bar.append(del, cmp);
    return bar;
  }

  function diffPane(ex, segments, kind, extra) {
    const pre = h("pre", { class: "text" });
    for (const [op, text] of segments) {
      if (op === "eq") marked(text, pre);
      else pre.append(marked(text, h(op === "del" ? "del" : "ins", { class: op === "del" ? "d" : "i" })));
    }
    return h("div", { class: "side " + kind, "data-id": ex.id },
      h("h4", {}, h("span", { class: "card-id", text: ex.id }), h("span", { class: "badge " + ex.status, text: ex.status }),
        h("span", { class: "muted", text: ex.task_type + " · quality " + ex.quality_score }), extra), pre);
  }

  async function compare(ex, el, button) {
    const old = el.querySelector(".compare");
    if (old) { old.remove(); return; }
    button.disabled = true;
    try {
      const d = await call(T.detail, { id: ex.id });
      const box = h("div", { class: "compare" });
      if (!d.neighbours.length) box.append(h("p", { class: "muted", text: "No similar examples stored." }));
      for (const n of d.neighbours) {
        const label = (n.kind === "near_duplicate" ? "near-duplicate" : "similar") + ", word overlap " + Math.round(n.similarity * 100) + "%";
        const drop = h("button", { type: "button", class: "bad" }, "Delete " + n.example.id);
        armed(drop, () => "Delete " + n.example.id + " for good?", async () => {
          try { const r = await call(T.act, { ids: [n.example.id], action: "delete" }); say(r.message); await load(true); }
          catch (e) { say(e.message, true); }
        });
        box.append(h("p", { class: "muted", text: label + " — removed text struck through on the left, added text on the right" }),
          h("div", { class: "pair" }, diffPane(d.example, n.left, "this", null), diffPane(n.example, n.right, "other", drop)));
      }
      el.append(box);
    } catch (e) { say(e.message, true); }
    button.disabled = false;
  }

  function render(page) {
    state.total = page.total;
    counts(page.counts);
    taskOptions(page.task_types);
    const list = $("list");
    list.replaceChildren(...page.examples.map(card));
    const shown = new Set(page.examples.map((ex) => ex.id));
    for (const id of [...state.selected]) if (!shown.has(id)) state.selected.delete(id);  // acted on, or off this page
    selection();
    if (state.focus >= 0) focusCard(Math.min(state.focus, page.examples.length - 1));
    if (!page.examples.length) list.append(h("div", { class: "empty", text: "Nothing matches this filter." }));
    const from = page.total ? page.offset + 1 : 0;
    $("range").textContent = from + "–" + (page.offset + page.examples.length) + " of " + page.total;
    $("prev").disabled = page.offset === 0;
    $("next").disabled = page.offset + page.examples.length >= page.total;
    $("match-count").textContent = page.total + " matching";
    for (const b of [$("bulk-approve"), $("bulk-reject")]) b.disabled = state.readOnly || page.total === 0;
    document.body.dataset.loaded = "1";
  }

  async function load(keepNotice) {
    if (!keepNotice) say("");
    try {
      const page = await call(T.list, Object.assign({}, state.filter, { offset: state.offset, limit: PAGE }));
      if (page.offset > 0 && !page.examples.length) { state.offset = Math.max(0, page.offset - PAGE); return load(true); }
      render(page);
    } catch (e) { say(e.message, true); }
  }

  function readFilter() {
    const q = $("f-quality").value, mq = $("f-max-quality").value;
    state.filter = { status: $("f-status").value, task_type: $("f-task").value, q: $("f-q").value.trim(),
                     min_quality: q === "" ? null : Number(q), max_quality: mq === "" ? null : Number(mq),
                     source: $("f-source").value.trim(), since: $("f-since").value, signal: $("f-signal").value.trim() };
    state.offset = 0;
  }

  function bulk(action) {
    return async () => {
      try {
        const r = await call(T.bulk, { filter: state.filter, action, expect: state.total });
        say(r.message);
        await load(true);
      } catch (e) { say(e.message, true); }
    };
  }

  // ---- stats view: charts drawn by hand in SVG ------------------------------------------------
  function chart(title, svg, legend, note) {
    return h("figure", { class: "chart" }, h("h3", { text: title }), svg, legend || null,
      note ? h("p", { class: "muted", text: note }) : null);
  }
  const fmt = (n) => n >= 1000 ? (n / 1000).toFixed(n >= 10000 ? 0 : 1) + "k" : String(n);

  function bars(labels, series, opts) {
    // series: [{cls, values}] stacked; returns an SVG with axes and value-tip titles.
    const W = 460, H = 200, L = 36, B = 34, top = 10;
    const n = labels.length || 1;
    const totals = labels.map((_, i) => series.reduce((a, sr) => a + (sr.values[i] || 0), 0));
    const max = Math.max(1, ...totals);
    const bw = (W - L - 8) / n;
    const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": opts.label, class: opts.cls || "" });
    svg.append(s("line", { x1: L, y1: H - B, x2: W - 4, y2: H - B, class: "axis" }),
      s("line", { x1: L, y1: top, x2: L, y2: H - B, class: "axis" }));
    for (const f of [0, 0.5, 1]) {
      const y = H - B - f * (H - B - top);
      svg.append(s("text", { x: L - 4, y: y + 3, "text-anchor": "end" }, fmt(Math.round(max * f))));
    }
    const every = Math.ceil(n / 8);
    labels.forEach((lab, i) => {
      let y = H - B;
      for (const sr of series) {
        const v = sr.values[i] || 0;
        if (!v) continue;
        const hgt = (v / max) * (H - B - top);
        y -= hgt;
        svg.append(s("rect", { x: L + i * bw + 1, y, width: Math.max(1, bw - 2), height: hgt, class: "bar " + sr.cls },
          s("title", {}, `${lab}: ${v}${sr.name ? " " + sr.name : ""}`)));
      }
      if (i % every === 0) svg.append(s("text", { x: L + i * bw + bw / 2, y: H - B + 12, "text-anchor": "middle" }, lab));
    });
    if (opts.after) opts.after(svg, { W, H, L, B, top, bw, n });
    return svg;
  }

  function lines(labels, series, label) {
    const W = 460, H = 200, L = 36, B = 34, top = 10;
    const max = Math.max(1, ...series.flatMap((sr) => sr.values));
    const n = Math.max(1, labels.length - 1);
    const x = (i) => L + (i / n) * (W - L - 10);
    const y = (v) => H - B - (v / max) * (H - B - top);
    const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "lines" });
    svg.append(s("line", { x1: L, y1: H - B, x2: W - 4, y2: H - B, class: "axis" }),
      s("line", { x1: L, y1: top, x2: L, y2: H - B, class: "axis" }),
      s("text", { x: L - 4, y: top + 3, "text-anchor": "end" }, fmt(max)), s("text", { x: L - 4, y: H - B + 3, "text-anchor": "end" }, "0"));
    series.forEach((sr) => {
      const pts = sr.values.map((v, i) => `${x(i)},${y(v)}`).join(" ");
      svg.append(s("polyline", { points: labels.length > 1 ? pts : `${L},${y(sr.values[0])} ${W - 10},${y(sr.values[0])}`, class: "line " + sr.cls }));
      sr.values.forEach((v, i) => svg.append(s("circle", { cx: labels.length > 1 ? x(i) : L, cy: y(v), r: 2.5, class: sr.cls }, s("title", {}, `${labels[i]}: ${v} ${sr.name}`))));
    });
    const every = Math.ceil(labels.length / 8);
    labels.forEach((lab, i) => { if (i % every === 0) svg.append(s("text", { x: labels.length > 1 ? x(i) : L, y: H - B + 12, "text-anchor": "middle" }, lab)); });
    return svg;
  }

  function legend(items) {
    return h("div", { class: "legend" }, items.map(([cls, name]) => h("span", {}, h("i", { class: cls }), name)));
  }

  function tokenChart(tok) {
    const labels = tok.bins.map((lo) => fmt(lo) + "+");
    const binOf = (limit) => { let i = 0; tok.bins.forEach((lo, j) => { if (limit >= lo) i = j; }); return i; };
    const lowOf = (i) => tok.bins[i], highOf = (i) => tok.bins[i + 1] || tok.bins[i] * 2;
    return bars(labels, [{ cls: "c0", values: tok.counts, name: "examples" }], {
      label: "token distribution", cls: "tokens",
      after(svg, g) {
        // One dashed line per export target, placed inside its bin by linear interpolation.
        const placed = [];
        for (const t of tok.targets) {
          const i = binOf(t.token_limit);
          const frac = Math.min(1, (t.token_limit - lowOf(i)) / (highOf(i) - lowOf(i)));
          const xpos = g.L + (i + frac) * g.bw;
          const row = placed.filter((x) => Math.abs(x - xpos) < 60).length; // stack labels that would overlap
          placed.push(xpos);
          svg.append(s("line", { x1: xpos, y1: g.top, x2: xpos, y2: g.H - g.B, class: "limit" + (t.hard ? "" : " soft") },
            s("title", {}, `${t.name}: ${t.token_limit} tokens (${t.hard ? "rejected above" : "truncated above"}); ${t.over} accepted over`)));
          svg.append(s("text", { x: xpos + 2, y: g.top + 8 + 10 * row, class: "limit-label" }, t.name));
        }
      },
    });
  }

  function readyTable(rows) {
    if (!rows || !rows.length) return h("p", { class: "muted", text: "No readiness data (the export engine reports it per target)." });
    // The figures a reader compares across targets; the long texts (summary, services) are each
    // row's tooltip, so the table stays one screen tall.
    const wanted = ["target", "ready", "verdict", "passed_as_is", "passed_with_fixes", "failed", "accepted", "minimum",
      "token_limit", "over_token_limit", "billed_tokens_estimated", "service_status"];
    const keys = wanted.filter((k) => rows.some((r) => k in r));
    const cell = (v) => {
      if (v === true) return h("td", { class: "yes", text: "yes" });
      if (v === false) return h("td", { class: "no", text: "no" });
      return h("td", { text: v === null || v === undefined ? "" : String(v) });
    };
    return h("table", { class: "ready" }, h("thead", {}, h("tr", {}, keys.map((k) => h("th", { text: k.replace(/_/g, " ") })))),
      h("tbody", {}, rows.map((r) => h("tr", { title: [r.summary, ...(r.services || [])].filter(Boolean).join("\n") },
        keys.map((k) => cell(r[k]))))));
  }

  // What preference training would get (pairs or labels per target) and the evidence tiers:
  // the two things the readiness table leaves out because they are counts of counts.
  function preferenceTable(st) {
    const words = (obj) => Object.entries(obj || {}).map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`).join(", ");
    const rows = (st.ready_to_train || []).filter((r) => r.preference && Object.keys(r.preference).length);
    const tiers = h("p", { class: "muted evidence", text: "Evidence: " + (words(st.evidence) || "none recorded") });
    if (!rows.length) return h("div", {}, h("p", { class: "muted", text: "No preference targets." }), tiers);
    return h("div", {}, h("table", { class: "ready preference" },
      h("thead", {}, h("tr", {}, ["target", "records", "ready"].map((k) => h("th", { text: k })))),
      h("tbody", {}, rows.map((r) => h("tr", { "data-target": r.target },
        h("td", { text: r.target }), h("td", { text: words(r.preference) }),
        h("td", { class: r.ready ? "yes" : "no", text: r.ready ? "yes" : "no" }))))), tiers);
  }

  async function loadStats() {
    const box = $("charts");
    try {
      const d = await call(T.stats, {});
      const st = d.stats, tl = d.timeline;
      const hist = st.quality.histogram || {};
      const statusSeries = ["pending", "accepted", "rejected"].map((k) => ({ cls: "s-" + k, name: k, values: tl.by_status[k] || [] }));
      const tasks = Object.keys(tl.by_task_type);
      box.replaceChildren(
        chart("Quality score", bars(Object.keys(hist), [{ cls: "c0", values: Object.values(hist), name: "examples" }], { label: "quality histogram", cls: "quality" }),
          null, `${st.total} examples; mean ${st.quality.mean ?? "–"}`),
        chart("Examples by status per " + tl.unit, bars(tl.buckets, statusSeries, { label: "status over time", cls: "status" }),
          legend(statusSeries.map((sr) => [sr.cls, sr.name]))),
        chart("Examples by task type per " + tl.unit, lines(tl.buckets, tasks.map((t, i) => ({ cls: "c" + Math.min(i, 6), name: t, values: tl.by_task_type[t] })), "task types over time"),
          legend(tasks.map((t, i) => ["c" + Math.min(i, 6), t]))),
        chart("Tokens per example (estimated) vs export limits", tokenChart(d.tokens), null,
          d.tokens.targets.length ? "Dashed lines: each target's per-example limit (orange: truncated, red: rejected)." : "Export targets unavailable."),
        h("figure", { class: "chart wide" }, h("h3", { text: "Ready to train?" }), readyTable(st.ready_to_train)),
        h("figure", { class: "chart wide" }, h("h3", { text: "Preference data and evidence" }), preferenceTable(st)),
      );
      document.body.dataset.stats = "1";
    } catch (e) { box.replaceChildren(h("p", { class: "notice error", text: e.message })); }
  }

  function show(view) {
    state.view = view;
    $("view-review").hidden = view !== "review";
    $("view-stats").hidden = view !== "stats";
    for (const [id, v] of [["tab-review", "review"], ["tab-stats", "stats"]]) {
      $(id).classList.toggle("active", v === view);
      $(id).setAttribute("aria-selected", String(v === view));
    }
    if (view === "stats") loadStats();
  }

  // ---- start -------------------------------------------------------------------------------
  async function actOnSelected(action) {
    const ids = [...state.selected];
    if (!ids.length) return;
    try {
      const r = await call(T.act, { ids, action });
      say(r.message);
      state.selected.clear();
      await load(true);
    } catch (e) { say(e.message, true); }
  }

  function cards() { return [...document.querySelectorAll("#list article.card")]; }

  function focusCard(i) {
    const all = cards();
    if (!all.length) { state.focus = -1; return; }
    state.focus = Math.max(0, Math.min(i, all.length - 1));
    all.forEach((c, k) => c.classList.toggle("focused", k === state.focus));
    all[state.focus].focus({ preventScroll: true });
    all[state.focus].scrollIntoView({ block: "nearest" });
  }

  // j/k next/previous card, o or Enter open/close, x select, a approve, r reject. Not while typing.
  function onKey(e) {
    if (state.view !== "review" || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return;
    const all = cards();
    const current = all[state.focus];
    const button = (cls) => current && current.querySelector(".actions > button." + cls);
    if (e.key === "j") focusCard(state.focus + 1);
    else if (e.key === "k") focusCard(state.focus < 0 ? 0 : state.focus - 1);
    else if ((e.key === "o" || e.key === "Enter") && current) toggle(current);
    else if (e.key === "x" && current) {
      const box = current.querySelector("input.pick");
      if (box) { box.checked = !box.checked; box.dispatchEvent(new Event("change")); }
    } else if (e.key === "a" && button("approve")) button("approve").click();
    else if (e.key === "r" && button("reject")) button("reject").click();
    else return;
    e.preventDefault();
  }

  function wire() {
    $("sel-approve").addEventListener("click", () => actOnSelected("approve"));
    $("sel-reject").addEventListener("click", () => actOnSelected("reject"));
    $("select-page").addEventListener("change", (e) => {
      for (const box of document.querySelectorAll("article.card input.pick")) {
        if (box.checked !== e.target.checked) { box.checked = e.target.checked; box.dispatchEvent(new Event("change")); }
      }
    });
    document.addEventListener("keydown", onKey);
    $("filters").addEventListener("submit", (e) => { e.preventDefault(); readFilter(); load(); });
    $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); load(); });
    $("next").addEventListener("click", () => { state.offset += PAGE; load(); });
    $("tab-review").addEventListener("click", () => show("review"));
    $("tab-stats").addEventListener("click", () => show("stats"));
    armed($("bulk-approve"), () => "Approve " + state.total + "? Click again", bulk("approve"));
    armed($("bulk-reject"), () => "Reject " + state.total + "? Click again", bulk("reject"));
  }

  async function startBridge() {
    addEventListener("message", (e) => {
      const m = e.data;
      if (e.source !== window.parent || !m || m.jsonrpc !== "2.0") return;
      if (m.method === undefined) {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (p) m.error ? p.reject(new Error(m.error.message || "request failed")) : p.resolve(m.result);
      } else if (m.id !== undefined) post({ id: m.id, result: {} }); // ping, ui/resource-teardown
      else if (handlers[m.method]) handlers[m.method](m.params || {});
    });
    let tools = false;
    handlers["ui/notifications/tool-result"] = (r) => {
      const page = r.structuredContent && r.structuredContent.page;
      if (!tools && page) render(page); // host without serverTools: show what the tool returned
    };
    const init = await request("ui/initialize", { protocolVersion: "2026-01-26",
      appInfo: { name: "finetune-review", version: "1.0.0" }, appCapabilities: {} });
    tools = !!(init.hostCapabilities && init.hostCapabilities.serverTools);
    state.readOnly = !tools;
    notify("ui/notifications/initialized", {});
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => notify("ui/notifications/size-changed", { width: innerWidth,
        height: Math.ceil(document.documentElement.getBoundingClientRect().height) })).observe(document.body);
    }
    if (tools) await load();
    else say("This host cannot call tools from the page: showing the tool's result, read-only.");
  }

  wire();
  if (local) load();
  else if (window.parent !== window) startBridge().catch((e) => say(e.message, true));
  else say("Open this page with `finetune review` (it needs the server's token) or from an MCP host.", true);
})();

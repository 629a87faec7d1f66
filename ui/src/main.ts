// The cut timeline view (MCP App). It reads the cut from the tool result the host hands it (create_cut or
// get), fetches the kept words through the app-only cut_timeline tool, and offers export and render
// through the server's own tools. No network of its own: everything goes through the host.

import { App, applyDocumentTheme, applyHostFonts, applyHostStyleVariables, type McpUiHostContext } from "@modelcontextprotocol/ext-apps";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { clock, drawnLength, duration, gaps, playableUrl, ticks, totals, wordsBySpan, type Span, type Word } from "./model.js";

type CutState = {
  id: string;
  assetId: string;
  state: string;
  error: string | null;
  segments: Span[];
  source: number | null;
  script: string | null;
  words: Word[] | null;
  wordsNote: string | null;
};

const EXPORT_FORMATS = ["edl", "xmeml", "fcpxml", "otio", "srt", "vtt"];
const RENDER_OUTPUTS = ["mp4", "mov", "m4a", "mp3"];
const FINAL_RENDER = ["completed", "failed", "canceled"];

const root = document.getElementById("app")!;
let cut: CutState | null = null;
let selected: number | null = null;

const app = new App({ name: "roughy-cut-timeline", version: "0.1.0" }, {}, { autoResize: true });

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null) node.append(c);
  return node;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const textOf = (r: CallToolResult): string => r.content.map((c) => (c.type === "text" ? c.text : "")).filter(Boolean).join("\n");

function spansFrom(v: unknown): Span[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((s): Span | null => {
      if (Array.isArray(s)) return num(s[0]) !== null && num(s[1]) !== null ? { start: s[0] as number, end: s[1] as number } : null;
      return isObj(s) && num(s.start) !== null && num(s.end) !== null ? { start: s.start as number, end: s.end as number } : null;
    })
    .filter((s): s is Span => s !== null && s.end > s.start);
}

function status(message: string): void {
  root.replaceChildren(el("p", { class: "note", id: "status" }, message));
}

// ---- theme -------------------------------------------------------------------------------------

function applyContext(ctx: McpUiHostContext | undefined): void {
  if (!ctx) return;
  if (ctx.theme) applyDocumentTheme(ctx.theme);
  if (ctx.styles?.variables) applyHostStyleVariables(ctx.styles.variables);
  if (ctx.styles?.css?.fonts) applyHostFonts(ctx.styles.css.fonts);
  const inset = ctx.safeAreaInsets;
  if (inset) document.body.style.padding = `${inset.top}px ${inset.right}px ${inset.bottom}px ${inset.left}px`;
}

// ---- drawing -----------------------------------------------------------------------------------

function pct(t: number, length: number): string {
  return `${((t / length) * 100).toFixed(4)}%`;
}

function drawTimeline(c: CutState): HTMLElement {
  const length = drawnLength(c.segments, c.source);
  const bar = el("div", { class: "bar", role: "list", "aria-label": "Source timeline: kept spans and dropped gaps" });
  gaps(c.segments, length).forEach((g) => {
    const gap = el("div", { class: "gap", role: "listitem", "data-start": String(g.start), "data-end": String(g.end), title: `Dropped ${duration(g.end - g.start)} (${clock(g.start)}–${clock(g.end)})` });
    gap.style.left = pct(g.start, length);
    gap.style.width = pct(g.end - g.start, length);
    bar.append(gap);
  });
  c.segments.forEach((s, i) => {
    const span = el("button", {
      class: "span",
      type: "button",
      role: "listitem",
      "data-index": String(i),
      "data-start": String(s.start),
      "data-end": String(s.end),
      "aria-label": `Kept span ${i + 1}: ${clock(s.start)} to ${clock(s.end)}`,
    });
    span.style.left = pct(s.start, length);
    span.style.width = pct(s.end - s.start, length);
    span.addEventListener("mouseenter", () => showDetail(i, false));
    span.addEventListener("focus", () => showDetail(i, false));
    span.addEventListener("click", () => showDetail(i, true));
    bar.append(span);
  });
  bar.addEventListener("mouseleave", () => showDetail(selected, false));

  const ruler = el("div", { class: "ruler", "aria-hidden": "true" });
  const width = Math.max(200, root.clientWidth || 600);
  for (const t of ticks(length, width)) {
    const tick = el("span", { class: "tick" }, clock(t, false));
    tick.style.left = pct(t, length);
    if (t / length > 0.92) tick.classList.add("end");
    ruler.append(tick);
  }
  return el("section", { class: "timeline" }, bar, ruler, el("div", { class: "detail", id: "detail" }, "Hover or tap a kept span for its times and words."));
}

function showDetail(index: number | null, select: boolean): void {
  if (!cut) return;
  if (select) selected = index;
  for (const b of root.querySelectorAll<HTMLElement>(".span, .words p")) b.classList.toggle("selected", b.dataset.index === String(selected));
  const detail = document.getElementById("detail");
  if (!detail) return;
  if (index === null || !cut.segments[index]) {
    detail.textContent = "Hover or tap a kept span for its times and words.";
    return;
  }
  const s = cut.segments[index]!;
  const words = cut.words ? wordsBySpan(cut.words, cut.segments)[index]!.map((w) => w.text).join(" ") : null;
  detail.replaceChildren(
    el("strong", {}, `Span ${index + 1} of ${cut.segments.length}`),
    ` ${clock(s.start)} – ${clock(s.end)} (${duration(s.end - s.start)})`,
    ...(words ? [el("span", { class: "quote" }, `“${words}”`)] : []),
  );
}

function drawTotals(c: CutState): HTMLElement {
  const t = totals(c.segments, drawnLength(c.segments, c.source));
  const item = (label: string, value: string, key: string): HTMLElement => el("div", { class: "total", "data-total": key }, el("dt", {}, label), el("dd", {}, value));
  return el(
    "dl",
    { class: "totals" },
    item("Source", clock(t.source), "source"),
    item("Kept", clock(t.kept), "kept"),
    item("Removed", `${Math.round(t.removedShare * 100)}%`, "removed"),
    item("Joins", String(t.joins), "joins"),
  );
}

function drawWords(c: CutState): HTMLElement {
  const section = el("section", { class: "words", "aria-label": "Kept words" }, el("h2", {}, "What stays"));
  if (!c.words) {
    section.append(el("p", { class: "note" }, c.wordsNote ?? "Loading the kept words…"));
    return section;
  }
  const groups = wordsBySpan(c.words, c.segments);
  const length = drawnLength(c.segments, c.source);
  const dropped = gaps(c.segments, length);
  c.segments.forEach((s, i) => {
    const before = dropped.find((g) => Math.abs(g.end - s.start) < 0.002);
    if (before) section.append(el("div", { class: "cutmark" }, `dropped ${duration(before.end - before.start)}`));
    const p = el("p", { "data-index": String(i) }, el("span", { class: "time" }, clock(s.start)), " ", groups[i]!.map((w) => w.text).join(" ") || "(no words)");
    p.addEventListener("click", () => showDetail(i, true));
    section.append(p);
  });
  const after = dropped.find((g) => c.segments.length > 0 && Math.abs(g.start - c.segments[c.segments.length - 1]!.end) < 0.002);
  if (after) section.append(el("div", { class: "cutmark" }, `dropped ${duration(after.end - after.start)}`));
  if (c.wordsNote) section.append(el("p", { class: "note" }, c.wordsNote));
  return section;
}

function select(id: string, options: string[], label: string): HTMLSelectElement {
  const s = el("select", { id, "aria-label": label });
  for (const o of options) s.append(el("option", { value: o }, o));
  return s;
}

function drawActions(c: CutState): HTMLElement {
  const canCall = Boolean(app.getHostCapabilities()?.serverTools);
  const exportSel = select("export-format", EXPORT_FORMATS, "Export format");
  const exportBtn = el("button", { type: "button", id: "export" }, "Export");
  const renderSel = select("render-output", RENDER_OUTPUTS, "Render output");
  const renderBtn = el("button", { type: "button", id: "render" }, "Render");
  const out = el("div", { class: "result", id: "action-result" });
  exportBtn.addEventListener("click", () => void runExport(c, exportSel.value, out, exportBtn));
  renderBtn.addEventListener("click", () => void runRender(c, renderSel.value, out, renderBtn));
  if (!canCall) {
    for (const b of [exportBtn, renderBtn, exportSel, renderSel]) b.setAttribute("disabled", "");
    out.textContent = "This host does not let views call tools; ask the assistant to export or render.";
  }
  return el("section", { class: "actions" }, el("div", { class: "row" }, exportSel, exportBtn, renderSel, renderBtn), out);
}

function draw(): void {
  if (!cut) return;
  const c = cut;
  const header = el(
    "header",
    {},
    el("h1", {}, "Rough cut"),
    el("span", { class: `badge ${c.state}` }, c.state),
    el("code", { class: "id", title: "cut id" }, c.id),
  );
  const parts: HTMLElement[] = [header];
  if (c.error) parts.push(el("p", { class: "error" }, c.error));
  if (c.state !== "completed") {
    const refresh = el("button", { type: "button", id: "refresh" }, "Refresh");
    refresh.addEventListener("click", () => void loadTimeline(c.id));
    parts.push(el("p", { class: "note" }, c.state === "failed" ? "This cut failed; nothing to draw." : "The cut is not finished yet. ", c.state === "failed" ? null : refresh));
    root.replaceChildren(...parts);
    return;
  }
  parts.push(drawTotals(c), drawTimeline(c));
  if (c.script) parts.push(el("details", { class: "script" }, el("summary", {}, "Script"), el("p", {}, c.script)));
  parts.push(drawWords(c), drawActions(c));
  root.replaceChildren(...parts);
  showDetail(selected, false);
}

// ---- data --------------------------------------------------------------------------------------

/** The cut in a create_cut or get result, or a note saying why there is none. */
function cutFromResult(result: CallToolResult): CutState | string {
  if (result.isError) return textOf(result) || "The tool call failed.";
  const sc = result.structuredContent;
  if (!isObj(sc)) return "This result carries no structured data to draw.";
  let item: unknown = sc.cut;
  if (item === undefined && "kind" in sc) {
    if (sc.kind !== "cut") return `This view draws cuts; this result is ${/^[aeiou]/.test(String(sc.kind)) ? "an" : "a"} ${String(sc.kind)}.`;
    item = sc.item;
  }
  if (!isObj(item) || !str(item.id)) return "This result names no cut.";
  const seg = isObj(sc.segments) ? sc.segments : null;
  return {
    id: str(item.id)!,
    assetId: str(item.asset_id) ?? "",
    state: str(item.state) ?? "unknown",
    error: str(item.error),
    segments: spansFrom(seg?.segments),
    source: num(seg?.source_seconds),
    script: null,
    words: null,
    wordsNote: null,
  };
}

async function loadTimeline(cutId: string): Promise<void> {
  if (!app.getHostCapabilities()?.serverTools) {
    if (cut) cut.wordsNote = "This host does not let views call tools, so the kept words cannot be shown.";
    draw();
    return;
  }
  const words: Word[] = [];
  let from: number | null = 0;
  // Pages until the words are all in (a long cut's words do not fit one answer).
  for (let page = 0; from !== null && page < 50; page++) {
    const r = await app.callServerTool({ name: "cut_timeline", arguments: { cut_id: cutId, ...(from > 0 ? { words_from: from } : {}) } });
    const sc = r.structuredContent;
    if (r.isError || !isObj(sc)) {
      if (cut) cut.wordsNote = `The kept words could not be read: ${textOf(r) || "no data"}`;
      break;
    }
    if (page === 0) {
      cut = {
        id: cutId,
        assetId: str(sc.asset_id) ?? cut?.assetId ?? "",
        state: str(sc.state) ?? "unknown",
        error: str(sc.error),
        segments: spansFrom(sc.segments),
        source: num(sc.source_seconds),
        script: str(sc.script),
        words: null,
        wordsNote: null,
      };
    }
    for (const w of Array.isArray(sc.words) ? sc.words : []) {
      if (Array.isArray(w) && num(w[0]) !== null && num(w[1]) !== null && typeof w[2] === "string") words.push({ start: w[0], end: w[1], text: w[2] });
    }
    from = num(sc.next_word);
  }
  if (cut && !cut.wordsNote) cut.words = words;
  draw();
}

// ---- actions -----------------------------------------------------------------------------------

async function runExport(c: CutState, format: string, out: HTMLElement, button: HTMLElement): Promise<void> {
  button.setAttribute("disabled", "");
  out.replaceChildren(el("p", { class: "note" }, `Exporting ${format}…`));
  try {
    const r = await app.callServerTool({ name: "export_cut", arguments: { cut_id: c.id, format } });
    // The first text block is the summary; an inline file follows it as text too (for text-only hosts).
    const first = r.content[0];
    const summary = first?.type === "text" ? first.text : textOf(r);
    const parts: (HTMLElement | string)[] = [el("p", { class: r.isError ? "error" : "ok", id: "export-summary" }, summary || "No answer.")];
    // The inline file comes in structuredContent (no resource block: LangChain's adapter breaks on those).
    const data = (r.structuredContent ?? {}) as { text?: unknown; uri?: unknown; content_type?: unknown };
    if (typeof data.text === "string" && typeof data.uri === "string") {
      const text = data.text;
      const file = { type: "resource" as const, resource: { uri: data.uri, mimeType: typeof data.content_type === "string" ? data.content_type : "text/plain", text } };
      parts.push(el("pre", { class: "preview", id: "export-preview" }, text.length > 4000 ? `${text.slice(0, 4000)}\n…` : text));
      if (app.getHostCapabilities()?.downloadFile) {
        const save = el("button", { type: "button" }, "Save file");
        save.addEventListener("click", () => void app.downloadFile({ contents: [file] }));
        parts.push(save);
      }
    }
    out.replaceChildren(...parts);
  } catch (error) {
    out.replaceChildren(el("p", { class: "error" }, `Export failed: ${error instanceof Error ? error.message : String(error)}`));
  } finally {
    button.removeAttribute("disabled");
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function runRender(c: CutState, output: string, out: HTMLElement, button: HTMLElement): Promise<void> {
  button.setAttribute("disabled", "");
  const line = el("p", { class: "note", id: "render-status" }, `Starting a ${output} render…`);
  out.replaceChildren(line);
  try {
    const r = await app.callServerTool({ name: "create_render", arguments: { asset_id: c.assetId, cut_id: c.id, output, wait_seconds: 20 } });
    const render = isObj(r.structuredContent) && isObj(r.structuredContent.render) ? r.structuredContent.render : null;
    const renderId = render ? str(render.id) : null;
    if (r.isError || !renderId) {
      line.className = "error";
      line.textContent = textOf(r) || "The render could not be started.";
      return;
    }
    // Follow it through the view's own tool, which also carries the download URL once complete.
    for (let i = 0; i < 600; i++) {
      const s = await app.callServerTool({ name: "cut_timeline", arguments: { cut_id: c.id, render_id: renderId } });
      const info = isObj(s.structuredContent) && isObj(s.structuredContent.render) ? s.structuredContent.render : null;
      if (s.isError || !info) {
        line.className = "error";
        line.textContent = textOf(s) || "The render's state could not be read.";
        return;
      }
      const state = str(info.state) ?? "unknown";
      const progress = num(info.progress);
      line.textContent = `Render ${renderId} (${output}): ${state}${state === "processing" && progress !== null ? ` ${progress}%` : ""}`;
      if (FINAL_RENDER.includes(state)) {
        if (state !== "completed") {
          line.className = "error";
          line.textContent += str(info.error) ? ` (${str(info.error)})` : "";
          return;
        }
        line.className = "ok";
        out.append(player(str(info.url), output));
        return;
      }
      await sleep(1500);
    }
  } catch (error) {
    line.className = "error";
    line.textContent = `Render failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    button.removeAttribute("disabled");
  }
}

function player(url: string | null, output: string): HTMLElement {
  const checked = playableUrl(url);
  if (!checked.ok) return el("p", { class: "note", id: "player-note" }, `No player here: ${checked.reason}. Ask the assistant to download_render it.`);
  const media = el(output === "m4a" || output === "mp3" ? "audio" : "video", { controls: "", preload: "metadata", src: checked.url, id: "player" });
  const box = el("div", { class: "player" }, media);
  media.addEventListener("error", () => {
    box.replaceChildren(el("p", { class: "note", id: "player-note" }, "The host does not allow playing this file in the view (its media policy), or the link expired. Ask the assistant to download_render it."));
  });
  return box;
}

// ---- wiring ------------------------------------------------------------------------------------

app.ontoolresult = (result) => {
  const found = cutFromResult(result);
  if (typeof found === "string") {
    cut = null;
    status(found);
    return;
  }
  cut = found;
  selected = null;
  draw();
  void loadTimeline(found.id).catch((error: unknown) => {
    if (cut) cut.wordsNote = `The kept words could not be read: ${error instanceof Error ? error.message : String(error)}`;
    draw();
  });
};
app.ontoolinput = () => status("Computing the cut…");
app.ontoolcancelled = () => status("The tool call was cancelled.");
app.onhostcontextchanged = (ctx) => {
  applyContext(ctx);
  if (ctx.containerDimensions) draw();
};
app.onteardown = async () => ({});

// Ruler labels depend on the width: redraw when the frame's width changes.
let lastWidth = 0;
new ResizeObserver(() => {
  const w = root.clientWidth;
  if (Math.abs(w - lastWidth) > 24) {
    lastWidth = w;
    draw();
  }
}).observe(root);

app
  .connect()
  .then(() => applyContext(app.getHostContext()))
  .catch((error: unknown) => status(`Could not connect to the host: ${error instanceof Error ? error.message : String(error)}`));

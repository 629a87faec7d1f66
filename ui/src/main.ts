// The cut timeline view (MCP App). It reads the cut from the tool result the host hands it (create_cut or
// get), fetches the kept words through the app-only cut_timeline tool, and offers export and render
// through the server's own tools. No network of its own: everything goes through the host.

import { App, applyDocumentTheme, applyHostFonts, applyHostStyleVariables, type McpUiHostContext } from "@modelcontextprotocol/ext-apps";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { zoomable } from "./zoom.js";
// The server numbers the missing sentences with this split; the view must count them the same way.
import { scriptSentences } from "../../src/operations/coverage.js";
import { clock, drawnLength, duration, frameTimecode, gaps, parseTime, recordFrames, playableUrl, recordStart, spanAtRecord, spanAtSource, timecode, totals, diffRows, droppedByGap, reasonRuns, removedByReason, wordDiff, wordsBySpan, type Dropped, type Span, type Word } from "./model.js";

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
  /** From create_cut/get's segment summary: the whole cut's figures even when only a first page is listed. */
  count: number | null;
  kept: number | null;
  truncated: boolean;
  /** What the cut removed, word by word with the engine's reason (cut_timeline's `dropped`); null when the service gave no reasons. */
  dropped: Dropped[] | null;
  /** The source's frame rate and timecode origin (segments.source_timecode); null when the media has none. */
  timecode: { seconds: number; rate: number } | null;
  /** The asset's media_type from cut_timeline ("video", "audio"); null until read or when the service does not say. */
  mediaType: string | null;
  /** Script sentences the cut misses (create_cut/get's segments.coverage): n counts from 1. */
  missing: { n: number; text: string }[];
};

const EXPORT_FORMATS = ["edl", "xmeml", "fcpxml", "otio", "srt", "vtt"];
const RENDER_OUTPUTS = ["mp4", "mov", "m4a", "mp3"];
const FINAL_RENDER = ["completed", "failed", "canceled"];

const root = document.getElementById("app")!;
let cut: CutState | null = null;
let selected: number | null = null;
// Every result starts a new load; a load writes only while it is still the current one, so a slow first
// cut's pages never land in a second cut's view.
let generation = 0;
// The actions (selects, export answer, a render in progress) live across redraws of the same cut.
let actions: { cutId: string; node: HTMLElement; refresh: () => void } | null = null;

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
  if (ctx.displayMode) document.documentElement.dataset.display = ctx.displayMode;
  if (ctx.theme) applyDocumentTheme(ctx.theme);
  if (ctx.styles?.variables) applyHostStyleVariables(ctx.styles.variables);
  if (ctx.styles?.css?.fonts) applyHostFonts(ctx.styles.css.fonts);
  const inset = ctx.safeAreaInsets;
  if (inset) document.body.style.padding = `${inset.top}px ${inset.right}px ${inset.bottom}px ${inset.left}px`;
}

// ---- drawing -----------------------------------------------------------------------------------

function pct(t: number, length: number): string {
  // Six places: the zoomed bar can be a million pixels wide, and a span must still land within a pixel.
  return `${((t / length) * 100).toFixed(6)}%`;
}

function drawTimeline(c: CutState): HTMLElement {
  const length = drawnLength(c.segments, c.source);
  // One tab stop: the bar is a toolbar of span buttons, arrow keys move between them (roving tabindex).
  const bar = el("div", { class: "bar", role: "toolbar", "aria-label": "Source timeline: kept spans in time order; arrow keys move, Enter selects" });
  const items: { at: number; node: HTMLElement }[] = [];
  const byGap = droppedOf(c);
  const gapBefore = new Map<number, string>();
  gaps(c.segments, length).forEach((g) => {
    const title = gapTitle(byGap !== null, g, byGap?.get(gapKeyOf(c, g)) ?? []);
    gapBefore.set(gapKeyOf(c, g), title);
    const gap = el("div", { class: "gap", "aria-hidden": "true", "data-start": String(g.start), "data-end": String(g.end), title });
    gap.style.left = pct(g.start, length);
    gap.style.width = pct(g.end - g.start, length);
    items.push({ at: g.start, node: gap });
  });
  const focusAt = selected ?? 0;
  c.segments.forEach((s, i) => {
    const span = el("button", {
      class: "span",
      type: "button",
      tabindex: i === focusAt ? "0" : "-1",
      "aria-pressed": String(i === selected),
      "data-index": String(i),
      "data-start": String(s.start),
      "data-end": String(s.end),
      "aria-label": `Kept span ${i + 1} of ${c.segments.length}: ${clock(s.start)} to ${clock(s.end)}`,
      // The gap before it is hidden from assistive technology; what it held is said here instead.
      "aria-description": [gapBefore.has(i) ? `Before it: ${gapBefore.get(i)}.` : "", i === c.segments.length - 1 && gapBefore.has(i + 1) ? `After it: ${gapBefore.get(i + 1)}.` : ""].join(" ").trim(),
    });
    span.style.left = pct(s.start, length);
    span.style.width = pct(s.end - s.start, length);
    span.addEventListener("mouseenter", () => showDetail(i, false));
    span.addEventListener("focus", () => showDetail(i, false));
    span.addEventListener("click", () => showDetail(i, true));
    items.push({ at: s.start, node: span });
  });
  items.sort((x, y) => x.at - y.at).forEach((x) => bar.append(x.node));
  bar.addEventListener("mouseleave", () => showDetail(selected, false));
  bar.addEventListener("keydown", (e) => {
    const spans = [...bar.querySelectorAll<HTMLElement>(".span")];
    const at = spans.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: spans.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = spans[Math.max(0, Math.min(spans.length - 1, to))]!;
    spans[at]!.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });

  // The bar in a scrolling viewport with zoom, and the ruler of the visible stretch (zoom.ts).
  const zoom = zoomable(bar, { key: c.id, segments: c.segments, length, width: Math.max(200, root.clientWidth || 600), announce });
  return el("section", { class: "timeline" }, ...zoom, el("div", { class: "detail", id: "detail" }, "Hover or tap a kept span for its times and words."), gotoForm(c));
}

function showDetail(index: number | null, select: boolean): void {
  if (!cut) return;
  if (select && selected !== index) {
    selected = index;
    void shareSelection(cut);
    if (index !== null) announce(`Span ${index + 1} of ${cut.segments.length} selected.`);
  }
  for (const b of root.querySelectorAll<HTMLElement>(".span, .words p")) {
    b.classList.toggle("selected", b.dataset.index === String(selected));
    if (b.classList.contains("span")) b.setAttribute("aria-pressed", String(b.dataset.index === String(selected)));
  }
  const detail = document.getElementById("detail");
  if (!detail) return;
  if (index === null || !cut.segments[index]) {
    detail.textContent = "Hover or tap a kept span for its times and words.";
    return;
  }
  const s = cut.segments[index]!;
  const words = cut.words ? groupsOf(cut)[index]!.map((w) => w.text).join(" ") : null;
  // Frames at the media's own rate and timecode; 25 fps from zero when the export names none.
  const rate = cut.timecode?.rate ?? 25;
  const origin = cut.timecode?.seconds ?? 0;
  const rec = recordStart(cut.segments, index);
  const src = `${timecode(origin + s.start, rate)}–${timecode(origin + s.end, rate)}`;
  const recIn = recordFrames(cut.segments, index, rate);
  const recTc = `${frameTimecode(recIn, rate)}–${frameTimecode(recIn + Math.round(s.end * rate) - Math.round(s.start * rate), rate)}`;
  detail.replaceChildren(
    el("strong", {}, `Span ${index + 1} of ${cut.segments.length}`),
    ` ${clock(s.start)} – ${clock(s.end)} (${duration(s.end - s.start)}) `,
    ...(listen?.cutId === cut.id && listen.audio ? [playSpanButton(listen, rec - recordStart([], 0), s.end - s.start, index)] : []),
    el("span", { class: "tc", id: "timecode" }, "Source ", copyable("source", src), ", record ", copyable("record", recTc), ` @ ${rate} fps`),
    ...(words ? [el("span", { class: "quote" }, `“${words}”`)] : []),
  );
}

/** A timecode (in and out point) with a Copy button: the clipboard where the host allows it, else the text selected. */
function copyable(which: "source" | "record", text: string): DocumentFragment {
  const code = el("code", { id: `tc-${which}` }, text);
  const b = el("button", { type: "button", class: "copy", id: `copy-${which}`, "aria-label": `Copy ${which} timecode ${text}` }, "Copy");
  b.addEventListener("click", (e) => {
    e.stopPropagation();
    const select = (): void => {
      getSelection()?.selectAllChildren(code);
      // A sandboxed view rarely gets the async clipboard; the old copy command still works in some hosts.
      const copied = document.execCommand?.("copy") === true;
      announce(copied ? `Copied ${which} timecode ${text}.` : `The host blocks the clipboard: ${which} timecode ${text} is selected, press Ctrl+C (Cmd+C).`);
    };
    // Asking where the permissions policy forbids it only logs a violation in the host's console.
    const policy = (document as Document & { featurePolicy?: { allowsFeature(f: string): boolean } }).featurePolicy;
    if (!navigator.clipboard?.writeText || policy?.allowsFeature("clipboard-write") === false) return select();
    navigator.clipboard.writeText(text).then(() => announce(`Copied ${which} timecode ${text}.`), select);
  });
  const frag = document.createDocumentFragment();
  frag.append(code, " ", b);
  return frag;
}

/** Selects the span holding a typed record or source time, brings it and its words into view, and says where. */
function goTo(c: CutState, text: string, clockOf: "record" | "source", out: HTMLElement): void {
  const rate = c.timecode?.rate ?? 25;
  const t = parseTime(text, rate);
  let index = -1;
  let note = "";
  if (!t) {
    note = `“${text}” is not a time: type HH:MM:SS:FF (frames at ${rate} fps) or seconds.`;
  } else if (clockOf === "record") {
    // A record timecode counts from the timeline's start (01:00:00:00); plain seconds count from the cut's start.
    const into = t.timecode ? t.seconds - recordFrames([], 0, rate) / rate : t.seconds;
    index = spanAtRecord(c.segments, into);
    note = index < 0 ? `${text} is outside the cut (record ${frameTimecode(recordFrames([], 0, rate), rate)} to ${frameTimecode(recordFrames(c.segments, c.segments.length, rate), rate)}).` : `Record ${text} is in span ${index + 1}.`;
  } else {
    const into = t.timecode ? t.seconds - (c.timecode?.seconds ?? 0) : t.seconds;
    const at = spanAtSource(c.segments, into);
    index = at.index;
    note = index < 0 ? `Source ${text} is after the last kept span.` : at.inside ? `Source ${text} is in span ${index + 1}.` : `Source ${text} is in a dropped stretch; the next kept span is ${index + 1}.`;
  }
  out.textContent = note;
  if (index >= 0) showDetail(index, true);
  announce(note);
  if (index < 0) return;
  const span = root.querySelector<HTMLElement>(`.span[data-index="${index}"]`);
  for (const b of root.querySelectorAll<HTMLElement>(".bar .span")) b.tabIndex = b === span ? 0 : -1;
  root.querySelector<HTMLElement>(`.words p[data-index="${index}"]`)?.scrollIntoView({ block: "nearest" });
  span?.focus();
}

function gotoForm(c: CutState): HTMLElement {
  const input = el("input", { id: "goto-time", type: "text", inputmode: "decimal", autocomplete: "off", placeholder: "01:00:05:12 or 65.2", "aria-describedby": "goto-note" });
  const which = el("select", { id: "goto-clock", "aria-label": "Timeline of the typed time" }, el("option", { value: "record" }, "record"), el("option", { value: "source" }, "source"));
  const out = el("span", { class: "note", id: "goto-note" });
  // No <form>: a sandboxed view without allow-forms has its submissions blocked (and logged) by the browser.
  const go = el("button", { type: "button", id: "goto" }, "Go");
  const run = (): void => goTo(c, input.value, which.value as "record" | "source", out);
  go.addEventListener("click", run);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") run();
  });
  return el("div", { class: "goto", role: "group", "aria-label": "Go to a time" }, el("label", { for: "goto-time" }, "Go to"), input, which, go, out);
}

/** Words per span: the server names each word's span; older answers fall back to the times. */
function groupsOf(c: CutState): Word[][] {
  const groups: Word[][] = c.segments.map(() => []);
  const words = c.words ?? [];
  if (words.every((w) => w.span !== undefined)) {
    for (const w of words) groups[w.span!]?.push(w);
    return groups;
  }
  return wordsBySpan(words, c.segments);
}

function drawTotals(c: CutState): HTMLElement {
  const t = totals(c.segments, drawnLength(c.segments, c.source));
  // A first page of segments: the summary's own figures are the truth, not the listed spans.
  if (c.truncated && c.count !== null && c.kept !== null) {
    t.kept = c.kept;
    t.joins = Math.max(0, c.count - 1);
    t.removedShare = t.source > 0 ? Math.min(1, Math.max(0, 1 - c.kept / t.source)) : 0;
  }
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

function partialNote(c: CutState): HTMLElement | null {
  if (!c.truncated) return null;
  return el("p", { class: "note", id: "partial" }, `The bar shows the first ${c.segments.length} of ${c.count ?? "more"} kept segments${app.getHostCapabilities()?.serverTools ? "; loading the rest…" : " (this host does not let views call tools for the rest)"}. The totals are the whole cut's.`);
}

function drawWords(c: CutState): HTMLElement {
  const section = el("section", { class: "words", "aria-label": "Kept words", tabindex: "0" }, el("h2", {}, "What stays"));
  if (!c.words) {
    section.append(el("p", { class: "note" }, c.wordsNote ?? "Loading the kept words…"));
    return section;
  }
  const groups = groupsOf(c);
  const byGap = droppedOf(c);
  const gapAt = new Map(gaps(c.segments, drawnLength(c.segments, c.source)).map((g) => [gapKeyOf(c, g), g]));
  section.append(removedSummary(byGap, [...gapAt.keys()]));
  // A removed stretch's row sits where it was in the source: before the kept span that follows it.
  const mark = (k: number): void => {
    const words = byGap?.get(k) ?? [];
    const gap = gapAt.get(k);
    if (gap || words.length > 0) section.append(gapRow(byGap !== null, k, gap ?? { start: words[0]!.start, end: words[words.length - 1]!.end }, words));
  };
  c.segments.forEach((s, i) => {
    mark(i);
    // Each word is its own element so a click can seek to it and playback can mark it; its record time rides along.
    const from = recordStart(c.segments, i, 0);
    const said = groups[i]!.flatMap((w) => [el("span", { class: "w", tabindex: "-1", "data-rec": (from + Math.min(s.end - s.start, Math.max(0, w.start - s.start))).toFixed(3) }, w.text), " "]);
    const p = el("p", { "data-index": String(i), tabindex: "-1" }, el("span", { class: "time" }, clock(s.start)), " ", ...(said.length ? said.slice(0, -1) : ["(no words)"]));
    p.addEventListener("click", () => showDetail(i, true));
    const toggle = reviewToggle(c, "span", i, `span ${i + 1}`, p);
    // Reached with the arrows from its row, not with Tab: a long cut would otherwise put a tab stop per row
    // between the bar and Export.
    toggle.tabIndex = -1;
    p.append(" ", toggle);
    section.append(p);
  });
  mark(c.segments.length);
  if (c.wordsNote) section.append(el("p", { class: "note" }, c.wordsNote));
  // The box is one tab stop; Up and Down move between the rows inside it, Enter or Space selects a row's span.
  // With the audio loaded, a click on a word seeks to it (the row's own click still selects its span).
  section.addEventListener("click", (e) => {
    const word = (e.target as HTMLElement).closest<HTMLElement>(".w");
    if (word && listen?.cutId === c.id && listen.audio) seek(listen, Number(word.dataset.rec));
  });
  if (listen?.cutId === c.id && listen.audio) queueMicrotask(() => listen && markHeard(listen));
  section.addEventListener("keydown", (e) => {
    const rows = [...section.querySelectorAll<HTMLElement>(ROWS)];
    const active = document.activeElement as HTMLElement;
    // Inside a row, Left and Right walk its words and then its Leave out button; Enter on a word seeks there.
    const inRow = active.closest<HTMLElement>("p[data-index]");
    if (inRow && inRow !== active && rowKey(e, inRow, active, c)) return;
    const at = rows.indexOf(active);
    if (at >= 0 && e.key === "ArrowRight") {
      e.preventDefault();
      rowItems(active)[0]?.focus();
      return;
    }
    if (at >= 0 && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      const fold = active.querySelector("details");
      if (fold) fold.open = !fold.open;
      else showDetail(Number(active.dataset.index), true);
      return;
    }
    if (at < 0 && active !== section) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 }[e.key];
    if (to === undefined || rows.length === 0) return;
    e.preventDefault();
    rows[Math.max(0, Math.min(rows.length - 1, to))]!.focus();
  });
  return section;
}

/** The words box's rows for Up and Down: each kept span's, and each removed stretch's that folds words away. */
const ROWS = "p[data-index], .cutmark[tabindex]";

/** A kept row's stops for the arrows: each word, then the row's Leave out button (none is a Tab stop). */
function rowItems(row: HTMLElement): HTMLElement[] {
  return [...row.querySelectorAll<HTMLElement>(".w, button.toggle")];
}

/** Keys on a word or button inside a row; true when handled (the button's own Enter and Space click it). */
function rowKey(e: KeyboardEvent, row: HTMLElement, active: HTMLElement, c: CutState): boolean {
  const items = rowItems(row);
  const at = items.indexOf(active);
  if (at < 0) return false;
  const rows = [...row.parentElement!.querySelectorAll<HTMLElement>(ROWS)];
  const r = rows.indexOf(row);
  const go = (node: HTMLElement | undefined): true => {
    e.preventDefault();
    node?.focus();
    return true;
  };
  switch (e.key) {
    case "ArrowRight":
      return go(items[Math.min(items.length - 1, at + 1)]);
    case "ArrowLeft":
      return go(at === 0 ? row : items[at - 1]);
    case "Escape":
      return go(row);
    case "ArrowDown":
      return go(rows[Math.min(rows.length - 1, r + 1)]);
    case "ArrowUp":
      return go(rows[Math.max(0, r - 1)]);
    case "Home":
      return go(rows[0]);
    case "End":
      return go(rows.at(-1));
    case "Enter":
    case " ":
      if (!active.classList.contains("w")) return false;
      e.preventDefault();
      if (listen?.cutId === c.id && listen.audio) seek(listen, Number(active.dataset.rec));
      else showDetail(Number(row.dataset.index), true);
      return true;
    default:
      return false;
  }
}

// ---- what was removed, and why -------------------------------------------------------------------

/** The dropped words of each gap, keyed by the kept span after it; null when the service gave no reasons. */
function droppedOf(c: CutState): Map<number, Dropped[]> | null {
  return c.dropped ? droppedByGap(c.dropped) : null;
}

/** A gap's key: the index of the kept span it precedes (the span count for the stretch after the last). */
function gapKeyOf(c: CutState, g: Span): number {
  const i = c.segments.findIndex((s) => Math.abs(s.start - g.end) < 0.002);
  return i < 0 ? c.segments.length : i;
}

/** A gap in words, for the bar's tooltip and its neighbour's description: its length, where, and why when known. */
function gapTitle(known: boolean, g: Span, words: readonly Dropped[]): string {
  const where = `${duration(g.end - g.start)} (${clock(g.start)}–${clock(g.end)})`;
  if (!known) return `Dropped ${where}`;
  if (words.length === 0) return `Pause ${where}`;
  return `Removed ${where}: ${reasonRuns(words).map((r) => `${r.reason} “${r.words.map((w) => w.text).join(" ")}”`).join("; ")}`;
}

const FOLD_DROPPED = 12;

/** One removed word run, struck through, with its reason as a tag that a screen reader reads too. */
function droppedRun(run: { reason: string; words: Dropped[] }): HTMLElement {
  return el(
    "span",
    { class: "dropped-run", "data-reason": run.reason },
    el("del", {}, run.words.map((w) => w.text).join(" ")),
    " ",
    el("span", { class: "why" }, el("span", { class: "visually-hidden" }, "reason: "), run.reason),
  );
}

/**
 * A removed stretch's row in the words list: its dropped words in place with their reasons, or "pause" when no
 * word was dropped there, or only its length when the service gave no reasons. Long stretches fold.
 */
function gapRow(known: boolean, key: number, g: Span, words: Dropped[]): HTMLElement {
  const row = el("div", { class: "cutmark", "data-before": String(key), title: gapTitle(known, g, words) });
  const length = duration(g.end - g.start);
  if (!known) {
    row.append(`dropped ${length}`);
    return row;
  }
  if (words.length === 0) {
    row.classList.add("pause");
    row.append(`pause ${length}`);
    return row;
  }
  row.append(`removed ${length}: `);
  const shown = words.length > FOLD_DROPPED ? words.slice(0, 8) : words;
  for (const run of reasonRuns(shown)) row.append(droppedRun(run), " ");
  if (shown.length < words.length) {
    // The fold is opened from its row (arrows, then Enter), so its summary is not one more Tab stop per stretch.
    row.tabIndex = -1;
    const rest = el("details", { class: "dropped-fold" }, el("summary", { tabindex: "-1" }, `${words.length - shown.length} more removed words`));
    for (const run of reasonRuns(words.slice(shown.length))) rest.append(droppedRun(run), " ");
    row.append(rest);
  }
  return row;
}

/** "Removed: 14 fillers, 2 restarts, 38 pauses", or a plain word that the service did not say why. */
function removedSummary(byGap: Map<number, Dropped[]> | null, gapKeys: number[]): HTMLElement {
  if (!byGap) return el("div", { class: "note", id: "removed-summary" }, `The service did not say why; the ${gapKeys.length} removed stretch(es) show their length only.`);
  const counts = removedByReason(byGap, gapKeys);
  return el("div", { class: "note", id: "removed-summary" }, counts.length ? `Removed: ${counts.map((x) => x.label).join(", ")}.` : "Nothing removed.");
}

// ---- review: what the user leaves out or puts back, and the request to re-cut -------------------

type Review = { cutId: string; leftOut: Set<number>; putBack: Set<number> };
let review: Review | null = null;

function reviewOf(c: CutState): Review {
  if (review?.cutId !== c.id) review = { cutId: c.id, leftOut: new Set(), putBack: new Set() };
  return review;
}

/** A real button per kept span or missing sentence; pressed = the user's change from what the cut did. */
function reviewToggle(c: CutState, what: "span" | "sentence", index: number, name: string, row: HTMLElement): HTMLButtonElement {
  const set = (): Set<number> => (what === "span" ? reviewOf(c).leftOut : reviewOf(c).putBack);
  const labels = what === "span" ? ["Leave out", "Keep"] : ["Put back", "Leave missing"];
  const b = el("button", { type: "button", class: "toggle", "data-review": `${what}-${index}` });
  const show = (): void => {
    const changed = set().has(index);
    b.textContent = labels[changed ? 1 : 0]!;
    b.setAttribute("aria-pressed", String(changed));
    b.setAttribute("aria-label", `${changed ? labels[1] : labels[0]} ${name} in the re-cut`);
    row.classList.toggle(what === "span" ? "left-out" : "put-back", changed);
  };
  b.addEventListener("click", (e) => {
    e.stopPropagation();
    if (!set().delete(index)) set().add(index);
    show();
    refreshRecut(c);
  });
  show();
  return b;
}

function drawMissing(c: CutState): HTMLElement | null {
  if (c.missing.length === 0) return null;
  const list = el("ul", {});
  for (const m of c.missing) {
    const li = el("li", { "data-sentence": String(m.n) }, el("span", { class: "dropped-text" }, m.text), " ", el("span", { class: "reason" }, `sentence ${m.n}: not in the kept words`));
    li.append(" ", reviewToggle(c, "sentence", m.n, `sentence ${m.n}`, li));
    list.append(li);
  }
  return el("section", { class: "missing", "aria-label": "Script sentences the cut misses" }, el("h2", {}, "Missing from the script"), list);
}

const wordKey = (w: string): string => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

/**
 * The script for a re-cut: the kept spans' words the user did not leave out, one span a line, with each
 * sentence put back after the span holding the end of the sentence before it.
 */
function adjustedScript(c: CutState, r: Review): string {
  const rows = groupsOf(c).map((g) => g.map((w) => w.text));
  const sentences = scriptSentences(c.script ?? "");
  const missing = new Set(c.missing.map((m) => m.n));
  const after = new Map<number, string[]>();
  let from = 0;
  for (const n of [...r.putBack].sort((a, b) => a - b)) {
    let k = n - 1;
    while (k > 0 && missing.has(k)) k--;
    const tail = (sentences[k - 1] ?? "").split(/\s+/).map(wordKey).filter(Boolean).slice(-2).join(" ");
    let at = -1;
    if (tail) for (let i = from; i < rows.length && at < 0; i++) if (` ${rows[i]!.map(wordKey).join(" ")} `.includes(` ${tail} `)) at = i;
    if (k > 0 && at < 0) at = rows.length - 1;
    from = Math.max(from, at);
    after.set(at, [...(after.get(at) ?? []), c.missing.find((m) => m.n === n)!.text]);
  }
  const lines = [...(after.get(-1) ?? [])];
  rows.forEach((words, i) => {
    if (!r.leftOut.has(i) && words.length > 0) lines.push(words.join(" "));
    lines.push(...(after.get(i) ?? []));
  });
  return lines.join("\n");
}

function drawRecut(c: CutState): HTMLElement {
  const button = el("button", { type: "button", id: "recut" }, "Ask the assistant to re-cut");
  const note = el("p", { class: "note", id: "recut-note" });
  button.addEventListener("click", () => void askRecut(c, button, note));
  const section = el("section", { class: "recut" }, button, note);
  queueMicrotask(() => refreshRecut(c));
  return section;
}

function refreshRecut(c: CutState): void {
  const button = document.getElementById("recut");
  const note = document.getElementById("recut-note");
  if (!button || !note) return;
  const r = reviewOf(c);
  const changes = r.leftOut.size + r.putBack.size;
  const canAsk = Boolean(app.getHostCapabilities()?.message);
  button.toggleAttribute("disabled", changes === 0 || !canAsk);
  note.textContent = !canAsk
    ? "This host does not let views write to the chat; tell the assistant what to change."
    : changes === 0
      ? "Leave out kept spans or put back missing sentences, then ask for a re-cut."
      : `${r.leftOut.size} span(s) left out, ${r.putBack.size} sentence(s) put back.`;
}

// The cut a re-cut was asked from; the next result for the same asset is drawn against it.
let recutAsked: CutState | null = null;
let previous: CutState | null = null;

/** A cut's own figures for one side of the comparison: kept time, share removed, joins, and a small bar of its spans. */
function diffSide(c: CutState, title: string): HTMLElement[] {
  const length = drawnLength(c.segments, c.source);
  const t = totals(c.segments, length);
  const figures = el("dl", { class: "diff-totals" });
  for (const [label, value, key] of [["Kept", clock(t.kept), "kept"], ["Removed", `${Math.round(t.removedShare * 100)}%`, "removed"], ["Joins", String(t.joins), "joins"]] as const) {
    figures.append(el("div", { "data-total": key }, el("dt", {}, label), el("dd", {}, value)));
  }
  const bar = el("div", { class: "minibar", role: "img", "aria-label": `${c.segments.length} kept span(s) over ${clock(length)} of source` });
  for (const s of c.segments) {
    const span = el("span", {});
    span.style.left = pct(s.start, length);
    span.style.width = pct(s.end - s.start, length);
    bar.append(span);
  }
  return [el("h3", {}, title, " ", el("code", { class: "id" }, c.id)), figures, bar];
}

/** Unchanged words, their long middle folded to its edges so the changes stay in view. */
function sameWords(words: string[], first: boolean, last: boolean): (Node | string)[] {
  const head = first ? 0 : 4;
  const tail = last ? 0 : 4;
  if (words.length <= head + tail + 6) return [words.join(" ")];
  const folded = words.slice(head, words.length - tail);
  return [words.slice(0, head).join(" "), " ", el("span", { class: "same-fold", "data-words": folded.join(" ") }, `… ${folded.length} words unchanged …`), " ", words.slice(words.length - tail).join(" ")];
}

/**
 * The new cut beside the one it replaces: two columns, each with its own figures, bar and words, removed words
 * struck through in the old, added ones marked in the new. Each column is whole in the DOM (a screen reader
 * reads the old cut, then the new); the rows line up across the columns through a shared grid (subgrid), and
 * on a narrow frame the columns stack, old above new.
 */
function drawDiff(c: CutState): HTMLElement | null {
  const prev = previous;
  if (!prev?.words || !c.words || prev.assetId !== c.assetId) return null;
  const rows = diffRows(wordDiff(prev.words.map((w) => w.text), c.words.map((w) => w.text), wordKey));
  const count = (side: "old" | "new"): number => rows.filter((r) => r.op === "change").reduce((n, r) => n + r[side].length, 0);
  const column = (cut: CutState, side: "old" | "new", title: string): HTMLElement => {
    const cells: HTMLElement[] = diffSide(cut, title);
    rows.forEach((r, k) => {
      const cell = el("p", { class: `diff-row ${r.op}` });
      if (r.op === "same") cell.append(...sameWords(r.old, k === 0, k === rows.length - 1));
      else if (r[side].length > 0) {
        const mark = side === "old" ? "del" : "ins";
        cell.append(el(mark, {}, el("span", { class: "visually-hidden sr-mark" }, side === "old" ? "removed: " : "added: "), r[side].join(" ")));
      }
      cells.push(cell);
    });
    const col = el("section", { class: `diff-col ${side}`, id: `diff-${side}`, "aria-label": `${title} ${cut.id}` }, ...cells);
    col.style.gridRow = `span ${cells.length}`;
    return col;
  };
  const kept = (x: CutState): string => clock(x.segments.reduce((n, s) => n + s.end - s.start, 0));
  return el(
    "section",
    { class: "diff", id: "diff", "aria-labelledby": "diff-title" },
    el("h2", { id: "diff-title" }, "Compared with the previous cut"),
    el("p", { class: "note", id: "diff-summary" }, `Cut ${c.id} against ${prev.id}: ${count("new")} word(s) added, ${count("old")} removed; ${kept(prev)} kept before, ${kept(c)} now.`),
    el("div", { class: "diff-cols", tabindex: "0", role: "group", "aria-label": "The previous cut and this cut, word by word" }, column(prev, "old", "Previous cut"), column(c, "new", "This cut")),
  );
}

/** What the user chose, for the model: the changes and the selected span, in words. */
function reviewContext(c: CutState, r: Review): string {
  const groups = groupsOf(c);
  const span = (i: number): string => `span ${i + 1} (${clock(c.segments[i]!.start)}–${clock(c.segments[i]!.end)}) "${groups[i]!.map((w) => w.text).join(" ")}"`;
  const parts = [`Cut timeline of cut ${c.id} (asset ${c.assetId}).`];
  if (r.leftOut.size) parts.push(`Left out: ${[...r.leftOut].sort((a, b) => a - b).map(span).join("; ")}.`);
  if (r.putBack.size) parts.push(`Put back: ${[...r.putBack].sort((a, b) => a - b).map((n) => `sentence ${n} "${c.missing.find((m) => m.n === n)?.text ?? ""}"`).join("; ")}.`);
  if (selected !== null && c.segments[selected]) parts.push(`Selected: ${span(selected)}.`);
  return parts.join(" ");
}

async function shareSelection(c: CutState): Promise<void> {
  if (!app.getHostCapabilities()?.updateModelContext) return;
  await app.updateModelContext({ content: [{ type: "text", text: reviewContext(c, reviewOf(c)) }] }).catch(() => {});
}

async function askRecut(c: CutState, button: HTMLElement, note: HTMLElement): Promise<void> {
  const r = reviewOf(c);
  button.setAttribute("disabled", "");
  try {
    await shareSelection(c);
    const script = adjustedScript(c, r);
    const text = `Please re-cut asset ${c.assetId} (it replaces cut ${c.id}): in the timeline I left out ${r.leftOut.size} span(s) and put back ${r.putBack.size} script sentence(s). Call create_cut with asset_id=${c.assetId} and this script:\n\n${script}`;
    const sent = await app.sendMessage({ role: "user", content: [{ type: "text", text }] });
    note.textContent = sent.isError ? "The host did not take the message." : "Asked the assistant to re-cut.";
    if (!sent.isError) recutAsked = c;
    announce(note.textContent);
  } catch (error) {
    note.textContent = `Could not ask for a re-cut: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    button.removeAttribute("disabled");
  }
}

function select(id: string, options: string[], label: string): HTMLSelectElement {
  const s = el("select", { id, "aria-label": label });
  for (const o of options) s.append(el("option", { value: o }, o));
  return s;
}

const NEEDS_RATE = ["edl", "xmeml", "fcpxml"];
const FRAME_RATES = ["23.976", "24", "25", "29.97", "30", "50", "59.94", "60"];

function drawActions(c: CutState): HTMLElement {
  if (actions?.cutId === c.id) {
    actions.refresh();
    return actions.node;
  }
  const canCall = Boolean(app.getHostCapabilities()?.serverTools);
  const exportSel = select("export-format", EXPORT_FORMATS, "Export format");
  // An audio-only source has no frame rate of its own; the NLE formats need one (frame_rate_required).
  const rateSel = select("frame-rate", FRAME_RATES, "Frame rate for an audio-only source");
  rateSel.value = "25";
  const rateLabel = el("label", { class: "rate" }, "fps ", rateSel);
  // Asked only of audio-only media: a video's exports count its own frames, and the contract's frame_rate is for
  // audio. Until cut_timeline has said which (or when the service does not say), it stays on offer.
  const needsRate = (): boolean => NEEDS_RATE.includes(exportSel.value) && (cut?.id === c.id ? cut.mediaType : c.mediaType) !== "video";
  const showRate = (): void => void (rateLabel.hidden = !needsRate());
  exportSel.addEventListener("change", showRate);
  showRate();
  const exportBtn = el("button", { type: "button", id: "export" }, "Export");
  const renderSel = select("render-output", RENDER_OUTPUTS, "Render output");
  const renderBtn = el("button", { type: "button", id: "render" }, "Render");
  const out = el("div", { class: "result", id: "action-result" });
  exportBtn.addEventListener("click", () => void runExport(c, exportSel.value, needsRate() ? Number(rateSel.value) : null, out, exportBtn));
  renderBtn.addEventListener("click", () => {
    if (renderBtn.hasAttribute("disabled")) return;
    void runRender(c, renderSel.value, out, renderBtn);
  });
  if (!canCall) {
    for (const b of [exportBtn, renderBtn, exportSel, renderSel, rateSel]) b.setAttribute("disabled", "");
    out.textContent = "This host does not let views call tools; ask the assistant to export or render.";
  } else if (c.segments.length === 0 && !c.count) {
    renderBtn.setAttribute("disabled", "");
    out.textContent = "This cut keeps nothing, so there is nothing to render; ask the assistant to re-cut with a looser script.";
  }
  const node = el("section", { class: "actions" }, el("div", { class: "row" }, exportSel, rateLabel, exportBtn, renderSel, renderBtn), out);
  actions = { cutId: c.id, node, refresh: showRate };
  return node;
}

/** Full screen for long cuts, where the host offers it; the words box then grows to the screen. */
function fullscreenButton(): HTMLElement | null {
  if (!app.getHostContext()?.availableDisplayModes?.includes("fullscreen")) return null;
  const full = (): boolean => document.documentElement.dataset.display === "fullscreen";
  const b = el("button", { type: "button", id: "fullscreen", "aria-pressed": String(full()) }, full() ? "Exit full screen" : "Full screen");
  b.addEventListener("click", () => {
    void app
      .requestDisplayMode({ mode: full() ? "inline" : "fullscreen" })
      .then(({ mode }) => {
        document.documentElement.dataset.display = mode;
        b.textContent = mode === "fullscreen" ? "Exit full screen" : "Full screen";
        b.setAttribute("aria-pressed", String(mode === "fullscreen"));
        announce(mode === "fullscreen" ? "Full screen." : "Inline.");
      })
      .catch(() => announce("The host kept the display mode."));
  });
  return b;
}

/** Announces a change once: the live region holds only the latest message, never the whole view. */
function announce(message: string): void {
  const live = document.getElementById("live");
  if (live && live.textContent !== message) live.textContent = message;
}

let pollTimer: ReturnType<typeof setTimeout> | null = null;

function draw(): void {
  if (!cut) return;
  const c = cut;
  const header = el(
    "header",
    {},
    el("h1", {}, "Rough cut"),
    el("span", { class: `badge ${c.state}` }, c.state),
    el("code", { class: "id", title: "cut id" }, c.id),
    fullscreenButton(),
  );
  const parts: HTMLElement[] = [header];
  if (c.error) parts.push(el("p", { class: "error" }, c.error));
  if (c.state !== "completed") {
    const refresh = el("button", { type: "button", id: "refresh" }, "Refresh");
    refresh.addEventListener("click", () => void loadTimeline(c.id, generation));
    const live = !["failed", "canceled"].includes(c.state);
    parts.push(el("p", { class: "note", id: "pending" }, live ? "The cut is not finished yet; this view updates itself. " : "This cut failed; nothing to draw.", live ? refresh : null));
    root.replaceChildren(...parts);
    return;
  }
  parts.push(drawTotals(c));
  const partial = partialNote(c);
  if (partial) parts.push(partial);
  if (c.segments.length === 0 && !c.count) {
    parts.push(el("p", { class: "note", id: "empty" }, "This cut keeps no segment: the whole source was removed. Ask the assistant to re-cut (a shorter or looser script, or scriptless)."));
  } else {
    parts.push(drawTimeline(c));
    parts.push(drawListen(c));
  }
  if (c.script) parts.push(el("details", { class: "script" }, el("summary", {}, "Script"), el("p", {}, c.script)));
  const diff = drawDiff(c);
  if (diff) parts.push(diff);
  if (c.segments.length > 0) parts.push(drawWords(c));
  const missing = drawMissing(c);
  if (missing) parts.push(missing);
  if (c.words && c.script) parts.push(drawRecut(c));
  parts.push(drawActions(c));
  // Focus inside the bar survives a redraw (a resize or theme change).
  const focused = document.activeElement instanceof HTMLElement && document.activeElement.classList.contains("span") ? document.activeElement.dataset.index : null;
  root.replaceChildren(...parts);
  if (focused !== null && focused !== undefined) root.querySelector<HTMLElement>(`.span[data-index="${focused}"]`)?.focus();
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
    mediaType: null,
    script: null,
    words: null,
    wordsNote: null,
    count: num(seg?.count),
    kept: num(seg?.kept_seconds),
    truncated: seg?.truncated === true,
    missing: missingFrom(seg?.coverage),
    dropped: null,
    timecode: isObj(seg?.source_timecode) && num(seg.source_timecode.rate) && num(seg.source_timecode.seconds) !== null ? { seconds: seg.source_timecode.seconds as number, rate: seg.source_timecode.rate as number } : null,
  };
}

function missingFrom(coverage: unknown): { n: number; text: string }[] {
  if (!isObj(coverage) || !Array.isArray(coverage.missing)) return [];
  return coverage.missing.filter((m): m is { n: number; text: string } => isObj(m) && num(m.n) !== null && str(m.text) !== null);
}

const PROCESSING = ["queued", "pending", "processing", "running", "created"];

async function loadTimeline(cutId: string, gen: number): Promise<void> {
  const current = (): boolean => gen === generation && cut?.id === cutId;
  if (!app.getHostCapabilities()?.serverTools) {
    if (cut) cut.wordsNote = "This host does not let views call tools, so the kept words cannot be shown.";
    draw();
    return;
  }
  const words: Word[] = [];
  const dropped: Dropped[] = [];
  const segments: Span[] = [];
  let script = "";
  let first: Record<string, unknown> | null = null;
  // Four cursors (script, segments, words, dropped words): call again with every one still open until all are done.
  let cursor: { script_from?: number; segments_from?: number; words_from?: number; dropped_from?: number } = {};
  for (;;) {
    const r = await app.callServerTool({ name: "cut_timeline", arguments: { cut_id: cutId, ...cursor } });
    if (!current()) return;
    const sc = r.structuredContent;
    if (r.isError || !isObj(sc)) {
      cut!.wordsNote = `The kept words could not be read: ${textOf(r) || "no data"}`;
      draw();
      return;
    }
    first ??= sc;
    script += str(sc.script) ?? "";
    segments.push(...spansFrom(sc.segments));
    for (const w of Array.isArray(sc.words) ? sc.words : []) {
      if (Array.isArray(w) && num(w[0]) !== null && num(w[1]) !== null && typeof w[2] === "string") words.push({ start: w[0], end: w[1], text: w[2], ...(num(w[3]) !== null ? { span: w[3] as number } : {}) });
    }
    for (const d of Array.isArray(sc.dropped) ? sc.dropped : []) {
      if (Array.isArray(d) && num(d[0]) !== null && num(d[1]) !== null && typeof d[2] === "string") {
        dropped.push({ start: d[0], end: d[1], text: d[2], reason: str(d[3]) || "unknown", before: num(d[4]) ?? -1 });
      }
    }
    const next = { script_from: num(sc.next_script), segments_from: num(sc.next_segment), words_from: num(sc.next_word), dropped_from: num(sc.next_dropped) };
    const open = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== null)) as typeof cursor;
    // A page that moves no cursor forward would loop forever: stop on it.
    const moved = Object.entries(open).some(([k, v]) => v !== (cursor as Record<string, number | undefined>)[k]);
    if (Object.keys(open).length === 0 || !moved) break;
    cursor = open;
  }
  const state = str(first.state) ?? "unknown";
  // null: the service's export said nothing of why; a number (even 0): reasons are known.
  const droppedCount = num(first.dropped_count);
  // A word without its following span is placed by time: the first kept span after it.
  for (const d of dropped) if (d.before < 0) d.before = ((i) => (i < 0 ? segments.length : i))(segments.findIndex((x) => x.start >= d.end - 0.001));
  cut = {
    id: cutId,
    assetId: str(first.asset_id) ?? cut!.assetId,
    state,
    error: str(first.error),
    segments,
    source: num(first.source_seconds),
    mediaType: str(first.media_type),
    script: script || null,
    words,
    wordsNote: null,
    count: num(first.segment_count),
    kept: num(first.kept_seconds),
    truncated: false,
    dropped: droppedCount === null ? null : dropped,
    missing: cut!.missing,
    // Without a timecode of its own the media still has a rate: the exports count frames at it from zero.
    timecode: cut!.timecode ?? (num(first.frame_rate) ? { seconds: 0, rate: num(first.frame_rate)! } : null),
  };
  if (state === "completed") {
    if (previous && previous === recutAsked) recutAsked = null;
    announce(`Cut loaded: ${segments.length} kept segments, ${words.length} words.`);
  }
  draw();
  // A cut still being made updates itself.
  if (PROCESSING.includes(state)) {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = setTimeout(() => void loadTimeline(cutId, gen).catch(() => {}), 2000);
  }
}

// ---- listen: the cut's audio, fetched in pieces through the app-only cut_audio tool ---------------------

type Listening = {
  cutId: string;
  node: HTMLElement;
  audio: HTMLAudioElement | null;
  controller: AbortController | null;
  /** Where a "Play span" stops (record seconds from the cut's start), and the timer that stops it. */
  stopAt: number | null;
  stopTimer: ReturnType<typeof setTimeout> | null;
  heard: HTMLElement | null;
};
// Like the actions, the audio lives across redraws of the same cut: it is fetched once per cut.
let listen: Listening | null = null;

const megabytes = (n: number): string => (n / 1_000_000).toFixed(1);

function drawListen(c: CutState): HTMLElement {
  if (listen?.cutId === c.id) return listen.node;
  const button = el("button", { type: "button", id: "listen" }, "Listen");
  const cancel = el("button", { type: "button", id: "listen-cancel", hidden: "" }, "Cancel");
  const note = el("span", { class: "note", id: "listen-status" });
  const node = el("section", { class: "listen", "aria-label": "Listen to the cut" }, el("div", { class: "row" }, button, cancel, note));
  const state: Listening = { cutId: c.id, node, audio: null, controller: null, stopAt: null, stopTimer: null, heard: null };
  listen = state;
  if (!app.getHostCapabilities()?.serverTools) {
    button.setAttribute("disabled", "");
    note.textContent = "This host does not let views call tools, so the cut cannot be played here.";
    return node;
  }
  if (c.segments.length === 0) {
    button.setAttribute("disabled", "");
    note.textContent = "This cut keeps nothing to play.";
    return node;
  }
  button.addEventListener("click", () => void loadAudio(c, state, button, cancel, note));
  cancel.addEventListener("click", () => state.controller?.abort());
  return node;
}

/** Fetches the cut's audio chunk by chunk (each but the last a whole number of 3-byte groups, so the base64 joins) into a data: URI. */
async function loadAudio(c: CutState, state: Listening, button: HTMLElement, cancel: HTMLElement, note: HTMLElement): Promise<void> {
  const controller = new AbortController();
  state.controller = controller;
  button.setAttribute("disabled", "");
  cancel.hidden = false;
  note.className = "note";
  note.textContent = "Preparing the audio (the server renders it first; that can take a while)…";
  const parts: string[] = [];
  let renderId: string | null = null;
  let offset = 0;
  try {
    for (;;) {
      // The first answer waits for a render: far past the SDK's default minute.
      const r = await app.callServerTool({ name: "cut_audio", arguments: { cut_id: c.id, ...(renderId ? { render_id: renderId } : {}), ...(offset ? { offset_bytes: offset } : {}) } }, { signal: controller.signal, timeout: 15 * 60_000 });
      const sc = isObj(r.structuredContent) ? r.structuredContent : null;
      const chunk = sc ? str(sc.audio_base64) : null;
      const total = sc ? num(sc.byte_length) : null;
      if (r.isError || !sc || chunk === null || total === null) throw new Error(textOf(r) || "the answer carried no audio");
      renderId = str(sc.render_id) ?? renderId;
      const next = num(sc.next_offset_bytes);
      if (next !== null && chunk.endsWith("=")) throw new Error("a middle chunk of the audio was not a whole number of 3-byte groups");
      if (next === null) {
        parts.push(chunk);
        note.textContent = `Loading audio ${megabytes(total)} of ${megabytes(total)} MB`;
        break;
      }
      // A render still going answers an empty chunk at the same offset: ask again, it waits on. Any other
      // answer that does not move forward would loop for ever.
      if (chunk === "" && next === offset) {
        note.textContent = "The server is still rendering the audio…";
        continue;
      }
      if (next <= offset) throw new Error(`the audio stopped moving at byte ${offset}`);
      parts.push(chunk);
      note.textContent = `Loading audio ${megabytes(next)} of ${megabytes(total)} MB`;
      offset = next;
    }
  } catch (error) {
    // Another cut's result dropped this load: its view has its own Listen, and nothing to hear about this one.
    if (listen !== state) return;
    const cancelled = controller.signal.aborted;
    note.className = cancelled ? "note" : "error";
    note.textContent = cancelled ? "Loading the audio was cancelled." : `The audio could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    announce(note.textContent);
    button.removeAttribute("disabled");
    cancel.hidden = true;
    state.controller = null;
    return;
  }
  state.controller = null;
  cancel.hidden = true;
  button.remove();
  // A data: URI, which the spec's default CSP allows for media (blob: it does not).
  const audio = el("audio", { controls: "", preload: "auto", id: "listen-audio", "aria-label": `Audio of cut ${c.id}`, src: `data:audio/mp4;base64,${parts.join("")}` });
  state.audio = audio;
  audio.addEventListener("timeupdate", () => markHeard(state));
  audio.addEventListener("seeked", () => markHeard(state));
  audio.addEventListener("play", () => followPlayback(state));
  audio.addEventListener("pause", () => {
    state.stopAt = null;
    if (state.stopTimer) clearTimeout(state.stopTimer);
  });
  audio.addEventListener("error", () => {
    note.className = "error";
    note.textContent = "The host does not let the view play this audio (its media policy).";
  });
  state.node.append(audio);
  note.textContent = "Play the whole cut here, a span from its details, or click a word to go to it.";
  announce("Audio ready.");
  // The open span's details gain their Play span button.
  showDetail(selected, false);
}

/** The word being heard, marked (aria-current) and kept in view in the words box. */
function markHeard(state: Listening): void {
  if (!state.audio || listen !== state) return;
  const t = state.audio.currentTime;
  const words = [...root.querySelectorAll<HTMLElement>(".words .w")];
  let lo = 0;
  let hi = words.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (Number(words[mid]!.dataset.rec) <= t + 0.001) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const word = words[at] ?? null;
  if (word === state.heard && word?.isConnected) return;
  state.heard?.removeAttribute("aria-current");
  state.heard = word;
  if (!word) return;
  word.setAttribute("aria-current", "true");
  if (!state.audio.paused) word.scrollIntoView({ block: "nearest" });
}

/** Frame-by-frame marking while playing (timeupdate alone comes four times a second). */
function followPlayback(state: Listening): void {
  const tick = (): void => {
    if (!state.audio || state.audio.paused || listen !== state) return;
    markHeard(state);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function seek(state: Listening, t: number): void {
  if (!state.audio) return;
  state.stopAt = null;
  state.audio.currentTime = t;
  markHeard(state);
}

/** Plays record seconds [from, from + length) of the cut and stops there. */
function playRange(state: Listening, from: number, length: number): void {
  const audio = state.audio;
  if (!audio) return;
  if (state.stopTimer) clearTimeout(state.stopTimer);
  audio.currentTime = from;
  const to = from + length;
  const check = (): void => {
    if (state.stopAt !== to) return;
    if (audio.currentTime >= to - 0.004) {
      audio.pause();
      return;
    }
    // Sleep until just before the end, then look again: a stop within a few milliseconds, not timeupdate's quarter second.
    state.stopTimer = setTimeout(check, Math.max(4, ((to - audio.currentTime) * 1000) / (audio.playbackRate || 1) - 30));
  };
  void audio.play().then(() => {
    state.stopAt = to;
    check();
  }, () => announce("The host did not let the audio play."));
}

function playSpanButton(state: Listening, from: number, length: number, index: number): HTMLElement {
  const b = el("button", { type: "button", id: "play-span", class: "copy" }, "Play span");
  b.setAttribute("aria-label", `Play span ${index + 1}`);
  b.addEventListener("click", (e) => {
    e.stopPropagation();
    playRange(state, from, length);
  });
  return b;
}

// ---- actions -----------------------------------------------------------------------------------

async function runExport(c: CutState, format: string, frameRate: number | null, out: HTMLElement, button: HTMLElement): Promise<void> {
  button.setAttribute("disabled", "");
  out.replaceChildren(el("p", { class: "note" }, `Exporting ${format}…`));
  try {
    const r = await app.callServerTool({ name: "export_cut", arguments: { cut_id: c.id, format, ...(frameRate ? { frame_rate: frameRate } : {}) } });
    announce(r.isError ? `Export of ${format} failed.` : `Export of ${format} done.`);
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
        announce(`Render ${state}.`);
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
  const gen = ++generation;
  if (pollTimer) clearTimeout(pollTimer);
  if (actions?.cutId !== found.id) actions = null;
  if (listen && listen.cutId !== found.id) {
    listen.controller?.abort();
    listen.audio?.pause();
    listen = null;
  }
  // recutAsked stays until a re-cut completes: a failed first attempt does not end the comparison.
  if (recutAsked && found.assetId === recutAsked.assetId && found.id !== recutAsked.id) previous = recutAsked;
  else if (found.id !== cut?.id) previous = null;
  cut = found;
  selected = null;
  draw();
  void loadTimeline(found.id, gen).catch((error: unknown) => {
    if (gen !== generation || !cut) return;
    cut.wordsNote = `The kept words could not be read: ${error instanceof Error ? error.message : String(error)}`;
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

// The cut timeline view at the size of a long interview, in the test host (headless Chromium, CSP, second
// origin, AppBridge to the real server): one real cut of 1,024 segments over a source of over an hour, made once
// for this file in the sandbox (test/app/long-cut.ts). Truth comes from outside the view: the segments from the
// OTIO export and the words from the VTT, both read over the REST API, and the words the plan put in the recording.
// What a reader wants to know at this size (calls, bytes, DOM nodes, tab stops, a key step's time) is printed.

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame, Page } from "playwright-core";
import type { AppBridge } from "@modelcontextprotocol/ext-apps/app-bridge";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { accessibilityTree, newHostLog, openView, until, type AXNode, type HostLog } from "./host.js";
import { makeLongCut, otioSegments, planLongCut, readApi, shownRows, vttWords, type LongCutPlan } from "./long-cut.js";
import { HAVE_CHROMIUM, startViewRig, type ViewRig } from "./view-rig.js";
import { clock, parseTime } from "../../ui/src/model.js";

const ARTIFACTS = path.resolve("test/.tmp/app");
// 1,024 sentences at the generator's pace come to just over an hour of source.
const SENTENCES = 1024;

let rig: ViewRig;
let plan: LongCutPlan;
let made: { assetId: string; cutId: string; cut: CallToolResult };
let otio: ReturnType<typeof otioSegments>;

const say = (line: string): void => void process.stdout.write(`[hour-cut] ${line}\n`);

beforeAll(async () => {
  const t0 = performance.now();
  rig = await startViewRig("roughy-mcp-hour-", { copyMedia: false });
  plan = planLongCut(SENTENCES);
  made = await makeLongCut(rig.conn, rig.sb, rig.ws.dir, plan);
  otio = otioSegments(await readApi(rig.sb, `/v1/cuts/${made.cutId}/export?format=otio`));
  say(`set-up (sandbox, a ${clock(otio.source)} source, the cut, the view's build, Chromium): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

afterAll(() => rig?.close());

describe("the hour-long cut itself", () => {
  it("is 1,024 segments of a source over an hour, and create_cut lists only a first page of them", () => {
    expect(otio.segments).toHaveLength(SENTENCES);
    expect(otio.source).toBeGreaterThanOrEqual(3600);
    const listed = (made.cut.structuredContent as { segments: { count: number; truncated: boolean; segments: unknown[] } }).segments;
    expect(listed).toMatchObject({ count: SENTENCES, truncated: true });
    expect(listed.segments.length).toBeLessThan(SENTENCES);
  });
});

/** Where things are on the bar, measured in the page in one pass. */
type Measured = {
  view: { x: number; width: number };
  bar: { x: number; width: number };
  spans: [number, number][];
  ticks: { label: string; x: number; end: boolean }[];
  range: string;
};

const MEASURE = `(() => {
  const view = document.querySelector(".bar-view");
  const bar = document.querySelector(".bar");
  const v = view.getBoundingClientRect();
  const b = bar.getBoundingClientRect();
  return {
    view: { x: v.x + view.clientLeft, width: view.clientWidth },
    bar: { x: b.x, width: b.width },
    spans: [...bar.querySelectorAll(".span")].map((e) => { const r = e.getBoundingClientRect(); return [r.x, r.width]; }),
    ticks: [...document.querySelectorAll(".ruler .tick")].map((e) => {
      const r = e.getBoundingClientRect();
      const end = e.classList.contains("end");
      return { label: e.textContent, x: end ? r.right : r.x + 1, end };
    }),
    range: document.getElementById("zoom-range").textContent,
  };
})()`;

describe.skipIf(!HAVE_CHROMIUM)("the view with the hour-long cut (headless Chromium)", () => {
  let page: Page;
  let view: Frame;
  let bridge: AppBridge;
  let log: HostLog;

  const measure = async (): Promise<Measured> => (await view.evaluate(MEASURE)) as Measured;
  /** The zoom factor as drawn: the bar's width over its viewport's. */
  const drawnZoom = (m: Measured): number => m.bar.width / m.view.width;
  /** The focused element's span index, or null when the focus is elsewhere. */
  const focusedSpan = async (): Promise<number | null> => {
    const i = (await view.evaluate("document.activeElement?.classList.contains('span') ? document.activeElement.dataset.index : null")) as string | null;
    return i === null ? null : Number(i);
  };

  /**
   * Every span where the OTIO puts it on the bar as drawn (x within 0.5 px; width too, where a span is at least the
   * 1 px the view draws the narrowest at), the bar `zoom` times its viewport, the ruler's marks where their labels
   * say, and the range label naming the stretch the viewport shows. Returns the narrowest span drawn.
   */
  function checkGeometry(m: Measured, zoom: number): number {
    const length = otio.source;
    expect(Math.abs(m.bar.width - zoom * m.view.width), `bar at ${zoom}×`).toBeLessThan(0.5);
    expect(m.spans).toHaveLength(otio.segments.length);
    let worst = 0;
    let narrowest = Infinity;
    otio.segments.forEach((s, i) => {
      const [x, w] = m.spans[i]!;
      const width = ((s.end - s.start) / length) * m.bar.width;
      worst = Math.max(worst, Math.abs(x - (m.bar.x + (s.start / length) * m.bar.width)), Math.abs(w - Math.max(1, width)));
      narrowest = Math.min(narrowest, w);
    });
    expect(worst, `worst span error at ${zoom}×`).toBeLessThan(0.5);
    // The stretch in view, from the geometry: where the viewport's edges fall on the bar.
    const from = ((m.view.x - m.bar.x) / m.bar.width) * length;
    const to = ((m.view.x + m.view.width - m.bar.x) / m.bar.width) * length;
    expect(m.ticks.length).toBeGreaterThan(1);
    for (const t of m.ticks) {
      const at = parseTime(t.label, 25)!.seconds;
      expect(at).toBeGreaterThanOrEqual(from - 0.5);
      expect(at).toBeLessThanOrEqual(to + 0.5);
      expect(Math.abs(t.x - (m.view.x + ((at - from) / (to - from)) * m.view.width)), `tick ${t.label} at ${zoom}×`).toBeLessThan(1);
    }
    if (zoom === 1) {
      expect(m.range).toBe(`Whole source, ${clock(length)}`);
    } else {
      const shown = /^(.+)–(.+) of (.+) \((\d+)×\)$/.exec(m.range);
      expect(shown, m.range).not.toBeNull();
      expect([shown![3], Number(shown![4])]).toEqual([clock(length), zoom]);
      // Labels are whole seconds at this length.
      expect(Math.abs(parseTime(shown![1]!, 25)!.seconds - from)).toBeLessThan(1);
      expect(Math.abs(parseTime(shown![2]!, 25)!.seconds - to)).toBeLessThan(1);
    }
    return narrowest;
  }

  /** Whether span `i` lies wholly inside the viewport. */
  const inView = (m: Measured, i: number): boolean => m.spans[i]![0] >= m.view.x - 0.5 && m.spans[i]![0] + m.spans[i]![1] <= m.view.x + m.view.width + 0.5;

  it("loads the whole cut in bounded cut_timeline pages: totals against the OTIO, every word against the VTT", async () => {
    log = newHostLog();
    ({ page, view, bridge } = await openView({ context: rig.context!, host: rig.hostServer!, client: rig.conn.client, tools: rig.tools, width: 1200, theme: "light", log }));
    const t0 = performance.now();
    await bridge.sendToolResult(made.cut as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    const loadSeconds = (performance.now() - t0) / 1000;

    const kept = otio.segments.reduce((n, s) => n + s.end - s.start, 0);
    const total = async (key: string): Promise<string> => (await view.locator(`[data-total="${key}"] dd`).textContent()) ?? "";
    expect(await total("source")).toBe(clock(otio.source));
    expect(await total("kept")).toBe(clock(kept));
    expect(await total("removed")).toBe(`${Math.round((1 - kept / otio.source) * 100)}%`);
    expect(await total("joins")).toBe(String(SENTENCES - 1));
    expect(await view.locator("#partial").count()).toBe(0);

    const vtt = vttWords(await readApi(rig.sb, `/v1/cuts/${made.cutId}/subtitle/export?format=vtt`));
    const rows = await shownRows(view);
    expect(rows).toHaveLength(SENTENCES);
    expect(rows.flat()).toEqual(vtt);
    expect(rows.flat()).toEqual(plan.keptWords);
    expect(rows.map((r) => r[0])).toEqual(plan.sentenceStarts.map((i) => plan.keptWords[i]));
    expect((await view.locator("details.script p").textContent())?.length).toBe(plan.script.length);

    // Every page is bounded (the tool's budget is 16,000 characters of structured content) and moves on.
    const pages = log.calls.filter((c) => c.name === "cut_timeline" && c.arguments.cut_id === made.cutId);
    const answers = (await Promise.all(pages.map((c) => c.answered))) as CallToolResult[];
    const sizes = answers.map((r) => Buffer.byteLength(JSON.stringify(r)));
    for (const r of answers) expect(JSON.stringify(r.structuredContent).length).toBeLessThanOrEqual(16_000);
    say(`load: ${pages.length} cut_timeline calls, ${(sizes.reduce((a, b) => a + b, 0) / 1024).toFixed(0)} KB of answers (largest ${(Math.max(...sizes) / 1024).toFixed(1)} KB), ${vtt.length} words, ${loadSeconds.toFixed(1)} s from the result to "Cut loaded"`);
    expect(log.consoleErrors).toEqual([]);
  });

  it("draws every span where the OTIO puts it at every zoom level, down to one where every span is at least 8 px wide", async () => {
    const zoomIn = view.locator("#zoom-in");
    expect(await view.locator("#zoom-out").getAttribute("aria-disabled")).toBe("true");
    const levels: number[] = [];
    let narrowest = 0;
    for (;;) {
      const m = await measure();
      const zoom = Math.round(drawnZoom(m));
      levels.push(zoom);
      narrowest = checkGeometry(m, zoom);
      if ((await zoomIn.getAttribute("aria-disabled")) === "true") break;
      await zoomIn.click();
    }
    say(`zoom levels ${levels.join(", ")}; narrowest span at ${levels.at(-1)}×: ${narrowest.toFixed(1)} px (at 1×: under a pixel, drawn 1 px)`);
    expect(levels).toEqual(levels.map((_, i) => 2 ** i));
    expect(levels.length).toBeGreaterThan(2);
    expect(narrowest).toBeGreaterThanOrEqual(7.5);
    // At that zoom a pointer picks one span: the one in the middle of the viewport, clicked, is the one selected.
    const m = await measure();
    const middle = m.view.x + m.view.width / 2;
    const hit = m.spans.findIndex(([x, w]) => x <= middle && x + w >= middle - 20 && x >= m.view.x);
    expect(hit).toBeGreaterThanOrEqual(0);
    await view.locator(`.bar .span[data-index="${hit}"]`).click();
    expect(await view.locator(`.bar .span[data-index="${hit}"]`).getAttribute("aria-pressed")).toBe("true");
    expect(await view.locator("#detail strong").textContent()).toBe(`Span ${hit + 1} of ${SENTENCES}`);
  });

  it("steps through spans with the arrow keys, keeping the focused one in view and its detail shown; + and − zoom around it, said once", async () => {
    await view.evaluate(`(() => {
      window.__live = [];
      new MutationObserver(() => window.__live.push(document.getElementById("live").textContent)).observe(document.getElementById("live"), { childList: true, characterData: true, subtree: true });
      window.__steps = [];
      document.addEventListener("keydown", () => {
        const t0 = performance.now();
        requestAnimationFrame(() => setTimeout(() => window.__steps.push(performance.now() - t0)));
      }, true);
    })()`);
    const live = async (): Promise<string[]> => (await view.evaluate("window.__live")) as string[];
    // The deepest zoom, from the first span; the pointer rests on the bar, where the last test clicked.
    await view.locator('.bar .span[data-index="0"]').focus();
    await page.keyboard.press("End");
    expect(await focusedSpan()).toBe(SENTENCES - 1);
    expect(inView(await measure(), SENTENCES - 1)).toBe(true);
    await page.keyboard.press("Home");
    expect(await focusedSpan()).toBe(0);
    expect(inView(await measure(), 0)).toBe(true);
    const steps = 60;
    for (let k = 1; k <= steps; k++) {
      await page.keyboard.press("ArrowRight");
      expect(await focusedSpan()).toBe(k);
      expect(await view.locator("#detail strong").textContent()).toBe(`Span ${k + 1} of ${SENTENCES}`);
      expect(inView(await measure(), k), `span ${k} in view`).toBe(true);
    }
    await until(async () => ((await view.evaluate("window.__steps.length")) as number) >= steps + 2);
    const times = ((await view.evaluate("window.__steps")) as number[]).slice(2).sort((a, b) => a - b);
    say(`arrow key on the bar at the deepest zoom, keydown to the next frame: median ${times[times.length >> 1]!.toFixed(1)} ms, slowest ${times.at(-1)!.toFixed(1)} ms (${steps} steps)`);
    // Focus moves are read out by the screen reader from the focus itself: the status says nothing of them.
    expect(await live()).toEqual([]);

    const deepest = Math.round(drawnZoom(await measure()));
    await page.keyboard.press("-");
    let m = await measure();
    expect(Math.round(drawnZoom(m))).toBe(deepest / 2);
    expect(inView(m, steps)).toBe(true);
    expect(await focusedSpan()).toBe(steps);
    checkGeometry(m, deepest / 2);
    expect(await live()).toHaveLength(1);
    expect((await live())[0]).toMatch(new RegExp(`^Zoom ${deepest / 2}×, showing \\S+ to \\S+\\.$`));
    await page.keyboard.press("+");
    expect(Math.round(drawnZoom(await measure()))).toBe(deepest);
    await page.keyboard.press("0");
    m = await measure();
    expect(Math.round(drawnZoom(m))).toBe(1);
    checkGeometry(m, 1);
    expect(await live()).toEqual([expect.stringMatching(/^Zoom/), expect.stringMatching(/^Zoom/), "Zoom 1×, the whole source."]);
    expect(await view.evaluate("document.querySelectorAll('[aria-live]:not(#live), [role=status]:not(#live)').length")).toBe(0);
  });

  it("keeps the zoom, the stretch in view and the focused span through a resize and a theme change, and stays exact", async () => {
    for (const key of ["+", "+", "+"]) await page.keyboard.press(key);
    const before = await measure();
    expect(Math.round(drawnZoom(before))).toBe(8);
    const focused = (await focusedSpan())!;
    expect(inView(before, focused)).toBe(true);
    const announced = ((await view.evaluate("window.__live.length")) as number);
    bridge.setHostContext({ theme: "dark", containerDimensions: { width: 900, maxHeight: 6000 } });
    await page.evaluate(`document.getElementById("view").width = "900"`);
    await until(async () => ((await view.evaluate("document.querySelector('.bar-view').clientWidth")) as number) < before.view.width - 100);
    // The redraw and the new bar's placement come with the next frames' resize callbacks.
    await view.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");
    const after = await measure();
    expect(after.range).toMatch(/\(8×\)$/);
    checkGeometry(after, 8);
    expect(await focusedSpan()).toBe(focused);
    expect(inView(after, focused)).toBe(true);
    expect(await view.evaluate("document.documentElement.dataset.theme ?? getComputedStyle(document.documentElement).colorScheme")).toMatch(/dark/);
    // A redraw says nothing.
    expect(await view.evaluate("window.__live.length")).toBe(announced);
    expect(log.consoleErrors).toEqual([]);
  });

  it("pans the zoomed bar to a span chosen from its word row", async () => {
    const far = SENTENCES - 100;
    expect(inView(await measure(), far)).toBe(false);
    await view.locator(`.words p[data-index="${far}"] .time`).click();
    expect(await view.locator(`.bar .span[data-index="${far}"]`).getAttribute("aria-pressed")).toBe("true");
    const m = await measure();
    expect(inView(m, far)).toBe(true);
    checkGeometry(m, 8);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.locator("#view").screenshot({ path: path.join(ARTIFACTS, "hour-cut-zoomed.png") });
  });

  it("is one tab stop for the bar at 1,024 spans, with named zoom buttons (printing the DOM size and the tab stops before Export)", async () => {
    const elements = (await view.evaluate("document.getElementsByTagName('*').length")) as number;
    const nodes = (await view.evaluate("(() => { const w = document.createTreeWalker(document, NodeFilter.SHOW_ALL); let n = 0; while (w.nextNode()) n++; return n; })()")) as number;
    // The tab order up to Export, read in the page: focusable, reachable by Tab, shown (a closed <details> hides its text).
    const order = (await view.evaluate(`(() => {
      const out = [];
      for (const e of document.querySelectorAll("#app *")) {
        if (e.id === "export") return out;
        if (e.tabIndex >= 0 && !e.matches(":disabled") && e.checkVisibility()) out.push(e.id || (e.closest(".bar") ? "bar" : e.tagName.toLowerCase() + "." + e.className));
      }
      return null;
    })()`)) as string[] | null;
    expect(order).not.toBeNull();
    // The same order as Tab goes, from the top of the view through the bar, the zoom and the detail into the words box.
    await view.locator("h1").click();
    const walked: string[] = [];
    while (walked.at(-1) !== "section.words") {
      await page.keyboard.press("Tab");
      walked.push((await view.evaluate("(() => { const a = document.activeElement; return a.id || (a.closest('.bar') ? 'bar' : a.tagName.toLowerCase() + '.' + a.className); })()")) as string);
      expect(walked.length).toBeLessThanOrEqual(order!.length);
    }
    expect(walked).toEqual(order!.slice(0, walked.length));
    const stops = order!;
    const counted = Object.entries(stops.reduce<Record<string, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {})).map(([s, n]) => (n > 1 ? `${s} ×${n}` : s));
    say(`DOM: ${elements} elements, ${nodes} nodes; ${stops.length} tab stops before Export: ${counted.join(", ")}`);
    expect(stops.filter((s) => s === "bar")).toHaveLength(1);
    // Rows' words and Leave out buttons are reached with the arrows inside the words box, so the stops before
    // Export are the view's own controls, as many at 1,024 spans as at 2.
    expect(stops.filter((s) => s.startsWith("button.toggle"))).toEqual([]);
    expect(stops.length).toBeLessThan(30);
    expect(stops.slice(0, 4)).toEqual(["bar", "zoom-out", "zoom-in", "zoom-whole"]);
    expect(await view.locator('.bar [tabindex="0"]').count()).toBe(1);

    const tree = await accessibilityTree(page, view);
    const byId = new Map(tree.map((n) => [n.id, n]));
    const shown = (n: AXNode): AXNode[] => n.children.map((id) => byId.get(id)!).filter(Boolean).flatMap((c) => (c.ignored ? shown(c) : [c]));
    const group = tree.find((n) => !n.ignored && n.role === "group" && n.name === "Timeline zoom")!;
    expect(group).toBeDefined();
    expect(shown(group).filter((n) => n.role === "button").map((n) => n.name)).toEqual(["Zoom out", "Zoom in", "Whole source"]);
    const bar = tree.find((n) => !n.ignored && n.role === "toolbar")!;
    const buttons = shown(bar);
    expect(buttons).toHaveLength(SENTENCES);
    expect(buttons.every((n) => n.role === "button")).toBe(true);
    expect(buttons.at(-1)!.name).toBe(`Kept span ${SENTENCES} of ${SENTENCES}: ${clock(otio.segments.at(-1)!.start)} to ${clock(otio.segments.at(-1)!.end)}`);
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });
});

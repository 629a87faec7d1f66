// The cut timeline MCP App end to end: a real scripted cut of the fixture in the sandbox, the server's
// ui:// resource loaded by a test host into a sandboxed iframe under the spec's default CSP in headless
// Chromium, the ext-apps AppBridge relaying to the real server. Checks what a person would see: spans
// to scale, the totals, the kept words, and the export and render actions going through the tools.

import { CallToolResultSchema } from "@modelcontextprotocol/core";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Frame, type Page } from "playwright-core";
import { type AppBridge, getToolUiResourceUri, isToolVisibilityAppOnly, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/app-bridge";
import { type CallToolResult, type Tool } from "@modelcontextprotocol/client";
import { connect, FIXTURE_M4A, FIXTURE_SCRIPT, FIXTURE_TRUTH, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, uploadAndCut, type Workspace } from "../helpers/workspace.js";
import { accessibilityTree, buildView, newHostLog, openView, serveHost, until, type AXNode, type TestHostServer } from "./host.js";
import { clock } from "../../ui/src/model.js";
import { normalizeWord } from "../../src/sandbox/engine/normalize.js";
import { ffprobeBinary } from "../../src/sandbox/media/ffmpeg.js";
import { cutWithoutReasons } from "../helpers/cut-without-reasons.js";

type VttNode = { type: string; value?: unknown; children?: VttNode[] };
// webvtt-parser ships no types: the slice of its API used here.
const { WebVTTParser } = createRequire(import.meta.url)("webvtt-parser") as {
  WebVTTParser: new () => { parse(input: string): { cues: Array<{ startTime: number; tree: { children: VttNode[] } }> } };
};
/** A cue's text as shown: its text nodes in order, without the karaoke timestamps. */
const cueText = (nodes: VttNode[]): string => nodes.map((n) => (n.type === "text" ? String(n.value) : n.type === "timestamp" ? " " : cueText(n.children ?? []))).join("");

const CHROMIUM = process.env.ROUGHY_CHROMIUM ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
// Listen plays audio without a click of its own (Play span after a seek): no autoplay gate in the test browser.
const CHROMIUM_ARGS = ["--autoplay-policy=no-user-gesture-required", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];
const ARTIFACTS = path.resolve("test/.tmp/app");
const UI_URI = "ui://roughy/cut-timeline.html";

if (!HAVE_CHROMIUM) console.warn(`cut timeline app tests skipped: no Chromium at ${CHROMIUM} (install Debian's chromium or set ROUGHY_CHROMIUM)`);

type Segment = { start: number; end: number };
// The project compiles without DOM types; what the page callbacks touch is typed here.
type DOMTokenListLike = { contains(name: string): boolean };

/** A REST read of the sandbox, as any API user makes it: the service's own files are the truth the view is held to. */
async function service(pathname: string): Promise<string> {
  const r = await fetch(`${sb.sandbox.baseUrl}${pathname}`, { headers: { authorization: `Bearer ${sb.sandbox.apiKey}` } });
  expect(r.status, pathname).toBe(200);
  return r.text();
}

const vttCues = async (id: string): Promise<{ startTime: number; tree: { children: VttNode[] } }[]> => new WebVTTParser().parse(await service(`/v1/cuts/${id}/subtitle/export?format=vtt`)).cues;

/** Each word of the VTT in order, with its record time where an inline timestamp (karaoke) stands right before it. */
function stampedWords(cues: { tree: { children: VttNode[] } }[]): { word: string; at: number | null }[] {
  const out: { word: string; at: number | null }[] = [];
  let stamp: number | null = null;
  const walk = (nodes: VttNode[]): void => {
    for (const n of nodes) {
      if (n.type === "timestamp") stamp = n.value as number;
      else if (n.type === "text") {
        for (const word of String(n.value).split(/\s+/).filter(Boolean)) {
          out.push({ word, at: stamp });
          stamp = null;
        }
      } else walk(n.children ?? []);
    }
  };
  for (const c of cues) {
    stamp = null;
    walk(c.tree.children);
  }
  return out;
}

/** Kept clips' durations in seconds from the OTIO export, in record order. */
async function otioDurations(id: string): Promise<number[]> {
  type Time = { value: number; rate: number };
  const doc = JSON.parse(await service(`/v1/cuts/${id}/export?format=otio`)) as { tracks: { children: { children: { OTIO_SCHEMA: string; source_range: { duration: Time } }[] }[] } };
  return doc.tracks.children[0]!.children.filter((c) => c.OTIO_SCHEMA.startsWith("Clip.")).map((c) => c.source_range.duration.value / c.source_range.duration.rate);
}

let sb: TestSandbox;
let conn: Connected;
let ws: Workspace | undefined;
let profile: string;
let context: BrowserContext | null = null;
let hostServer: TestHostServer | null = null;
let tools: Tool[] = [];
let html = "";
let cutResult: CallToolResult;
let cutId = "";
let assetId = "";
let segments: Segment[] = [];
let sourceSeconds = 0;

beforeAll(async () => {
  await buildView();
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-app-");
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir], capabilities: { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: [RESOURCE_MIME_TYPE] } } } });
  ({ assetId, cutId, cut: cutResult } = await uploadAndCut(conn, sb, ws.media));
  // The full segment list and source length, as the app-only tool gives them.
  const timeline = await conn.call("cut_timeline", { cut_id: cutId });
  const data = timeline.structuredContent as { segments: number[][]; source_seconds: number };
  segments = data.segments.map(([start, end]) => ({ start: start!, end: end! }));
  sourceSeconds = data.source_seconds;
  tools = (await conn.client.listTools()).tools;
  const read = await conn.client.readResource({ uri: UI_URI });
  const content = read.contents[0] as { text?: string; mimeType?: string };
  html = content.text ?? "";
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await context?.close().catch(() => {});
  await hostServer?.close();
  await conn?.close();
  await sb?.close();
  await ws?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe("cut timeline app: server side", () => {
  it("links the view from create_cut and get, and lists cut_timeline for the app only", () => {
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(getToolUiResourceUri(byName.get("create_cut")!)).toBe(UI_URI);
    const timeline = byName.get("cut_timeline")!;
    expect(isToolVisibilityAppOnly(timeline)).toBe(true);
    expect(getToolUiResourceUri(timeline)).toBe(UI_URI);
    // Tools without UI metadata stay as they were.
    expect(byName.get("export_cut")!._meta).toBeUndefined();
  });

  it("keeps the app-only tool out of the list of a host without MCP Apps, and still answers it", async () => {
    const plain = await connect({ sandbox: sb.sandbox, allowDirs: [ws!.dir] });
    try {
      const names = (await plain.client.listTools()).tools.map((t) => t.name);
      expect(names).toContain("create_cut");
      expect(names).not.toContain("cut_timeline");
      const called = await plain.call("cut_timeline", { cut_id: cutId });
      expect(called.isError, textOf(called)).toBeFalsy();
    } finally {
      await plain.close();
    }
  });

  it("serves one self-contained HTML file with the MCP App MIME type, small and without network references", async () => {
    const read = await conn.client.readResource({ uri: UI_URI });
    expect(read.contents).toHaveLength(1);
    expect(read.contents[0]!.mimeType).toBe(RESOURCE_MIME_TYPE);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(Buffer.byteLength(html)).toBeLessThan(300 * 1024);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(["']?https?:/i);
    await expect(conn.client.readResource({ uri: "ui://roughy/other.html" })).rejects.toThrow(/Unknown resource/);
  });

  it("cut_timeline gives the kept words in source time, inside the kept segments", async () => {
    const r = await conn.call("cut_timeline", { cut_id: cutId });
    const data = r.structuredContent as { words: [number, number, string, number][]; script: string | null; next_word: number | null };
    expect(data.next_word).toBeNull();
    expect(data.script).toContain("Thanks for having me");
    expect(data.words.length).toBeGreaterThan(10);
    const truth = JSON.parse(await readFile(FIXTURE_TRUTH, "utf8")) as { words: { word: string; start: number }[] };
    for (const [start, end, text] of data.words) {
      expect(segments.some((s) => start >= s.start - 0.001 && end <= s.end + 0.001), `${text} at ${start}`).toBe(true);
      // Mapped back to the source, a word lands where the recording has it (within the caption rounding).
      // Captions keep the script's spelling ("2019"); the recording says its spoken words ("twenty nineteen"),
      // so the caption word starts where the first of them does.
      const spoken = (normalizeWord(text)[0] ?? text).toLowerCase().replace(/\W/g, "");
      const near = truth.words.filter((w) => w.word.toLowerCase().replace(/\W/g, "") === spoken);
      expect(near.some((w) => Math.abs(w.start - start) < 0.06), `${text} at ${start}`).toBe(true);
    }
    // A later page starts where asked and leaves out the script (sent once).
    const page = (await conn.call("cut_timeline", { cut_id: cutId, words_from: 10 })).structuredContent as typeof data;
    expect(page.words).toEqual(data.words.slice(10));
    expect(page.script).toBeNull();
    // Each word names its span, and the totals are the whole cut's.
    const full = r.structuredContent as typeof data & { segments: number[][]; segment_count: number; word_count: number; kept_seconds: number };
    expect(full.segment_count).toBe(segments.length);
    expect(full.word_count).toBe(data.words.length);
    expect(full.kept_seconds).toBeCloseTo(segments.reduce((n, s) => n + s.end - s.start, 0), 2);
    for (const w of data.words) {
      const s = segments[w[3]]!;
      expect(w[0] >= s.start - 0.001 && w[1] <= s.end + 0.001, `${w[2]} in its span`).toBe(true);
    }
    // Paged by segment cursor, the segments come back the same.
    const rest = (await conn.call("cut_timeline", { cut_id: cutId, segments_from: 1 })).structuredContent as typeof full;
    expect(rest.segments).toEqual(full.segments.slice(1));
    const bad = await conn.call("cut_timeline", { cut_id: "not-a-uuid" });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain("cut_id");
  });
});

describe.skipIf(!HAVE_CHROMIUM)("cut timeline app in a sandboxed iframe (headless Chromium)", () => {
  let page: Page;
  let view: Frame;
  let bridge: AppBridge;
  const log = newHostLog();
  const { appCalls, consoleErrors, heights } = log;

  async function openHost(width: number, theme: "light" | "dark", serverTools = true): Promise<void> {
    ({ page, view, bridge } = await openView({ context: context!, host: hostServer!, client: conn.client, tools, width, theme, serverTools, log }));
  }

  beforeAll(async () => {
    hostServer = await serveHost(html);
    profile = await mkdtemp(path.join(tmpdir(), "roughy-mcp-chromium-"));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 760, height: 900 } });
  });

  it("handshakes, draws every kept span to scale with the right totals, and lists the kept words", async () => {
    await openHost(720, "light");
    expect(bridge.getAppVersion()?.name).toBe("roughy-cut-timeline");
    // What a host does after the model's call: the arguments, then the result.
    await bridge.sendToolInput({ arguments: { asset_id: assetId, cut_id: cutId } });
    await bridge.sendToolResult(cutResult as never);
    await view.locator(".words p").first().waitFor();

    const spans = view.locator(".bar .span");
    expect(await spans.count()).toBe(segments.length);
    const bar = (await view.locator(".bar").boundingBox())!;
    const length = Math.max(sourceSeconds, ...segments.map((s) => s.end));
    for (let i = 0; i < segments.length; i++) {
      const box = (await spans.nth(i).boundingBox())!;
      const s = segments[i]!;
      expect(Math.abs(box.width - ((s.end - s.start) / length) * bar.width), `span ${i} width`).toBeLessThan(1.5);
      expect(Math.abs(box.x - bar.x - (s.start / length) * bar.width), `span ${i} position`).toBeLessThan(1.5);
    }
    const kept = segments.reduce((sum, s) => sum + s.end - s.start, 0);
    const total = async (key: string): Promise<string> => (await view.locator(`[data-total="${key}"] dd`).textContent()) ?? "";
    expect(await total("source")).toBe(clock(length));
    expect(await total("kept")).toBe(clock(kept));
    expect(await total("removed")).toBe(`${Math.round((1 - kept / length) * 100)}%`);
    expect(await total("joins")).toBe(String(segments.length - 1));
    expect(Number((await total("removed")).replace("%", ""))).toBeGreaterThan(5);
    // Dropped gaps show their length (and what they held: checked below), and the script is there.
    expect(await view.locator(".bar .gap").count()).toBeGreaterThan(0);
    expect(await view.locator(".cutmark").first().textContent()).toMatch(/^(pause|removed) \d+\.\d s/);
    expect(await view.locator("details.script").textContent()).toContain("Thanks for having me");
    // The kept words read as the script's opening.
    expect((await view.locator(".words").textContent())!.replace(/\s+/g, " ")).toContain("Thanks for having me");
    expect(appCalls).toContain("cut_timeline");

    // Hovering a span shows its times and words.
    await spans.nth(0).hover();
    const detail = (await view.locator("#detail").textContent())!;
    expect(detail).toContain(`Span 1 of ${segments.length}`);
    expect(detail).toContain(clock(segments[0]!.start));
    expect(detail).toMatch(/“.+”/);

    // It follows the host's style variables, and it asked the host for its height.
    expect(await view.evaluate("getComputedStyle(document.body).backgroundColor")).toBe("rgb(255, 255, 255)");
    expect(heights.length).toBeGreaterThan(0);
    await page.locator("#view").screenshot({ path: path.join(ARTIFACTS, "cut-timeline.png") });
  });

  it("shows what the cut dropped in place, each word with why, as the fixture was built (fillers, the abandoned take, the aside)", async () => {
    type Piece = { kind: string; words?: { word: string; start: number; end: number }[] };
    const pieces = (JSON.parse(await readFile(FIXTURE_TRUTH, "utf8")) as { pieces: Piece[] }).pieces;
    const key = (w: string): string => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
    /** Each gap's row as drawn: its dropped words, each with the reason its run is tagged with, and the row's text. */
    const rowsOf = async (v: Frame): Promise<Map<number, { words: string[]; text: string }>> =>
      new Map(
        (await v.locator(".words .cutmark").evaluateAll((rows) =>
          rows.map((r) => [
            Number(r.getAttribute("data-before")),
            [...r.querySelectorAll(".dropped-run")].flatMap((x) => (x.querySelector("del")?.textContent ?? "").split(/\s+/).filter(Boolean).map((w: string) => `${w}/${(x.querySelector(".why")?.textContent ?? "").replace(/^reason: /, "")}`)),
            r.textContent ?? "",
          ] as const),
        )).map(([k, words, text]) => [k, { words: words.map((w) => `${key(w.split("/")[0]!)}/${w.split("/")[1]}`), text }]),
      );
    /** What the fixture's recipe says each gap must show: the words of the dropped pieces that fall in it, in order. */
    const expected = (segs: Segment[], kinds: string[]): Map<number, string[]> => {
      const out = new Map<number, string[]>();
      for (const p of pieces.filter((x) => kinds.includes(x.kind))) {
        for (const w of p.words ?? []) {
          const k = segs.findIndex((s) => s.start >= w.end - 0.05);
          const at = k < 0 ? segs.length : k;
          out.set(at, [...(out.get(at) ?? []), `${key(w.word)}/${p.kind}`]);
        }
      }
      return out;
    };
    const check = async (v: Frame, segs: Segment[], kinds: string[]): Promise<void> => {
      const drawn = await rowsOf(v);
      const want = expected(segs, kinds);
      expect([...want.keys()].length).toBeGreaterThan(0);
      for (const [k, words] of want) expect(drawn.get(k)?.words, `gap before span ${k + 1}`).toEqual(words);
      // Every other row held no word: a pause.
      for (const [k, row] of drawn) if (!want.has(k)) expect(row.text, `gap before span ${k + 1}`).toMatch(/^pause \d+\.\d s$/);
      const pauses = [...drawn.keys()].filter((k) => !want.has(k)).length;
      const fillers = pieces.filter((p) => p.kind === "filler").reduce((n, p) => n + (p.words?.length ?? 0), 0);
      const counted = [`${fillers} fillers`, "1 restart", ...(kinds.includes("aside") ? ["1 aside"] : []), ...(pauses ? [`${pauses} pause${pauses === 1 ? "" : "s"}`] : [])];
      expect(await v.locator("#removed-summary").textContent()).toBe(`Removed: ${counted.join(", ")}.`);
    };

    // The scripted cut drawn by the first test: fillers, the abandoned take and the off-script aside are all dropped.
    await check(view, segments, ["filler", "restart", "aside"]);
    expect(await view.locator(".cutmark del").first().evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { textDecorationLine: string } }).getComputedStyle(e).textDecorationLine)).toBe("line-through");
    // The tag is read out with the word: "Today our tool takes reason: restart".
    const ax = (await accessibilityTree(page, view)).filter((n) => !n.ignored && n.role === "StaticText").map((n) => n.name.trim());
    expect(ax).toContain("reason:");
    expect(ax).toContain("restart");
    // The bar's gap says why in its tooltip.
    const restartGap = [...expected(segments, ["restart"]).keys()][0]!;
    const titles = await view.locator(".bar .gap").evaluateAll((gs) => gs.map((g) => ({ end: Number(g.getAttribute("data-end")), title: g.getAttribute("title") ?? "" })));
    expect(titles.find((g) => Math.abs(g.end - segments[restartGap]!.start) < 0.002)?.title).toMatch(/restart “Today our tool takes”/);

    // Scriptless, the aside is kept speech and only the fillers and the abandoned take go.
    const free = await conn.call("create_cut", { asset_id: assetId, wait_seconds: 50 });
    expect(free.isError, textOf(free)).toBeFalsy();
    const freeId = (free.structuredContent as { cut: { id: string } }).cut.id;
    const freeSegs = ((await conn.call("cut_timeline", { cut_id: freeId })).structuredContent as { segments: number[][] }).segments.map(([start, end]) => ({ start: start!, end: end! }));
    const log2 = newHostLog();
    const opened = await openView({ context: context!, host: hostServer!, client: conn.client, tools, width: 720, theme: "light", log: log2 });
    try {
      await opened.bridge.sendToolResult(free as never);
      await opened.view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
      await check(opened.view, freeSegs, ["filler", "restart"]);
      expect(await opened.view.locator('.dropped-run[data-reason="aside"]').count()).toBe(0);
      expect((await opened.view.locator(".words p").allTextContents()).join(" ")).toContain("get some water");
      expect(log2.consoleErrors).toEqual([]);
    } finally {
      await opened.page.close();
    }
  });

  it("says plainly when the service gave no reasons, and shows the removed stretches by length only", async () => {
    // A cut stored by a sandbox from before reasons, as the real service's export may be: dropped_count null.
    const stored = await cutWithoutReasons();
    const oldCut = stored.cutId;
    const older = await connect({ sandbox: stored.sandbox, capabilities: { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: [RESOURCE_MIME_TYPE] } } } });
    const own = newHostLog();
    const opened = await openView({ context: context!, host: hostServer!, client: older.client, tools, width: 720, theme: "light", log: own });
    try {
      await opened.bridge.sendToolResult((await older.call("roughy_get", { kind: "cut", id: oldCut })) as never);
      await opened.view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
      const rows = await opened.view.locator(".words .cutmark").allTextContents();
      expect(rows.length).toBeGreaterThan(1);
      for (const row of rows) expect(row).toMatch(/^dropped \d+\.\d s$/);
      expect(await opened.view.locator("#removed-summary").textContent()).toBe(`The service did not say why; the ${rows.length} removed stretch(es) show their length only.`);
      expect(await opened.view.locator(".dropped-run").count()).toBe(0);
      const titles = await opened.view.locator(".bar .gap").evaluateAll((gs) => gs.map((g) => g.getAttribute("title") ?? ""));
      expect(titles.every((t) => t.startsWith("Dropped "))).toBe(true);
      expect(own.consoleErrors).toEqual([]);
    } finally {
      await opened.page.close();
      await older.close();
      await stored.close();
    }
  });

  it("exports through export_cut and shows the answer", async () => {
    await view.locator("#export-format").selectOption("edl");
    await view.locator("#export").click();
    await view.locator("#export-summary").waitFor();
    expect(await view.locator("#export-summary").textContent()).toContain(`edl export of cut ${cutId}`);
    expect(await view.locator("#export-preview").textContent()).toMatch(/^TITLE:/);
    expect(appCalls).toContain("export_cut");
  });

  it("asks for a frame rate before an NLE export of an audio-only source, never of a video", async () => {
    // The contract's frame_rate is for audio-only media; a video's exports count its own frames.
    const exportCalls = (): Record<string, unknown>[] => log.calls.filter((c) => c.name === "export_cut").map((c) => c.arguments);
    await view.locator("#export-format").selectOption("edl");
    expect(await view.locator("label.rate").isHidden()).toBe(true);
    const before = exportCalls().length;
    await view.locator("#export").click();
    await view.locator("#export-summary", { hasText: "edl export" }).waitFor();
    expect(exportCalls().slice(before).map((a) => "frame_rate" in a)).toEqual([false]);
    expect(await view.locator("#export-preview").textContent()).toBe((await service(`/v1/cuts/${cutId}/export?format=edl`)).slice(0, (await view.locator("#export-preview").textContent())!.length));

    // The same fixture's sound alone: the view offers the rate, sends it, and the file is the service's at that rate.
    const audioFile = path.join(ws!.dir, "interview.m4a");
    await copyFile(FIXTURE_M4A, audioFile);
    const audio = await uploadAndCut(conn, sb, audioFile);
    const own = newHostLog();
    const opened = await openView({ context: context!, host: hostServer!, client: conn.client, tools, width: 720, theme: "light", log: own });
    try {
      const v = opened.view;
      await opened.bridge.sendToolResult(audio.cut as never);
      await v.locator(".words p").first().waitFor();
      await v.locator("#export-format").selectOption("edl");
      expect(await v.locator("label.rate").isVisible()).toBe(true);
      await v.locator("#frame-rate").selectOption("29.97");
      await v.locator("#export").click();
      await v.locator("#export-summary", { hasText: "edl export" }).waitFor();
      expect(own.calls.filter((c) => c.name === "export_cut").map((c) => c.arguments.frame_rate)).toEqual([29.97]);
      const edl = await service(`/v1/cuts/${audio.cutId}/export?format=edl&frame_rate=29.97`);
      expect(edl).toContain("FCM: NON-DROP FRAME");
      expect(await v.locator("#export-preview").textContent()).toBe(edl.slice(0, (await v.locator("#export-preview").textContent())!.length));
    } finally {
      await opened.page.close();
    }
  });

  it("renders through create_render, follows it, and says why a sandbox URL gets no player", async () => {
    await view.locator("#render-output").selectOption("m4a");
    const renders = appCalls.filter((n) => n === "create_render").length;
    await view.locator("#render").click();
    // A second click while the render runs starts nothing more.
    await view.locator("#render").click({ force: true }).catch(() => {});
    // A resize and a theme change while it runs: the host redraws the view, which must keep the render.
    bridge.setHostContext({ theme: "dark", containerDimensions: { width: 520, maxHeight: 6000 } });
    await page.evaluate(`document.getElementById("view").width = "520"`);
    await view.locator("#render-status").waitFor();
    await view.locator("#player-note").waitFor({ timeout: 0 });
    expect(appCalls.filter((n) => n === "create_render").length - renders).toBe(1);
    // The selects and the export answer outlived the redraws too.
    expect(await view.locator("#render-output").inputValue()).toBe("m4a");
    expect(await view.locator("#export-format").inputValue()).toBe("edl");
    expect(await view.locator("#live").textContent()).toContain("Render completed");
    expect(await view.locator("#render-status").textContent()).toContain("completed");
    expect(await view.locator("#player-note").textContent()).toContain("not over https");
    expect(await view.locator("#player").count()).toBe(0);
    expect(appCalls).toContain("create_render");
  });

  it("is one tab stop for the bar, with arrow keys, buttons in time order and a status region outside the view", async () => {
    const spans = view.locator(".bar .span");
    const n = await spans.count();
    expect(await view.locator('.bar .span[tabindex="0"]').count()).toBe(1);
    expect(await view.locator(".bar [role=listitem]").count()).toBe(0);
    expect(await view.locator(".bar").getAttribute("role")).toBe("toolbar");
    // Children in time order: every start at or after the one before.
    const starts = await view.locator(".bar > *").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-start"))));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    await spans.first().focus();
    await view.locator(".bar").press("ArrowRight");
    expect(await view.evaluate("document.activeElement.dataset.index")).toBe(n > 1 ? "1" : "0");
    await view.locator(".bar").press("End");
    expect(await view.evaluate("document.activeElement.dataset.index")).toBe(String(n - 1));
    // The focus outline is not the selection: a focused, unselected span has an outline and no pressed state.
    const focusedStyle = await view.evaluate("getComputedStyle(document.activeElement).outlineStyle");
    expect(focusedStyle).toBe("solid");
    expect(await view.evaluate("document.activeElement.getAttribute('aria-pressed')")).toBe("false");
    await view.locator(".bar").press("Enter");
    expect(await view.evaluate("document.activeElement.getAttribute('aria-pressed')")).toBe("true");
    // Only the status region is live; the view itself is not.
    expect(await view.locator("main[aria-live]").count()).toBe(0);
    expect(await view.locator("#live[role=status]").textContent()).toBeTruthy();
    // Hovering another span does not change the page's height.
    const before = await view.evaluate("document.documentElement.scrollHeight");
    await spans.nth(0).hover();
    await spans.nth(n - 1).hover();
    expect(await view.evaluate("document.documentElement.scrollHeight")).toBe(before);
  });

  it("reads right in Chromium's accessibility tree: real buttons in time order, one tab stop, focusable word rows, one status region", async () => {
    const read = async (): Promise<{ tree: AXNode[]; byId: Map<string, AXNode>; shown(n: AXNode): AXNode[]; textBelow(n: AXNode): string }> => {
      const tree = await accessibilityTree(page, view);
      const byId = new Map(tree.map((n) => [n.id, n]));
      // What assistive technology sees below a node: ignored nodes are looked through, not read.
      const shown = (n: AXNode): AXNode[] => n.children.map((id) => byId.get(id)!).filter(Boolean).flatMap((c) => (c.ignored ? shown(c) : [c]));
      const textBelow = (n: AXNode): string => shown(n).map((c) => (c.role === "StaticText" ? c.name : textBelow(c))).join("");
      return { tree, byId, shown, textBelow };
    };
    const { tree, byId, shown, textBelow } = await read();
    await writeFile(path.join(ARTIFACTS, "ax-tree.json"), JSON.stringify(tree.filter((n) => !n.ignored).map((n) => ({ role: n.role, name: n.name, focusable: n.focusable })), null, 1));

    const bars = tree.filter((n) => !n.ignored && n.role === "toolbar");
    expect(bars).toHaveLength(1);
    const items = shown(bars[0]!);
    // Only the kept spans, each a button (not a list item), in time order; the gaps are not read at all.
    expect(items.map((n) => n.role)).toEqual(segments.map(() => "button"));
    expect(items.map((n) => n.name)).toEqual(segments.map((x, i) => `Kept span ${i + 1} of ${segments.length}: ${clock(x.start)} to ${clock(x.end)}`));
    expect(tree.some((n) => !n.ignored && n.role === "listitem" && n.focusable)).toBe(false);
    // Every word row is focusable, under the "Kept words" region, in span order.
    const words = tree.find((n) => !n.ignored && n.role === "region" && n.name === "Kept words")!;
    expect(words).toBeDefined();
    const rows = shown(words).filter((n) => n.role === "paragraph");
    expect(rows).toHaveLength(segments.length);
    expect(rows.every((n) => n.focusable)).toBe(true);
    expect(textBelow(rows[0]!)).toContain(clock(segments[0]!.start));
    // One live region, the status: nothing else in the view is a live root.
    const live = tree.filter((n) => !n.ignored && typeof n.properties.live === "string" && n.properties.live !== "off" && !byId.get(n.parent ?? "")?.properties.live);
    expect(live.map((n) => n.role)).toEqual(["status"]);

    // One tab stop for the bar: Tab from a span leaves the bar, Shift+Tab comes back to the same span.
    await view.locator(".bar .span").nth(0).focus();
    await view.locator(".bar").press("End");
    await page.keyboard.press("Tab");
    expect(await view.evaluate("document.activeElement.classList.contains('span')")).toBe(false);
    await page.keyboard.press("Shift+Tab");
    expect(await view.evaluate("document.activeElement.dataset.index")).toBe(String(segments.length - 1));
    // The word rows are reached by keyboard: Down from the words box, then between rows; Enter selects the span.
    await view.locator(".words").focus();
    await page.keyboard.press("ArrowDown");
    expect(await view.evaluate("document.activeElement.closest('.words p')?.dataset.index")).toBe("0");
    await page.keyboard.press("ArrowDown");
    const second = segments.length > 1 ? "1" : "0";
    expect(await view.evaluate("document.activeElement.dataset.index")).toBe(second);
    await page.keyboard.press("Enter");
    expect(await view.locator(`.bar .span[data-index="${second}"]`).getAttribute("aria-pressed")).toBe("true");
    const focusedRow = (await accessibilityTree(page, view)).find((n) => n.properties.focused === true && n.role !== "RootWebArea");
    expect(focusedRow?.role).toBe("paragraph");

    // The status says only what changed: a selection announces that span; a redraw (resize) announces nothing.
    const status = async (): Promise<string> => {
      const now = await read();
      return now.textBelow(now.tree.find((n) => n.role === "status")!);
    };
    // Chromium updates its tree after the DOM change, not with it: ask again until it has.
    await expect.poll(status).toBe(`Span ${Number(second) + 1} of ${segments.length} selected.`);
    bridge.setHostContext({ containerDimensions: { width: 640, maxHeight: 6000 } });
    await page.evaluate(`document.getElementById("view").width = "640"`);
    await expect.poll(() => view.evaluate("document.querySelector('.bar').clientWidth")).toBeGreaterThan(560);
    expect(await status()).toBe(`Span ${Number(second) + 1} of ${segments.length} selected.`);
  });

  it("offers each span's timecode to copy, and goes to a typed record or source time", async () => {
    // Frames counted here, apart from the view: whole frames at the rate, HH:MM:SS:FF.
    const tcInfo = (cutResult.structuredContent as { segments: { source_timecode: { seconds: number; rate: number } | null } }).segments.source_timecode;
    // The media's rate: from its timecode, else the rate the exports count in (29.97 for the fixture).
    const rate = tcInfo?.rate ?? ((await conn.call("cut_timeline", { cut_id: cutId })).structuredContent as { frame_rate: number }).frame_rate;
    const origin = tcInfo?.seconds ?? 0;
    const fps = Math.round(rate);
    const frames = (t: number): number => Math.round(t * rate);
    // The record timeline in whole frames from 01:00:00:00 (108,000 frames at 29.97, not 3,600 s).
    const recFrames = (i: number): number => segments.slice(0, i).reduce((n, x) => n + frames(x.end) - frames(x.start), 3600 * fps);
    const tc = (t: number): string => tcOf(frames(t));
    const tcOf = (f: number): string => {
      const s = Math.floor(f / fps);
      return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60, f % fps].map((n) => String(n).padStart(2, "0")).join(":");
    };
    const k = segments.length > 1 ? 1 : 0;
    const s = segments[k]!;
    await view.locator(`.bar .span[data-index="${k}"]`).click();
    expect(await view.locator("#tc-source").textContent()).toBe(`${tc(origin + s.start)}–${tc(origin + s.end)}`);
    const record = `${tcOf(recFrames(k))}–${tcOf(recFrames(k + 1))}`;
    expect(await view.locator("#tc-record").textContent()).toBe(record);
    // The test host grants the sandboxed view no clipboard: the view selects the timecode and says so.
    await view.locator("#copy-record").click();
    expect(await view.evaluate("getSelection().toString()")).toBe(record);
    expect(await view.locator("#live").textContent()).toContain(record);
    expect(await view.locator("#copy-record").evaluate((b) => b.tagName)).toBe("BUTTON");

    // A host that delegates clipboard-write to the frame: the timecode lands on the clipboard, read back by the host page.
    const hostOrigin = new URL(hostServer!.hostUrl(720)).origin;
    await context!.grantPermissions(["clipboard-read", "clipboard-write"], { origin: hostOrigin });
    const opened = await openView({ context: context!, host: hostServer!, client: conn.client, tools, width: 720, theme: "light", log, frameAllow: "clipboard-write" });
    try {
      await opened.bridge.sendToolResult(cutResult as never);
      await opened.view.locator(`.bar .span[data-index="${k}"]`).click();
      await opened.view.locator("#copy-source").click();
      await opened.view.locator("#live", { hasText: "Copied source timecode" }).waitFor();
      await opened.page.bringToFront();
      expect(await opened.page.evaluate("navigator.clipboard.readText()")).toBe(`${tc(origin + s.start)}–${tc(origin + s.end)}`);
    } finally {
      await opened.page.close();
      await context!.clearPermissions();
    }

    // Go to a record timecode in the middle of the last span: that span is selected, focused and its row in view.
    const last = segments.length - 1;
    await view.locator("#goto-clock").selectOption("record");
    await view.locator("#goto-time").fill(tcOf(Math.round((recFrames(last) + recFrames(last + 1)) / 2)));
    await view.locator("#goto-time").press("Enter");
    expect(await view.locator(`.bar .span[data-index="${last}"]`).getAttribute("aria-pressed")).toBe("true");
    expect(await view.evaluate("document.activeElement.dataset.index")).toBe(String(last));
    expect(await view.locator('.bar .span[tabindex="0"]').count()).toBe(1);
    expect(await view.locator("#goto-note").textContent()).toContain(`span ${last + 1}`);
    expect(await view.locator(`.words p[data-index="${last}"]`).isVisible()).toBe(true);
    // A source time in seconds inside a dropped stretch goes to the next kept span, and says it was dropped.
    const gapAt = segments[0]!.start > 0.2 ? segments[0]!.start / 2 : (segments[0]!.end + (segments[1]?.start ?? segments[0]!.end)) / 2;
    const next = segments.findIndex((x) => gapAt < x.end);
    await view.locator("#goto-clock").selectOption("source");
    await view.locator("#goto-time").fill(gapAt.toFixed(2));
    await view.locator("#goto").click();
    expect(await view.locator("#goto-note").textContent()).toContain(`dropped stretch; the next kept span is ${next + 1}`);
    expect(await view.locator(`.bar .span[data-index="${next}"]`).getAttribute("aria-pressed")).toBe("true");
    // A source timecode at the media's origin, inside span k.
    await view.locator("#goto-time").fill(tc(origin + (s.start + s.end) / 2));
    await view.locator("#goto").click();
    expect(await view.locator(`.bar .span[data-index="${k}"]`).getAttribute("aria-pressed")).toBe("true");
    // Past the end, and not a time at all: said, nothing selected anew.
    await view.locator("#goto-clock").selectOption("record");
    await view.locator("#goto-time").fill(tcOf(recFrames(segments.length) + 5 * fps));
    await view.locator("#goto").click();
    expect(await view.locator("#goto-note").textContent()).toContain("outside the cut");
    await view.locator("#goto-time").fill("soon");
    await view.locator("#goto").click();
    expect(await view.locator("#goto-note").textContent()).toContain("is not a time");
    expect(await view.locator(`.bar .span[data-index="${k}"]`).getAttribute("aria-pressed")).toBe("true");
  });

  it("listens: loads the cut's audio as a data: URI under the CSP, seeks to a clicked word, plays a span and stops at its end", async () => {
    expect(tools.map((t) => t.name)).toContain("cut_audio");
    const own = newHostLog();
    let release!: () => void;
    let holding = true;
    const held = new Promise<void>((resolve) => (release = resolve));
    const opened = await openView({ context: context!, host: hostServer!, client: conn.client, tools, width: 720, theme: "light", log: own, hold: (call) => (call.name === "cut_audio" && holding ? held : Promise.resolve()) });
    const v = opened.view;
    try {
      // Every CSP violation in the view is recorded from the start.
      await v.evaluate("window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI))");
      await opened.bridge.sendToolResult(cutResult as never);
      await v.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
      // A first try, cancelled while the server still works on it: said in place, and Listen can be pressed again.
      await v.locator("#listen").click();
      await until(() => own.calls.some((c) => c.name === "cut_audio"));
      expect(await v.locator("#listen-status").textContent()).toContain("Preparing the audio");
      await v.locator("#listen-cancel").click();
      await v.locator("#listen-status", { hasText: "cancelled" }).waitFor();
      expect(await v.locator("#listen").isEnabled()).toBe(true);
      holding = false;
      release();
      await v.locator("#listen").click();
      await v.locator("#listen-audio").waitFor({ state: "attached" });
      // The view's CSP has no unsafe-eval, so the page is read with evaluate (DevTools), not waitForFunction.
      const audio = (what: string): Promise<unknown> => v.evaluate(`document.getElementById('listen-audio').${what}`);
      await until(async () => Number(await audio("readyState")) >= 1 && Number.isFinite(Number(await audio("duration"))));

      // Its length is the cut's record length (the OTIO's clips), within a frame; so is ffprobe's reading of the joined bytes.
      const clips = await otioDurations(cutId);
      const recordLength = clips.reduce((n, d) => n + d, 0);
      const frame = 1 / 25;
      expect(Math.abs(Number(await audio("duration")) - recordLength)).toBeLessThan(frame);
      const src = String(await audio("src"));
      expect(src.startsWith("data:audio/mp4;base64,")).toBe(true);
      const file = path.join(profile, "listened.m4a");
      await writeFile(file, Buffer.from(src.slice("data:audio/mp4;base64,".length), "base64"));
      const probed = JSON.parse(execFileSync(ffprobeBinary(), ["-v", "error", "-show_format", "-of", "json", file], { encoding: "utf8" })) as { format: { duration: string } };
      expect(Math.abs(Number(probed.format.duration) - recordLength)).toBeLessThan(frame);

      // A click on a word seeks to its record time: the VTT's inline timestamp before that word.
      const stamped = stampedWords(await vttCues(cutId));
      const shownWords = await v.locator(".words .w").allTextContents();
      const key = (w: string): string => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
      expect(shownWords.map(key)).toEqual(stamped.map((x) => key(x.word)));
      const firstOfSpan = clips.length > 2 ? clips[0]! + clips[1]! : 0;
      const pick = stamped.findIndex((x) => x.at !== null && x.at > firstOfSpan + 0.3);
      expect(pick).toBeGreaterThan(0);
      await v.locator(".words .w").nth(pick).click();
      expect(Math.abs(Number(await audio("currentTime")) - stamped[pick]!.at!)).toBeLessThan(0.05);
      expect(await v.locator(".words .w").nth(pick).getAttribute("aria-current")).toBe("true");
      expect(await v.locator(".words .w[aria-current]").count()).toBe(1);

      // Play span: from the span's record start to its record end (the OTIO's clips before it and its own), then it stops.
      const k = clips.length > 1 ? 1 : 0;
      await v.locator(`.bar .span[data-index="${k}"]`).click();
      await v.locator("#play-span").click();
      await until(async () => (await audio("paused")) === false);
      await until(async () => (await audio("paused")) === true);
      const end = clips.slice(0, k + 1).reduce((n, d) => n + d, 0);
      expect(Math.abs(Number(await audio("currentTime")) - end)).toBeLessThan(0.05);
      // The word heard last is the last of that span.
      const spanWords = await v.locator(`.words p[data-index="${k}"] .w`).count();
      expect(await v.locator(`.words p[data-index="${k}"] .w`).nth(spanWords - 1).getAttribute("aria-current")).toBe("true");

      await opened.page.locator("#view").screenshot({ path: path.join(ARTIFACTS, "cut-timeline-listen.png") });
      // A resize redraws the view; the audio stays, loaded once.
      const audioCalls = own.calls.filter((c) => c.name === "cut_audio").length;
      opened.bridge.setHostContext({ containerDimensions: { width: 560, maxHeight: 6000 } });
      await opened.page.evaluate(`document.getElementById("view").width = "560"`);
      await expect.poll(() => v.evaluate("window.innerWidth")).toBe(560);
      expect(await v.locator("#listen-audio").count()).toBe(1);
      expect(String(await audio("src")).length).toBe(src.length);
      expect(own.calls.filter((c) => c.name === "cut_audio").length).toBe(audioCalls);

      // The CSP was in force (a blob: URL, which it does not allow for media, is refused) and the data: URI passed it.
      await v.evaluate("new Audio(URL.createObjectURL(new Blob([new Uint8Array(8)], { type: 'audio/mp4' }))).play().catch(() => {})");
      await expect.poll(() => v.evaluate("window.__csp.length")).toBe(1);
      expect(await v.evaluate("window.__csp[0]")).toMatch(/^media-src blob/);
      expect(own.consoleErrors.filter((e) => !/blob:|Content Security Policy/.test(e))).toEqual([]);
    } finally {
      release();
      await opened.page.close();
    }
  });

  it("says in place when the audio cannot be had (a server without cut_audio), and Listen can be tried again", async () => {
    const own = newHostLog();
    // The host refuses a tool its server does not list, as it would for an older roughy-mcp.
    const older = tools.filter((t) => t.name !== "cut_audio");
    const opened = await openView({ context: context!, host: hostServer!, client: conn.client, tools: older, width: 720, theme: "light", log: own });
    try {
      await opened.bridge.sendToolResult(cutResult as never);
      await opened.view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
      await opened.view.locator("#listen").click();
      await opened.view.locator("#listen-status.error").waitFor();
      expect(await opened.view.locator("#listen-status").textContent()).toMatch(/^The audio could not be loaded: .*cut_audio/);
      expect(await opened.view.locator("#live").textContent()).toBe(await opened.view.locator("#listen-status").textContent());
      expect(await opened.view.locator("#listen").isEnabled()).toBe(true);
      expect(await opened.view.locator("#listen-audio").count()).toBe(0);
    } finally {
      await opened.page.close();
    }
  });

  it("draws a re-cut for the same asset against the cut it replaces, words added and removed marked", async () => {
    await page.close();
    const messages: string[] = [];
    ({ page, view, bridge } = await openView({ context: context!, host: hostServer!, client: conn.client, tools, width: 720, theme: "light", log, hostCapabilities: { message: { text: {} }, updateModelContext: { text: {} } } }));
    bridge.onmessage = async (params) => {
      messages.push((params.content as { text?: string }[]).map((c) => c.text ?? "").join("\n"));
      return {};
    };
    bridge.onupdatemodelcontext = async () => ({});
    const key = (w: string): string => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
    const keptWords = async (id: string): Promise<[number, number, string, number][]> => ((await conn.call("cut_timeline", { cut_id: id })).structuredContent as { words: [number, number, string, number][] }).words;
    // One column of the comparison as drawn, in reading order: unchanged words (folded ones too), removed (old
    // column) or added (new column); the screen-reader marks ("removed: ") are not words of the cut.
    type NodeLike = { nodeType: number; tagName?: string; textContent: string | null; childNodes: ArrayLike<NodeLike>; classList?: DOMTokenListLike; dataset?: Record<string, string> };
    const drawnColumn = async (side: "old" | "new"): Promise<{ op: string; word: string }[]> =>
      (await view.locator(`#diff-${side} .diff-row`).evaluateAll((ps) => {
        const walk = (n: NodeLike, op: string): { op: string; word: string }[] => {
          if (n.classList?.contains("sr-mark")) return [];
          if (n.classList?.contains("same-fold")) return (n.dataset!.words ?? "").split(/\s+/).filter(Boolean).map((word) => ({ op, word }));
          if (n.nodeType === 3) return (n.textContent ?? "").split(/\s+/).filter(Boolean).map((word) => ({ op, word }));
          const inner = n.tagName === "INS" ? "add" : n.tagName === "DEL" ? "del" : op;
          return Array.from(n.childNodes).flatMap((c) => walk(c, inner));
        };
        return (ps as unknown as NodeLike[]).flatMap((p) => walk(p, "same"));
      })).map((x) => ({ op: x.op, word: key(x.word) })).filter((x) => x.word);
    // A cut's words as its own VTT has them, read by webvtt-parser: the truth each column is held to.
    const vttWords = async (id: string): Promise<string[]> => (await vttCues(id)).flatMap((c) => cueText(c.tree.children).split(/\s+/).map(key).filter(Boolean));
    /** The agent's side: ask, then cut the same asset with a script, and hand the result to the view. */
    const results: CallToolResult[] = [];
    const recut = async (scriptFor: (message: string) => string): Promise<string> => {
      const before = messages.length;
      await view.locator("#recut").click();
      await expect.poll(() => messages.length).toBe(before + 1);
      const message = messages.at(-1)!;
      expect(message).toContain(`asset_id=${assetId}`);
      const script = scriptFor(message);
      const result = await conn.call("create_cut", { asset_id: assetId, script, wait_seconds: 50 });
      expect(result.isError, textOf(result)).toBeFalsy();
      await bridge.sendToolResult(result as never);
      results.push(result);
      return (result.structuredContent as { cut: { id: string } }).cut.id;
    };
    const check = async (oldId: string, newId: string): Promise<{ added: string[]; removed: string[] }> => {
      await view.locator("#diff").waitFor();
      await view.locator(`#diff-summary`, { hasText: newId }).waitFor();
      expect(await view.locator("#diff-old h3").textContent()).toBe(`Previous cut ${oldId}`);
      expect(await view.locator("#diff-new h3").textContent()).toBe(`This cut ${newId}`);
      const [before, after] = [await drawnColumn("old"), await drawnColumn("new")];
      // Each column reads as its own cut's subtitle, word for word.
      expect(before.map((x) => x.word)).toEqual(await vttWords(oldId));
      expect(after.map((x) => x.word)).toEqual(await vttWords(newId));
      // Removed words only in the old column, added only in the new; what is left of each is the same words.
      expect(before.some((x) => x.op === "add") || after.some((x) => x.op === "del")).toBe(false);
      expect(before.filter((x) => x.op === "same").map((x) => x.word)).toEqual(after.filter((x) => x.op === "same").map((x) => x.word));
      const added = after.filter((x) => x.op === "add").map((x) => x.word);
      const removed = before.filter((x) => x.op === "del").map((x) => x.word);
      expect(await view.locator("#diff-summary").textContent()).toContain(`${added.length} word(s) added, ${removed.length} removed`);
      // Each column's figures are its own cut's: kept time and joins from that cut's segments.
      for (const [side, id] of [["old", oldId], ["new", newId]] as const) {
        const segs = ((await conn.call("cut_timeline", { cut_id: id })).structuredContent as { segments: number[][] }).segments;
        expect(await view.locator(`#diff-${side} [data-total="kept"] dd`).textContent()).toBe(clock(segs.reduce((n, x) => n + x[1]! - x[0]!, 0)));
        expect(await view.locator(`#diff-${side} [data-total="joins"] dd`).textContent()).toBe(String(segs.length - 1));
        expect(await view.locator(`#diff-${side} .minibar span`).count()).toBe(segs.length);
      }
      return { added, removed };
    };
    // Cut A, span 2 left out: the agent cuts with the script the view asked for, and span 2's words show removed.
    await bridge.sendToolResult(cutResult as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    expect(await view.locator("#diff").count()).toBe(0);
    const spanTwo = (await keptWords(cutId)).filter((w) => w[3] === 1).map((w) => key(w[2]));
    expect(spanTwo.length).toBeGreaterThan(0);
    await view.locator('[data-review="span-1"]').click();
    const cutB = await recut((m) => m.slice(m.indexOf("this script:") + "this script:".length).trim());
    const ab = await check(cutId, cutB);
    expect(ab.removed.length).toBeGreaterThan(0);
    // What went is span 2's words (those the new cut does not also say elsewhere).
    const inB = new Set((await keptWords(cutB)).map((w) => key(w[2])));
    for (const w of spanTwo.filter((x) => x && !inB.has(x))) expect(ab.removed, w).toContain(w);
    expect(await view.locator("#diff del").first().evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { textDecorationLine: string } }).getComputedStyle(e).textDecorationLine)).toBe("line-through");

    // From B the user asks again; the agent re-cuts with the original script instead: span 2's words come back, marked added.
    await view.locator('[data-review="span-0"]').click();
    const original = await readFile(FIXTURE_SCRIPT, "utf8");
    const cutC = await recut(() => original);
    const bc = await check(cutB, cutC);
    expect(bc.added.length).toBeGreaterThan(0);
    for (const w of spanTwo.filter((x) => x && !inB.has(x))) expect(bc.added, w).toContain(w);
    // Read by assistive technology as two headed columns, old then new, the changes named, and nothing live.
    const ax = (await accessibilityTree(page, view)).filter((n) => !n.ignored);
    const headings = ax.filter((n) => n.role === "heading").map((n) => n.name);
    expect(headings.indexOf(`Previous cut ${cutB}`)).toBeGreaterThan(-1);
    expect(headings.indexOf(`This cut ${cutC}`)).toBeGreaterThan(headings.indexOf(`Previous cut ${cutB}`));
    expect(ax.some((n) => n.role === "StaticText" && n.name.trim() === "added:")).toBe(true);
    expect(ax.filter((n) => typeof n.properties.live === "string" && n.properties.live !== "off").every((n) => n.role === "status" || ax.find((p) => p.id === n.parent)?.role === "status")).toBe(true);
    // Side by side from 720 px, each row level with the same row of the other column; stacked (old above new) at 360.
    type Box = { left: number; right: number; top: number; bottom: number };
    const layout = (): Promise<{ old: Box; new: Box; oldRows: Box[]; newRows: Box[]; fits: boolean }> =>
      view.evaluate(`(() => {
        const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
        const rows = (id) => [...document.getElementById(id).children].map(box);
        return { old: box(document.getElementById("diff-old")), new: box(document.getElementById("diff-new")), oldRows: rows("diff-old"), newRows: rows("diff-new"), fits: document.documentElement.scrollWidth <= window.innerWidth };
      })()`);
    for (const width of [720, 1200, 360]) {
      bridge.setHostContext({ containerDimensions: { width, maxHeight: 6000 } });
      await page.evaluate(`document.getElementById("view").width = "${width}"`);
      await expect.poll(() => view.evaluate("window.innerWidth")).toBe(width);
      await view.locator("#diff-new").waitFor();
      const at = await layout();
      expect(at.fits, `${width} px: nothing wider than the frame`).toBe(true);
      expect(at.oldRows.length).toBe(at.newRows.length);
      if (width >= 720) {
        expect(at.old.right, `${width} px: old column left of the new`).toBeLessThanOrEqual(at.new.left);
        at.oldRows.forEach((r, k) => expect(Math.abs(r.top - at.newRows[k]!.top), `${width} px: row ${k} level`).toBeLessThan(1));
      } else {
        expect(at.old.bottom, `${width} px: old column above the new`).toBeLessThanOrEqual(at.new.top + 0.5);
        expect(Math.abs(at.old.left - at.new.left)).toBeLessThan(1);
      }
      await page.locator("#view").screenshot({ path: path.join(ARTIFACTS, `cut-timeline-diff-${width}.png`) });
    }
    bridge.setHostContext({ containerDimensions: { width: 720, maxHeight: 6000 } });
    await page.evaluate(`document.getElementById("view").width = "720"`);
    await page.locator("#view").screenshot({ path: path.join(ARTIFACTS, "cut-timeline-diff.png") });
    // A result of the same asset nobody asked a re-cut for (B again, after C) is drawn on its own.
    expect(cutC).not.toBe(cutB);
    await bridge.sendToolResult(results[0] as never);
    await expect.poll(() => view.locator("code.id").textContent()).toBe(cutB);
    await view.locator(".words p").first().waitFor();
    expect(await view.locator("#diff").count()).toBe(0);
  });

  it("follows a dark theme, fits a narrow frame, and logs no console errors", async () => {
    await page.close();
    await openHost(340, "dark");
    await bridge.sendToolResult(cutResult as never);
    await view.locator(".words p").first().waitFor();
    expect(await view.evaluate("document.documentElement.dataset.theme")).toBe("dark");
    expect(await view.evaluate("getComputedStyle(document.body).backgroundColor")).toBe("rgb(20, 22, 30)");
    // Nothing wider than the frame.
    expect(await view.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    expect(await view.locator(".bar .span").count()).toBe(segments.length);
    await page.locator("#view").screenshot({ path: path.join(ARTIFACTS, "cut-timeline-narrow-dark.png") });
    expect(consoleErrors).toEqual([]);
  });

  it("draws a get result without tool access, says what is missing, and shows no cut for other kinds", async () => {
    await page.close();
    const calls = appCalls.length;
    await openHost(720, "light", false);
    const got = await conn.call("roughy_get", { kind: "cut", id: cutId });
    await bridge.sendToolResult(got as never);
    await view.locator(".bar .span").first().waitFor();
    expect(await view.locator(".bar .span").count()).toBe(segments.length);
    expect(await view.locator(".words").textContent()).toContain("does not let views call tools");
    expect(await view.locator("#export").isDisabled()).toBe(true);
    // Listen says in place why it cannot play here.
    expect(await view.locator("#listen").isDisabled()).toBe(true);
    expect(await view.locator("#listen-status").textContent()).toContain("does not let views call tools");
    expect(appCalls.length).toBe(calls);
    // A result listing only a first page of segments: totals from the summary's count and kept_seconds.
    const first = structuredClone(got.structuredContent) as { segments: { segments: Segment[]; truncated: boolean; count: number; kept_seconds: number } };
    const kept = segments.reduce((sum, x) => sum + x.end - x.start, 0);
    first.segments.segments = first.segments.segments.slice(0, 1);
    first.segments.truncated = true;
    await bridge.sendToolResult({ ...got, structuredContent: first } as never);
    await view.locator("#partial").waitFor();
    expect(await view.locator('[data-total="kept"] dd').textContent()).toBe(clock(kept));
    expect(await view.locator('[data-total="joins"] dd').textContent()).toBe(String(segments.length - 1));
    expect(await view.locator("#partial").textContent()).toContain(`first 1 of ${segments.length}`);
    // A cut that keeps nothing: no bar, no Render to press.
    first.segments = { ...first.segments, segments: [], count: 0, kept_seconds: 0, truncated: false };
    await bridge.sendToolResult({ ...got, structuredContent: first } as never);
    await view.locator("#empty").waitFor();
    expect(await view.locator(".bar").count()).toBe(0);
    expect(await view.locator("#render").isDisabled()).toBe(true);
    const project = await conn.call("roughy_get", { kind: "asset", id: assetId });
    await bridge.sendToolResult(project as never);
    expect(await view.locator("#status").textContent()).toBe("This view draws cuts; this result is an asset.");
    expect(consoleErrors).toEqual([]);
  });
});

// The model-facing answer did not change for hosts without UI support.
describe("cut tools without a UI host", () => {
  it("create_cut still answers with text and the same structured fields", () => {
    expect(textOf(cutResult)).toMatch(/keeps \d+ segment/);
    expect(Object.keys(cutResult.structuredContent ?? {}).sort()).toEqual(["created", "cut", "next_step", "segments", "timed_out"]);
    expect(CallToolResultSchema.safeParse(cutResult).success).toBe(true);
  });
});

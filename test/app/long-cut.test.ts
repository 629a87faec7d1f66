// The cut timeline view at scale, in the test host (headless Chromium, CSP, second origin, AppBridge to the
// real server): a real 447-segment cut of a 26-minute source made in the sandbox from a 20,000-character
// script. Truth comes from outside the view: the segments from the OTIO export and the words from the VTT,
// both read over the REST API and parsed here, and the words the plan put into the recording.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import type { CallToolResult, Tool } from "@modelcontextprotocol/client";
import { textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { uploadAndCut } from "../helpers/workspace.js";
import { newHostLog, openView, until, type HostLog, type TestHostServer } from "./host.js";
import { makeLongCut, otioSegments, planLongCut, readApi, shownRows, vttWords, type LongCutPlan } from "./long-cut.js";
import { HAVE_CHROMIUM, startViewRig, type ViewRig } from "./view-rig.js";
import { clock } from "../../ui/src/model.js";

type Made = { assetId: string; cutId: string; cut: CallToolResult };

let rig: ViewRig;
let sb: TestSandbox;
let conn: Connected;
let context: BrowserContext | null = null;
let hostServer: TestHostServer | null = null;
let tools: Tool[] = [];
let plan: LongCutPlan;
let long: Made;
let short: Made;
/** The long source cut to five of its sentences with an invented one third (made by the coverage test). */
let gapped: { result: CallToolResult; said: string[]; invented: string } | null = null;

/** A REST read of the sandbox, as any API user makes it: the export files are the truth the view is held to. */
const api = (pathname: string): Promise<string> => readApi(sb, pathname);

beforeAll(async () => {
  rig = await startViewRig("roughy-mcp-long-");
  ({ sb, conn, tools, context, hostServer } = rig);
  plan = planLongCut(447);
  long = await makeLongCut(conn, sb, rig.ws.dir, plan);
  short = await uploadAndCut(conn, sb, rig.ws.media);
});

afterAll(() => rig?.close());

describe("the long cut itself", () => {
  it("is 447 segments from a script over 18,000 characters, and create_cut lists only a first page of them", async () => {
    const otio = otioSegments(await api(`/v1/cuts/${long.cutId}/export?format=otio`));
    expect(otio.segments).toHaveLength(447);
    expect(plan.script.length).toBeGreaterThan(18_000);
    const listed = (long.cut.structuredContent as { segments: { segments: unknown[]; truncated: boolean; count: number } }).segments;
    expect(listed.count).toBe(447);
    expect(listed.truncated).toBe(true);
    expect(listed.segments.length).toBeLessThan(447);
  });
});

describe("script coverage in create_cut and roughy_get", () => {
  type Coverage = { sentences: number; carried: number; partial: { n: number; text: string }[]; missing: { n: number; text: string }[]; warning: string | null };
  const coverageOf = (r: CallToolResult): Coverage => (r.structuredContent as { segments: { coverage: Coverage } }).segments.coverage;

  it("carries every sentence of a script that was said in full", async () => {
    expect(coverageOf(long.cut)).toMatchObject({ sentences: 447, carried: 447, partial: [], missing: [], warning: null });
    const got = await conn.call("roughy_get", { kind: "cut", id: short.cutId });
    const c = coverageOf(got);
    expect(c.missing).toEqual([]);
    expect(c.carried).toBe(c.sentences);
  });

  it("names the sentence nobody said and warns when the cut removed nearly everything", async () => {
    // The first five sentences, with one never said put third: the cut keeps five sentences of 447.
    const said = plan.sentenceStarts.slice(0, 5).map((from, i) => plan.script.split(" ").slice(from, plan.sentenceStarts[i + 1]).join(" "));
    const invented = "Nobody in this recording ever talks about penguins.";
    const script = [said[0], said[1], invented, said[2], said[3], said[4]].join(" ");
    const made = await conn.call("create_cut", { asset_id: long.assetId, script, wait_seconds: 50 });
    expect(made.isError).toBeFalsy();
    const cutId = (made.structuredContent as { cut: { id: string } }).cut.id;
    const got = await conn.call("roughy_wait", { kind: "cut", id: cutId, wait_seconds: 50 });
    expect((got.structuredContent as { state: string }).state).toBe("completed");
    const read = await conn.call("roughy_get", { kind: "cut", id: cutId });
    const c = coverageOf(read);
    expect(c).toMatchObject({ sentences: 6, carried: 5, partial: [], missing: [{ n: 3, text: invented }] });
    expect(c.warning).toMatch(/removed 9\d% of the source/);
    expect(textOf(read)).toContain("Script: 5 of 6 sentence(s) carried; missing 3.");
    gapped = { result: read, said, invented };
    // Scriptless cuts have no coverage.
    const free = await conn.call("create_cut", { asset_id: short.assetId, wait_seconds: 50 });
    expect((free.structuredContent as { segments: { coverage: unknown } | null }).segments?.coverage ?? null).toBeNull();
  });
});

describe.skipIf(!HAVE_CHROMIUM)("the view with a 447-segment cut (headless Chromium)", () => {
  const rows = shownRows;
  const words = async (view: import("playwright-core").Frame): Promise<string[]> => (await rows(view)).flat();

  it("draws every span to scale with the whole cut's totals, and every word of the VTT in its span", async () => {
    const log = newHostLog();
    const { page, view, bridge } = await openView({ context: context!, host: hostServer!, client: conn.client, tools, width: 1200, theme: "light", log });
    await bridge.sendToolResult(long.cut as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });

    const otio = otioSegments(await api(`/v1/cuts/${long.cutId}/export?format=otio`));
    const kept = otio.segments.reduce((n, s) => n + s.end - s.start, 0);
    const total = async (key: string): Promise<string> => (await view.locator(`[data-total="${key}"] dd`).textContent()) ?? "";
    expect(await total("source")).toBe(clock(otio.source));
    expect(await total("kept")).toBe(clock(kept));
    expect(await total("removed")).toBe(`${Math.round((1 - kept / otio.source) * 100)}%`);
    expect(await total("joins")).toBe("446");
    expect(await view.locator("#partial").count()).toBe(0);

    // Every span where the OTIO puts it, measured in the page in one pass.
    const boxes = await view.locator(".bar .span").evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, width: r.width })));
    const bar = await view.locator(".bar").evaluate((e) => ({ x: e.getBoundingClientRect().x, width: e.getBoundingClientRect().width }));
    expect(boxes).toHaveLength(447);
    let worst = 0;
    otio.segments.forEach((s, i) => {
      worst = Math.max(worst, Math.abs(boxes[i]!.x - bar.x - (s.start / otio.source) * bar.width), Math.abs(boxes[i]!.width - ((s.end - s.start) / otio.source) * bar.width));
    });
    expect(worst).toBeLessThan(0.5);

    // Every kept word, in order: the VTT's, and the script as written (each sentence was said once, as written).
    const vtt = vttWords(await api(`/v1/cuts/${long.cutId}/subtitle/export?format=vtt`));
    const shown = await words(view);
    expect(shown).toEqual(vtt);
    expect(shown).toEqual(plan.keptWords);
    expect(await view.locator(".words p", { hasText: "(no words)" }).count()).toBe(0);
    // Each sentence is its own span: its first word opens a row.
    expect((await rows(view)).map((r) => r[0])).toEqual(plan.sentenceStarts.map((i) => plan.keptWords[i]));

    // A span's source and record timecode in frames (25 fps: this generated audio carries no rate of its own;
    // the record timeline starts at 01:00:00:00), from the OTIO's seconds.
    const tc = (sec: number): string => {
      const f = Math.round(sec * 25);
      return [Math.floor(f / 90000), Math.floor(f / 1500) % 60, Math.floor(f / 25) % 60, f % 25].map((n) => String(n).padStart(2, "0")).join(":");
    };
    const at = 300;
    const seg = otio.segments[at]!;
    const rec = 3600 + otio.segments.slice(0, at).reduce((n, x) => n + x.end - x.start, 0);
    await view.locator(`.words p[data-index="${at}"] .time`).click();
    expect(await view.locator("#tc-source").textContent()).toBe(`${tc(seg.start)}–${tc(seg.end)}`);
    expect(await view.locator("#tc-record").textContent()).toBe(`${tc(rec)}–${tc(rec + seg.end - seg.start)}`);
    expect(await view.locator("#timecode").textContent()).toMatch(/ @ 25 fps$/);
    // Go to that span's record timecode from the box: it is selected and its row in view.
    await view.locator('.words p[data-index="0"] .time').click();
    await view.locator(".words").evaluate((e) => void ((e as unknown as { scrollTop: number }).scrollTop = 0));
    await view.locator("#goto-time").fill(tc(rec + 0.04));
    await view.locator("#goto-time").press("Enter");
    expect(await view.locator(`.bar .span[data-index="${at}"]`).getAttribute("aria-pressed")).toBe("true");
    const box = (await view.locator(".words").boundingBox())!;
    const row = (await view.locator(`.words p[data-index="${at}"]`).boundingBox())!;
    expect(row.y >= box.y - 0.5 && row.y + row.height <= box.y + box.height + 0.5, "row scrolled into the words box").toBe(true);

    // The whole script, though it came in pieces.
    expect((await view.locator("details.script p").textContent())?.length).toBe(plan.script.length);
    // Bounded: a few pages, each moving on (the old paging charged the script against every page: one word each).
    const pages = log.calls.filter((c) => c.name === "cut_timeline" && c.arguments.cut_id === long.cutId);
    // (15 with the 446 dropped words and their reasons now paged too; the old way took one page per word.)
    expect(pages.length).toBeLessThan(20);
    // Still one tab stop for all 447 spans.
    expect(await view.locator('.bar [tabindex="0"]').count()).toBe(1);
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });

  it("shows the second of two results sent in quick succession, never the first one's words", async () => {
    // A (the short cut) is sent, then B (the 447-segment cut) at once; A's answers are held back until B is
    // drawn, so they arrive last, as they do when A's backend is the slower one.
    let releaseA!: () => void;
    const aHeld = new Promise<void>((resolve) => (releaseA = resolve));
    const log: HostLog = newHostLog();
    const { page, view, bridge } = await openView({
      context: context!, host: hostServer!, client: conn.client, tools, width: 720, theme: "light", log,
      hold: (call) => (call.arguments.cut_id === short.cutId ? aHeld : Promise.resolve()),
    });
    const aWords = vttWords(await api(`/v1/cuts/${short.cutId}/subtitle/export?format=vtt`));
    const inB = new Set(plan.keptWords.map((w) => w.toLowerCase()));
    // Words only A has, as whole words.
    const aOnly = [...new Set(aWords.map((w) => w.toLowerCase().replace(/[^a-z']/g, "")))].filter((w) => w.length >= 5 && !inB.has(w));
    expect(aOnly.length).toBeGreaterThan(10);
    // From the moment the view shows B's id, no mutation may bring one of A's words into its words, script or detail.
    await view.evaluate(`(() => {
      const re = new RegExp("\\\\b(" + ${JSON.stringify(aOnly.join("|"))} + ")\\\\b", "i");
      window.__leaks = [];
      new MutationObserver(() => {
        if (document.querySelector("code.id")?.textContent !== ${JSON.stringify(long.cutId)}) return;
        const shown = [...document.querySelectorAll(".words, #detail, details.script")].map((e) => e.textContent).join(" ");
        const hit = re.exec(shown);
        if (hit) window.__leaks.push(hit[0]);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await bridge.sendToolResult(short.cut as never);
    await until(() => log.calls.some((c) => c.arguments.cut_id === short.cutId));
    await bridge.sendToolResult(long.cut as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    releaseA();
    await Promise.all(log.calls.map((c) => c.answered));
    // A's late answer has reached the view and been handled (one more round trip through the page).
    await view.evaluate("0");
    expect(await view.locator("code.id").textContent()).toBe(long.cutId);
    expect(await words(view)).toEqual(plan.keptWords);
    expect(await view.locator(".bar .span").count()).toBe(447);
    expect(await view.evaluate("window.__leaks")).toEqual([]);
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });

  it("lets the user leave a span out and put a missing sentence back, and asks the agent to re-cut with that script", async () => {
    expect(gapped).not.toBeNull();
    const { result, said, invented } = gapped!;
    const log = newHostLog();
    const messages: string[] = [];
    const contexts: string[] = [];
    const { page, view, bridge } = await openView({
      context: context!, host: hostServer!, client: conn.client, tools, width: 720, theme: "light", log,
      hostCapabilities: { message: { text: {} }, updateModelContext: { text: {} } },
    });
    const texts = (content: { type: string; text?: string }[] | undefined): string => (content ?? []).map((c) => c.text ?? "").join("\n");
    bridge.onmessage = async (params) => {
      messages.push(texts(params.content as never));
      return {};
    };
    bridge.onupdatemodelcontext = async (params) => {
      contexts.push(texts(params.content as never));
      return {};
    };
    await bridge.sendToolResult(result as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    // The sentence nobody said is shown as missing, with its reason, and nothing is asked yet.
    const missing = view.locator(".missing li");
    expect(await missing.count()).toBe(1);
    expect(await missing.textContent()).toContain(invented);
    expect(await missing.textContent()).toContain("sentence 3: not in the kept words");
    expect(await view.locator("#recut").isDisabled()).toBe(true);
    // Selecting a span (its row: on a 26-minute bar the span is a pixel wide) tells the model which one.
    await view.locator('.words p[data-index="0"] .time').click();
    await until(() => (contexts.at(-1) ?? "").includes("Selected: span 1"));
    // Leave the second span out (struck through), put sentence 3 back, ask.
    await view.locator('[data-review="span-1"]').click();
    expect(await view.evaluate(`getComputedStyle(document.querySelector('.words p[data-index="1"]')).textDecorationLine`)).toBe("line-through");
    await view.locator('[data-review="sentence-3"]').click();
    expect(await view.locator('[data-review="sentence-3"]').getAttribute("aria-pressed")).toBe("true");
    await view.locator("#recut").click();
    await until(() => messages.length > 0);
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    expect(message).toContain(`asset_id=${long.assetId}`);
    // The script asked for: sentence 1, the invented one, then sentences 3 to 5 (the second was left out).
    const words = (text: string): string[] => text.split(/\s+/).map((w) => w.toLowerCase().replace(/[^a-z]/g, "")).filter(Boolean);
    const script = message.slice(message.indexOf("this script:") + "this script:".length);
    expect(words(script)).toEqual(words([said[0], invented, said[2], said[3], said[4]].join(" ")));
    // The model context carries the choices made.
    expect(contexts.at(-1)).toContain("Left out: span 2");
    expect(contexts.at(-1)).toContain(`Put back: sentence 3 "${invented}"`);
    // The host has the message before the view has the host's answer: wait for the view to say it was taken.
    await view.locator("#recut-note", { hasText: "Asked the assistant to re-cut." }).waitFor();
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });

  it("goes full screen where the host offers it, and the words box then grows instead of scrolling", async () => {
    const log = newHostLog();
    const modes: string[] = [];
    const { page, view, bridge } = await openView({
      context: context!, host: hostServer!, client: conn.client, tools, width: 720, theme: "light", log,
      hostContext: { availableDisplayModes: ["inline", "fullscreen"] },
    });
    bridge.onrequestdisplaymode = async ({ mode }) => {
      modes.push(mode);
      bridge.setHostContext({ theme: "light", platform: "web", displayMode: mode, availableDisplayModes: ["inline", "fullscreen"], containerDimensions: { width: 720, maxHeight: 6000 } });
      return { mode };
    };
    await bridge.sendToolResult(long.cut as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    const box = (): Promise<{ client: number; scroll: number }> => view.locator(".words").evaluate((e) => ({ client: e.clientHeight, scroll: e.scrollHeight }));
    const inline = await box();
    expect(inline.scroll).toBeGreaterThan(inline.client);
    await view.locator("#fullscreen").click();
    await view.locator("#fullscreen", { hasText: "Exit full screen" }).waitFor();
    expect(modes).toEqual(["fullscreen"]);
    const full = await box();
    expect(full.scroll).toBe(full.client);
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });

  it("listens to the whole 447-segment cut: many chunks joined, progress shown, the length the OTIO's", async () => {
    const log = newHostLog();
    const { page, view, bridge } = await openView({ context: context!, host: hostServer!, client: conn.client, tools, width: 720, theme: "light", log });
    await bridge.sendToolResult(long.cut as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    // Every text the status took, as the user saw it.
    await view.evaluate(`(() => {
      window.__said = [];
      const note = document.getElementById("listen-status");
      // The texts set, from the records (several may land before one callback).
      new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach((n) => window.__said.push(n.textContent)))).observe(note, { childList: true });
    })()`);
    await view.locator("#listen").click();
    await view.locator("#listen-audio").waitFor({ state: "attached", timeout: 0 });
    const audio = (what: string): Promise<unknown> => view.evaluate(`document.getElementById('listen-audio').${what}`);
    await until(async () => Number(await audio("readyState")) >= 1 && Number.isFinite(Number(await audio("duration"))));
    // The joined file, its length the OTIO's record length within a frame.
    const otio = otioSegments(await api(`/v1/cuts/${long.cutId}/export?format=otio`));
    const kept = otio.segments.reduce((n, s) => n + s.end - s.start, 0);
    expect(Math.abs(Number(await audio("duration")) - kept)).toBeLessThan(1 / 25);
    const bytes = Buffer.from(String(await audio("src")).replace(/^data:audio\/mp4;base64,/, ""), "base64").length;
    // Many chunks, each asked from where the last ended, and the progress said in megabytes of the whole.
    const offsets = log.calls.filter((c) => c.name === "cut_audio").map((c) => Number(c.arguments.offset_bytes ?? 0));
    expect(offsets.length).toBeGreaterThan(5);
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
    const said = (await view.evaluate("window.__said")) as string[];
    const mb = (n: number): string => (n / 1_000_000).toFixed(1);
    expect(said).toContain(`Loading audio ${mb(bytes)} of ${mb(bytes)} MB`);
    expect(said.filter((t) => t.startsWith("Loading audio")).length).toBeGreaterThan(3);
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });

  it("shows every hesitation the plan put between sentences in its own gap, struck through, with the reason filler", async () => {
    const log = newHostLog();
    const { page, view, bridge } = await openView({ context: context!, host: hostServer!, client: conn.client, tools, width: 720, theme: "light", log });
    await bridge.sendToolResult(long.cut as never);
    await view.locator("#live", { hasText: "Cut loaded" }).waitFor({ timeout: 0 });
    // The gaps from the OTIO's clips; the hesitations and their times from the plan (what the recording says).
    const otio = otioSegments(await api(`/v1/cuts/${long.cutId}/export?format=otio`));
    const ums = plan.transcript.filter((w) => w.word === "um");
    expect(ums).toHaveLength(446);
    const gapOf = (w: { start: number; end: number }): number => otio.segments.findIndex((s, k) => k > 0 && otio.segments[k - 1]!.end <= w.start + 0.001 && w.end <= s.start + 0.001);
    // The rows as drawn, keyed by the kept span they come before: each removed run's words and its reason.
    const drawn = new Map(
      (await view.locator(".words .cutmark").evaluateAll((rows) =>
        rows.map((r) => [
          Number(r.getAttribute("data-before")),
          [...r.querySelectorAll(".dropped-run")].map((x) => ({ words: x.querySelector("del")?.textContent ?? "", reason: x.querySelector(".why")?.textContent ?? "" })),
          r.textContent ?? "",
        ] as const),
      )).map(([k, runs, text]) => [k, { runs, text }]),
    );
    for (const um of ums) {
      const k = gapOf(um);
      expect(k, `um at ${um.start} lies in a gap`).toBeGreaterThan(0);
      // Read as a screen reader reads it: the word, then "reason: filler".
      expect(drawn.get(k)?.runs, `gap before span ${k + 1}`).toEqual([{ words: "um", reason: "reason: filler" }]);
    }
    // Every other gap held no word: a pause, and says so.
    const withUm = new Set(ums.map(gapOf));
    const pauses = [...drawn].filter(([k]) => !withUm.has(k));
    for (const [, row] of pauses) expect(row.text).toMatch(/^pause \d+\.\d s$/);
    expect(await view.locator("#removed-summary").textContent()).toBe(`Removed: 446 fillers${pauses.length ? `, ${pauses.length} pause${pauses.length === 1 ? "" : "s"}` : ""}.`);
    // Struck through and greyed; the bar's gap says why in its tooltip, and the next span's button says so to assistive technology.
    expect(await view.locator(".cutmark del").first().evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { textDecorationLine: string } }).getComputedStyle(e).textDecorationLine)).toBe("line-through");
    const k = gapOf(ums[0]!);
    const titles = await view.locator(".bar .gap").evaluateAll((gs) => gs.map((g) => ({ end: Number(g.getAttribute("data-end")), title: g.getAttribute("title") ?? "" })));
    expect(titles.find((g) => Math.abs(g.end - otio.segments[k]!.start) < 0.01)?.title).toMatch(/^Removed \d+\.\d s \(.+\): filler “um”$/);
    expect(await view.locator(`.bar .span[data-index="${k}"]`).getAttribute("aria-description")).toContain("Before it: Removed");
    expect(log.consoleErrors).toEqual([]);
    await page.close();
  });
});

// End to end through the client against the sandbox, judged by the fixture's ground truth: the kept segments
// of a scripted and a scriptless cut, every export format parsed back to the same segments, and every render
// output probed for its streams and its duration against the segments it was cut from.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryResumeStore, type Asset, type Cut, type LiveEvent } from "../../src/client/index.js";
import { parseExport } from "../../src/sandbox/media/exports/parse.js";
import { probeMedia } from "../../src/sandbox/media/probe.js";
import { segmentsFromOtio } from "../../src/operations/segments.js";
import { eventually, FIXTURES, startHarness, type Harness } from "../client/harness.js";
import { loadScript, loadTruth, scoreCut, type Truth } from "../engine/quality.js";

const FRAME = 1001 / 30000;

let h: Harness;
let dir: string;
let truth: Truth;
let video: Asset;
let scripted: Cut;
let scriptless: Cut;
const events: LiveEvent[] = [];
const stop = new AbortController();

async function completed(id: string): Promise<Cut> {
  return eventually(async () => {
    const c = await h.client.cuts.get(id);
    if (c.state === "failed") throw new Error(`cut failed: ${c.error_code} ${c.error_message}`);
    return c.state === "completed" ? c : undefined;
  }, 200);
}

async function keptSegments(cutId: string) {
  const otio = await h.client.cuts.export(cutId, "otio");
  return segmentsFromOtio(otio.content).segments;
}

beforeAll(async () => {
  h = await startHarness();
  dir = await mkdtemp(join(tmpdir(), "roughy-e2e-"));
  truth = loadTruth();
  const project = await h.client.projects.create({ name: "ground truth" });
  const up = await h.client.uploads.uploadFile({ path: join(FIXTURES, "interview.mp4"), projectId: project.id, resumeStore: new MemoryResumeStore() });
  video = up.asset;
  const sub = await h.client.events.subscribe(video.id, { signal: stop.signal, onEvent: (e) => events.push(e) });
  expect(sub.supported).toBe(true);
  // Known words make the cut deterministic; the recogniser's own quality is measured in test/engine.
  const r = await h.control("PUT", `/sandbox/assets/${video.id}/transcript`, { words: truth.words });
  expect(r.status).toBeLessThan(300);
  await h.client.waitForCuttable(video.id, { timeoutMs: 60_000 });
  scripted = await completed((await h.client.cuts.create({ asset_id: video.id, script: loadScript() })).cut.id);
  scriptless = await completed((await h.client.cuts.create({ asset_id: video.id })).cut.id);
});

afterAll(async () => {
  stop.abort();
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("cuts judged against the ground truth", () => {
  it("a scripted cut keeps the script and drops fillers, the abandoned take and the aside", async () => {
    const q = scoreCut(truth, await keptSegments(scripted.id));
    expect(q.scriptWordsKept).toBeGreaterThanOrEqual(0.95);
    expect(q.unwantedRemoved).toBeGreaterThanOrEqual(0.9);
    expect(q.byKind.aside).toBeGreaterThanOrEqual(0.9);
    expect(q.insideWord).toEqual([]);
  });

  it("a scriptless cut keeps every script word, drops fillers and long pauses, never cuts inside a word", async () => {
    const q = scoreCut(truth, await keptSegments(scriptless.id));
    expect(q.scriptWordsKept).toBeGreaterThanOrEqual(0.95);
    expect(q.byKind.filler).toBeGreaterThanOrEqual(0.9);
    expect(q.longestPauseKept).toBeLessThan(1.0);
    expect(q.insideWord).toEqual([]);
  });
});

describe("exports parse back to the cut's segments", () => {
  it.each(["edl", "xmeml", "fcpxml", "otio"] as const)("%s", async (format) => {
    const reference = await keptSegments(scripted.id);
    const file = await h.client.cuts.export(scripted.id, format);
    const parsed = parseExport(format, file.content, { frameRate: 30000 / 1001 });
    expect(parsed).toHaveLength(reference.length);
    parsed.forEach((s, i) => {
      expect(Math.abs(s.start - reference[i]!.start)).toBeLessThanOrEqual(FRAME);
      expect(Math.abs(s.end - reference[i]!.end)).toBeLessThanOrEqual(FRAME);
    });
  });
});

describe("renders match the cut", () => {
  it.each([
    ["mp4", true, FRAME],
    ["mov", true, FRAME],
    ["m4a", false, FRAME],
    // MP3 encoders add their delay and padding (about two frames of 1152 samples).
    ["mp3", false, 0.06],
  ] as const)("%s has the expected streams and the kept duration", async (output, withVideo, tolerance) => {
    const segments = await keptSegments(scripted.id);
    const kept = segments.reduce((t, s) => t + (s.end - s.start), 0);
    const created = await h.client.renders.create({ asset_id: video.id, cut_id: scripted.id, output });
    const done = await eventually(async () => {
      const r = await h.client.renders.get(created.id);
      if (r.state === "failed") throw new Error(`render failed: ${r.error_code} ${r.error_message}`);
      return r.state === "completed" ? r : undefined;
    }, 200);
    const dest = join(dir, `cut.${output}`);
    await h.client.renders.download(done, dest);
    const info = await probeMedia(dest);
    expect(info.has_audio).toBe(true);
    expect(info.has_video).toBe(withVideo);
    expect(Math.abs(info.duration - kept)).toBeLessThanOrEqual(tolerance);
  });

  it("the live stream carried the cuts and renders to their terminal states", async () => {
    const done = (type: string, id: string, state: string) =>
      events.some((e) => e.type === type && (e.data as { id?: string; state?: string }).id === id && (e.data as { state?: string }).state === state);
    await eventually(async () => (done("cut.updated", scripted.id, "completed") && done("cut.updated", scriptless.id, "completed") ? true : undefined));
    const renders = (await h.client.renders.list({ cut_id: scripted.id })).items;
    expect(renders.length).toBeGreaterThanOrEqual(4);
    for (const r of renders) {
      await eventually(async () => (done("render.updated", r.id, "completed") ? true : undefined));
    }
    const ids = events.map((e) => Number(e.id)).filter((n) => Number.isFinite(n));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});

// Guard against a vacuous run: the fixture must hold what the scores above are about.
it("the fixture's ground truth has fillers, a restart and an aside to remove", async () => {
  const kinds = new Set(truth.pieces.map((p) => p.kind));
  for (const k of ["script", "filler", "restart", "aside", "pause"]) expect(kinds.has(k as never)).toBe(true);
  expect((await readFile(join(FIXTURES, "interview.script.txt"), "utf8")).length).toBeGreaterThan(50);
});

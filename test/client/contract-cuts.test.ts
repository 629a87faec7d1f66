// The media flow against the sandbox: an interview clip uploaded, prepared and charged; cuts (idempotent on
// asset + script), exports and subtitles, renders and their keyless download, live events, and payment.
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConflictError,
  MemoryResumeStore,
  NotFoundError,
  ValidationError,
  type Asset,
  type Cut,
  type LiveEvent,
  type RoughyError,
} from "../../src/client/index.js";
import { eventually, FIXTURES, startHarness, type Harness, failure } from "./harness.js";

let h: Harness;
let dir: string;
let video: Asset;
let audio: Asset;
let script: string;
const liveEvents: LiveEvent[] = [];
const liveAbort = new AbortController();

async function uploadFixture(name: string, projectId: string): Promise<Asset> {
  const out = await h.client.uploads.uploadFile({ path: join(FIXTURES, name), projectId, resumeStore: new MemoryResumeStore() });
  // The recogniser is not what these tests are about: give the sandbox the known transcript.
  const truth = JSON.parse(await readFile(join(FIXTURES, "interview.truth.json"), "utf8")) as { words: unknown };
  const r = await h.control("PUT", `/sandbox/assets/${out.asset.id}/transcript`, { words: truth.words });
  expect(r.status).toBeLessThan(300);
  return out.asset;
}

async function completed(cut: Cut): Promise<Cut> {
  return eventually(async () => {
    const c = await h.client.cuts.get(cut.id);
    if (c.state === "failed") throw new Error(`cut failed: ${c.error_code} ${c.error_message}`);
    return c.state === "completed" ? c : undefined;
  }, 300);
}

beforeAll(async () => {
  h = await startHarness();
  dir = await mkdtemp(join(tmpdir(), "roughy-client-cuts-"));
  script = await readFile(join(FIXTURES, "interview.script.txt"), "utf8");
  const project = await h.client.projects.create({ name: "interview" });
  video = await uploadFixture("interview.mp4", project.id);
  const sub = await h.client.events.subscribe(video.id, { signal: liveAbort.signal, onEvent: (e) => liveEvents.push(e) });
  expect(sub.supported).toBe(true);
  audio = await uploadFixture("interview.m4a", project.id);
});

afterAll(async () => {
  liveAbort.abort();
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("assets", () => {
  it("become cuttable after preparation, charged once per started minute", async () => {
    const before = (await h.client.credits.get()).balance;
    const ready = await h.client.waitForCuttable(video.id, { timeoutMs: 60_000 });
    expect(ready.state).toBe("ready");
    expect(ready.cuttable).toBe(true);
    expect(ready.media_type).toBe("video");
    expect(ready.duration_seconds).toBeGreaterThan(30);
    await h.client.waitForCuttable(audio.id, { timeoutMs: 60_000 });
    const ledger = await h.client.credits.ledger();
    const charge = ledger.items.find((e) => e.kind === "charge" && e.asset_id === video.id);
    expect(charge).toMatchObject({ amount: -1, minutes: 1 });
    expect((await h.client.credits.get()).balance).toBeLessThanOrEqual(before);
  });

  it("lists assets filtered by project and state", async () => {
    const page = await h.client.assets.list({ project_id: video.project_id, state: "ready" });
    expect(page.items.map((a) => a.id).sort()).toEqual([video.id, audio.id].sort());
  });
});

describe("cuts", () => {
  let cut: Cut;

  it("creates a cut (201), returns the same one for the same script (200), a new one without script", async () => {
    const first = await h.client.cuts.create({ asset_id: video.id, script });
    expect(first.created).toBe(true);
    expect(first.cut.script).toBe(script);
    const again = await h.client.cuts.create({ asset_id: video.id, script });
    expect(again.created).toBe(false);
    expect(again.cut.id).toBe(first.cut.id);
    const scriptless = await h.client.cuts.create({ asset_id: video.id });
    expect(scriptless.created).toBe(true);
    expect(scriptless.cut.id).not.toBe(first.cut.id);
    expect(scriptless.cut.script).toBeNull();
    cut = await completed(first.cut);
    expect(cut.completed_at).toBeTruthy();
    const listed = await h.client.cuts.list({ asset_id: video.id });
    expect(listed.total).toBe(2);
    expect(listed.items[0]!.id).toBe(scriptless.cut.id); // newest first
  });

  it("exports every edit-decision format with its content type and filename", async () => {
    const otio = await h.client.cuts.export(cut.id, "otio");
    expect(otio.contentType).toMatch(/application\/json/);
    expect(JSON.parse(otio.content)).toHaveProperty("OTIO_SCHEMA");
    const edl = await h.client.cuts.export(cut.id, "edl");
    expect(edl.contentType).toMatch(/text\/plain/);
    expect(edl.content).toMatch(/^TITLE:/m);
    expect(edl.filename).toMatch(/\.edl$/);
    for (const f of ["xmeml", "fcpxml"] as const) {
      const x = await h.client.cuts.export(cut.id, f);
      expect(x.contentType).toMatch(/application\/xml/);
      expect(x.content).toMatch(/^<\?xml/);
    }
  });

  it("exports SRT and karaoke VTT subtitles", async () => {
    const srt = await eventually(async () => {
      const r = await h.client.cuts.exportSubtitle(cut.id, "srt").catch((e: RoughyError) => {
        if (e.code === "modifier_not_ready") return undefined;
        throw e;
      });
      return r;
    });
    expect(srt.contentType).toMatch(/application\/x-subrip/);
    expect(srt.content).toMatch(/^1\r?\n\d\d:\d\d:\d\d,\d{3} --> /);
    const vtt = await h.client.cuts.exportSubtitle(cut.id, "vtt");
    expect(vtt.contentType).toMatch(/text\/vtt/);
    expect(vtt.content.startsWith("WEBVTT")).toBe(true);
    expect(vtt.content).toMatch(/<\d\d:\d\d:\d\d\.\d{3}>/);
  });

  it("needs a frame rate for a frame-based export of audio, and refuses an unknown format", async () => {
    const { cut: ac } = await h.client.cuts.create({ asset_id: audio.id, script });
    const done = await completed(ac);
    const err = await failure(h.client.cuts.export(done.id, "edl"));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.code).toBe("frame_rate_required");
    expect((await h.client.cuts.export(done.id, "edl", { frameRate: 25 })).content).toMatch(/TITLE:/);
    const bad = await failure(h.client.cuts.export(done.id, "avid" as never));
    expect(bad.code).toBe("unsupported_format");
  });

  it("renders the cut to mp4 and downloads it without the key; cancel of a finished render is a conflict", async () => {
    const r = await h.client.renders.create({ asset_id: video.id, cut_id: cut.id, output: "mp4" });
    expect(r.cut_id).toBe(cut.id);
    const done = await eventually(async () => {
      const g = await h.client.renders.get(r.id);
      if (g.state === "failed") throw new Error(`render failed: ${g.error_message}`);
      return g.state === "completed" ? g : undefined;
    }, 300);
    expect(done.progress).toBe(100);
    expect((await h.client.renders.list({ cut_id: cut.id })).items.map((x) => x.id)).toContain(r.id);
    expect(done.download_url).toBeTruthy();
    let lastProgress = 0;
    const dest = join(dir, "cut.mp4");
    const { bytes } = await h.client.renders.download(done, dest, { onProgress: (b) => (lastProgress = b) });
    const file = await readFile(dest);
    expect(file.length).toBe(bytes);
    expect(lastProgress).toBe(bytes);
    expect(file.subarray(4, 8).toString("latin1")).toBe("ftyp");
    const err = await failure(h.client.renders.cancel(done.id));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.code).toBe("conflict");
  });

  it("deleting a cut removes its renders", async () => {
    // A script the recording carries (a script it does not carry fails with script_not_spoken), and one no
    // other test uses, so that this cut is new.
    const { cut: c } = await h.client.cuts.create({ asset_id: video.id, script: "Thanks for having me." });
    const done = await completed(c);
    const r = await h.client.renders.create({ asset_id: video.id, cut_id: done.id, output: "m4a" });
    await h.client.cuts.delete(done.id);
    expect(await failure(h.client.cuts.get(done.id))).toBeInstanceOf(NotFoundError);
    expect(await failure(h.client.renders.get(r.id))).toBeInstanceOf(NotFoundError);
  });

  it("streamed live events for the asset's cuts", () => {
    const cutEvents = liveEvents.filter((e) => e.type === "cut.updated");
    expect(cutEvents.length).toBeGreaterThan(0);
    expect(cutEvents.every((e) => typeof e.id === "string")).toBe(true);
    expect(cutEvents.some((e) => (e.data as { state?: string }).state === "completed")).toBe(true);
  });
});

describe("live events", () => {
  it("replays what came after Last-Event-ID on a new subscription", async () => {
    const ids = liveEvents.map((e) => e.id).filter((x): x is string => typeof x === "string");
    expect(ids.length).toBeGreaterThan(1);
    const ac = new AbortController();
    const replayed: LiveEvent[] = [];
    const sub = await h.client.events.subscribe(video.id, { signal: ac.signal, lastEventId: ids[0], onEvent: (e) => replayed.push(e) });
    expect(sub.supported).toBe(true);
    await eventually(async () => (replayed.length >= ids.length - 1 ? true : undefined), 50);
    ac.abort();
    expect((await sub.done)?.reason).toBe("aborted");
    expect(replayed.map((e) => e.id).slice(0, ids.length - 1)).toEqual(ids.slice(1));
  });
});

describe("payment", () => {
  it("leaves an unpaid asset pending_payment (asset_payment_required) until a top-up", async () => {
    const poor = await startHarness({ startingBalance: 0 });
    try {
      const p = await poor.client.projects.create({ name: "unpaid" });
      const out = await poor.client.uploads.uploadFile({ path: join(FIXTURES, "interview.m4a"), projectId: p.id, resumeStore: new MemoryResumeStore() });
      const err = await failure(poor.client.waitForCuttable(out.asset.id, { timeoutMs: 60_000 }));
      expect(err).toBeInstanceOf(ConflictError);
      expect(err.code).toBe("asset_payment_required");
      const cutErr = await failure(poor.client.cuts.create({ asset_id: out.asset.id }));
      expect(cutErr.code).toBe("asset_payment_required");
      await poor.control("POST", "/sandbox/credits", { balance: 5 });
      expect((await poor.client.waitForCuttable(out.asset.id, { timeoutMs: 30_000 })).state).toBe("ready");
    } finally {
      await poor.stop();
    }
  });
});

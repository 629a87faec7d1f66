// follow() against a real sandbox on a random loopback port: the SSE path, the polling fallback when the
// events endpoint answers 404 or drops, the timeout, and abort. Renders are the subject because they move
// through several states with progress, slowly enough (ffmpeg) to be followed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { RoughyClient, MemoryResumeStore, type Asset, type Cut } from "../../src/client/index.js";
import { startSandbox } from "../../src/sandbox/index.js";
import { describeState, follow } from "../../src/progress/follow.js";
import type { ProgressSink } from "../../src/progress/sink.js";

const FIXTURE = path.resolve("test/fixtures/interview.mp4");
const TRUTH = path.resolve("test/fixtures/interview.truth.json");

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;
let dataDir: string;
let client: RoughyClient;
let asset: Asset;
let cut: Cut;

async function sandboxControl(method: string, pathname: string, body: unknown): Promise<void> {
  const res = await fetch(`${sandbox.baseUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.apiKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${pathname} answered ${res.status}: ${await res.text()}`);
}

function recordingSink() {
  const reports: { message: string; progress?: number; total?: number }[] = [];
  const sink: ProgressSink = { report: (message, progress, total) => void reports.push({ message, progress, total }) };
  return { reports, sink };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "roughy-follow-"));
  sandbox = await startSandbox({ host: "127.0.0.1", port: 0, dataDir });
  client = new RoughyClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl, resumeStore: new MemoryResumeStore() });
  const project = await client.projects.create({ name: "follow test" });
  const uploaded = await client.uploads.uploadFile({ path: FIXTURE, projectId: project.id });
  // The known words make the cut fast and deterministic (no recogniser needed).
  const truth = JSON.parse(await readFile(TRUTH, "utf8")) as { words: unknown[] };
  await sandboxControl("PUT", `/sandbox/assets/${uploaded.asset.id}/transcript`, { words: truth.words });
  const prepared = await follow(client, "asset", uploaded.asset.id, { timeoutMs: 60_000 });
  expect(prepared.resource.state).toBe("ready");
  asset = prepared.resource;
  const created = await client.cuts.create({ asset_id: asset.id, script: null });
  const done = await follow(client, "cut", created.cut.id, { timeoutMs: 60_000 });
  expect(done.resource.state).toBe("completed");
  cut = done.resource;
});

afterAll(async () => {
  await sandbox?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function checkRenderReports(reports: { message: string; progress?: number }[]) {
  // Exactly one terminal report, last; numbers never go back.
  const terminal = reports.filter((r) => r.message === "Render completed");
  expect(terminal).toHaveLength(1);
  expect(reports.at(-1)?.message).toBe("Render completed");
  const numbers = reports.map((r) => r.progress).filter((p): p is number => p !== undefined);
  for (let i = 1; i < numbers.length; i++) expect(numbers[i]!).toBeGreaterThanOrEqual(numbers[i - 1]!);
  expect(numbers.at(-1)).toBe(100);
}

describe("follow()", () => {
  it("follows a render over SSE to completed, with progress and one terminal report", async () => {
    const render = await client.renders.create({ asset_id: asset.id, cut_id: cut.id, output: "mp4" });
    const { reports, sink } = recordingSink();
    const result = await follow(client, "render", render.id, { sink, timeoutMs: 60_000 });
    expect(result.timedOut).toBe(false);
    expect(result.resource.state).toBe("completed");
    expect(result.via).toBe("sse");
    checkRenderReports(reports);
  });

  it("falls back to polling when the events endpoint answers 404, and misses no state", async () => {
    await sandboxControl("POST", "/sandbox/faults", { path: `/v1/assets/${asset.id}/events`, count: 50, status: 404 });
    try {
      const render = await client.renders.create({ asset_id: asset.id, cut_id: cut.id, output: "m4a" });
      const { reports, sink } = recordingSink();
      const result = await follow(client, "render", render.id, { sink, timeoutMs: 60_000, pollMinMs: 100, pollMaxMs: 300 });
      expect(result.via).toBe("poll");
      expect(result.resource.state).toBe("completed");
      expect(result.resource.download_url).toBeTruthy();
      checkRenderReports(reports);
    } finally {
      await sandboxControl("DELETE", "/sandbox/faults", undefined);
    }
  });

  it("recovers when the stream drops: re-reads, and reaches the terminal state once", async () => {
    // Every events connection is cut: the first open fails, reconnects fail, polling takes over.
    await sandboxControl("POST", "/sandbox/faults", { path: `/v1/assets/${asset.id}/events`, count: 50, drop: true });
    try {
      const render = await client.renders.create({ asset_id: asset.id, cut_id: cut.id, output: "mp3" });
      const { reports, sink } = recordingSink();
      const result = await follow(client, "render", render.id, { sink, timeoutMs: 60_000, pollMinMs: 100, pollMaxMs: 300 });
      expect(result.resource.state).toBe("completed");
      checkRenderReports(reports);
    } finally {
      await sandboxControl("DELETE", "/sandbox/faults", undefined);
    }
  });

  it("returns timedOut with the latest resource instead of throwing", async () => {
    const result = await follow(client, "asset", asset.id, { timeoutMs: 300, until: () => false });
    expect(result.timedOut).toBe(true);
    expect(result.resource.id).toBe(asset.id);
    expect(result.resource.state).toBe("ready");
  });

  it("stops on abort and rejects", async () => {
    const controller = new AbortController();
    const pending = follow(client, "asset", asset.id, { signal: controller.signal, until: () => false });
    setTimeout(() => controller.abort(new Error("stop")), 200);
    // `until` never holds, so only the abort can end this follow: the rejection with its reason is the proof
    // (no clock: a loaded machine may take longer to get there).
    await expect(pending).rejects.toThrow("stop");
  });

  it("says a processing cut matches a script only when it has one (issue 11, item 10)", async () => {
    const { cut: scriptless } = await client.cuts.create({ asset_id: asset.id, script: null });
    const { cut: scripted } = await client.cuts.create({ asset_id: asset.id, script: "Thanks for having me." });
    expect(describeState("cut", { ...scriptless, state: "processing" })).not.toMatch(/script/);
    expect(describeState("cut", { ...scripted, state: "processing" })).toMatch(/matching the script/);
  });

  it("answers at once for a resource already in its final state", async () => {
    const result = await follow(client, "cut", cut.id, { timeoutMs: 5_000 });
    expect(result).toMatchObject({ timedOut: false, via: "poll" });
    expect(result.resource.state).toBe("completed");
  });
});

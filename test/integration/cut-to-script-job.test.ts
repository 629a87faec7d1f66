// cut_to_script and wait through a real MCP Client (in-memory transport) against a real sandbox on a random
// loopback port, in remote mode (an API key), so the cost confirmation applies as it would for real:
// the refusal that states cost and balance, progress notifications in order, the job across several wait
// calls, and a cancelled upload that the next call resumes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile, mkdtemp, readFile, realpath, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CallToolResult, Progress } from "@modelcontextprotocol/client";
import { RoughyClient, MemoryResumeStore } from "../../src/client/index.js";
import { follow } from "../../src/progress/follow.js";
import {
  FIXTURE_MP4 as FIXTURE,
  FIXTURE_SCRIPT as SCRIPT,
  FIXTURE_TRUTH as TRUTH,
  connect,
  startTestSandbox,
  textOf,
  uploadOffset,
  type Connected,
  type TestSandbox,
} from "../helpers/mcp-harness.js";

let test: TestSandbox;
let work: string;
let conn: Connected;
let api: RoughyClient;
const savedStore = process.env.ROUGHY_UPLOAD_STORE;

async function control(method: string, pathname: string, body?: unknown): Promise<void> {
  const res = await test.control(method, pathname, body);
  if (res.status >= 300) throw new Error(`${method} ${pathname} answered ${res.status}: ${JSON.stringify(res.body)}`);
}

type JobData = {
  id: string;
  status: string;
  step: string;
  asset_id: string | null;
  cut_id: string | null;
  render_id: string | null;
  render_path: string | null;
  exports: { format: string; path: string; bytes: number }[];
  segments: { count: number; kept_seconds: number; source_seconds: number | null } | null;
  upload: { resumed: boolean; bytes_skipped: number; bytes_total: number } | null;
  error: { code: string; message: string } | null;
};

function callTool(name: string, args: Record<string, unknown>, progress?: Progress[], signal?: AbortSignal): Promise<CallToolResult> {
  return conn.call(name, args, { ...(progress ? { progress } : {}), ...(signal ? { signal } : {}) });
}

/** Calls roughy_wait kind=job until the job is no longer running; returns the job and how many calls it took. */
async function waitForJob(id: string, waitSeconds: number, progress?: Progress[]): Promise<{ job: JobData; calls: number }> {
  for (let calls = 1; calls < 2000; calls++) {
    if (waitSeconds === 0) await new Promise((r) => setTimeout(r, 50));
    // Each call has its own progress token and starts again from the job's current value, so order is
    // checked per call (a loaded machine may need several calls).
    const own: Progress[] = [];
    const result = await callTool("roughy_wait", { kind: "job", id, wait_seconds: waitSeconds }, own);
    expectIncreasing(own);
    progress?.push(...own);
    expect(result.isError, textOf(result)).toBeFalsy();
    const data = result.structuredContent as { done: boolean; job: JobData };
    if (data.done) return { job: data.job, calls };
    expect(textOf(result)).toContain(`call roughy_wait with kind=job, id=${id}`);
  }
  throw new Error("job never finished");
}


function expectIncreasing(progress: Progress[]): void {
  for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "roughy-job-"));
  process.env.ROUGHY_UPLOAD_STORE = path.join(work, "uploads.json");
  test = await startTestSandbox();
  api = new RoughyClient({ apiKey: test.sandbox.apiKey, baseUrl: test.sandbox.baseUrl, resumeStore: new MemoryResumeStore() });
  conn = await connect({ sandbox: test.sandbox, allowDirs: [work] });
});

afterAll(async () => {
  await conn?.close();
  await test?.close();
  if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
  else process.env.ROUGHY_UPLOAD_STORE = savedStore;
  if (work) await rm(work, { recursive: true, force: true });
});

describe("cut_to_script through MCP", () => {
  it("refuses without confirm_cost, stating cost and balance, and spends nothing", async () => {
    const media = path.join(work, "refused.mp4");
    await copyFile(FIXTURE, media);
    const result = await callTool("cut_to_script", { file_path: media });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    // 31.7 s of media: one credit; the sandbox starts with a balance.
    expect(text).toMatch(/costs 1 credit\(s\); the balance is \d+/);
    expect(text).toContain("confirm_cost: true");
    const assets = await api.assets.list({});
    expect(assets.total).toBe(0);
  });

  it("asks through elicitation when the client supports it; a decline spends nothing", async () => {
    const media = path.join(work, "declined.mp4");
    await copyFile(FIXTURE, media);
    const asked: string[] = [];
    const eliciting = await connect({
      sandbox: test.sandbox,
      allowDirs: [work],
      onElicit: (request) => {
        asked.push(String(request.params.message));
        return { action: "decline" };
      },
    });
    try {
      const result = await eliciting.call("cut_to_script", { file_path: media });
      expect(result.isError).toBe(true);
      expect(asked).toHaveLength(1);
      expect(asked[0]).toMatch(/costs 1 credit\(s\); the balance is \d+/);
      expect(textOf(result)).toContain("did not confirm");
      expect((await api.assets.list({})).total).toBe(0);
    } finally {
      await eliciting.close();
    }
  });

  it("runs the whole job across several wait calls: exports, segment summary, render on disk", async () => {
    // An asset we control, with its true words attached, so the scripted cut is fast and deterministic.
    const project = await api.projects.create({ name: "job across waits" });
    const uploaded = await api.uploads.uploadFile({ path: FIXTURE, projectId: project.id });
    const truth = JSON.parse(await readFile(TRUTH, "utf8")) as { words: unknown[]; duration: number };
    await control("PUT", `/sandbox/assets/${uploaded.asset.id}/transcript`, { words: truth.words });
    await follow(api, "asset", uploaded.asset.id);

    const first = await callTool("cut_to_script", {
      asset_id: uploaded.asset.id,
      script: await readFile(SCRIPT, "utf8"),
      exports: ["edl", "xmeml", "fcpxml", "otio", "srt", "vtt"],
      render: "mp4",
      wait_seconds: 0,
    });
    expect(first.isError, textOf(first)).toBeFalsy();
    const started = first.structuredContent as JobData;
    expect(started.status).toBe("running");
    expect(textOf(first)).toContain(`call roughy_wait with kind=job, id=${started.id}`);

    const { job, calls } = await waitForJob(started.id, 0);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    expect(job.asset_id).toBe(uploaded.asset.id);
    expect(job.cut_id).toBeTruthy();
    expect(job.render_id).toBeTruthy();
    expect(job.exports.map((e) => e.format).sort()).toEqual(["edl", "fcpxml", "otio", "srt", "vtt", "xmeml"]);
    for (const file of job.exports) {
      expect(path.dirname(file.path)).toBe(await realpath(work));
      expect((await stat(file.path)).size).toBe(file.bytes);
    }
    expect((await readFile(job.exports.find((e) => e.format === "srt")!.path, "utf8"))).toContain("-->");
    // Fillers, the restart and the aside are gone: the cut keeps less than the source.
    expect(job.segments!.count).toBeGreaterThan(1);
    expect(job.segments!.kept_seconds).toBeLessThan(truth.duration - 3);
    expect((await stat(job.render_path!)).size).toBeGreaterThan(1000);

    // A finished job answers at once, and says so.
    const again = await callTool("roughy_wait", { kind: "job", id: started.id, wait_seconds: 50 });
    expect((again.structuredContent as { done: boolean }).done).toBe(true);

    // wait on the job's own ids: final states answer at once with the next tool to call.
    const cutWait = await callTool("roughy_wait", { kind: "cut", id: job.cut_id, wait_seconds: 50 });
    expect(cutWait.structuredContent).toMatchObject({ state: "completed", done: true, timed_out: false });
    expect((cutWait.structuredContent as { next_step: string }).next_step).toContain(`export_cut cut_id=${job.cut_id}`);
    const renderWait = await callTool("roughy_wait", { kind: "render", id: job.render_id, wait_seconds: 0 });
    expect(renderWait.structuredContent).toMatchObject({ state: "completed", done: true });
    expect(textOf(renderWait)).toContain(`download_render render_id=${job.render_id}`);
  });

  it("cancel_job_id mid-render cancels the render on the service and keeps the finished cut", async () => {
    const project = await api.projects.create({ name: "cancel render" });
    const uploaded = await api.uploads.uploadFile({ path: FIXTURE, projectId: project.id });
    const truth = JSON.parse(await readFile(TRUTH, "utf8")) as { words: unknown[] };
    await control("PUT", `/sandbox/assets/${uploaded.asset.id}/transcript`, { words: truth.words });
    await follow(api, "asset", uploaded.asset.id);
    const first = await callTool("cut_to_script", { asset_id: uploaded.asset.id, exports: [], render: "mov", wait_seconds: 0 });
    const jobId = (first.structuredContent as JobData).id;
    // Cancel as soon as the render exists on the service.
    let renderId: string | null = null;
    while (!renderId) {
      await new Promise((r) => setTimeout(r, 10));
      renderId = (conn.server.jobs.get(jobId)?.detail as JobData).render_id;
    }
    expect(renderId).toBeTruthy();
    const canceled = await callTool("cut_to_script", { cancel_job_id: jobId });
    expect(canceled.isError, textOf(canceled)).toBeFalsy();
    const job = canceled.structuredContent as JobData;
    expect(job.status).toBe("canceled");
    expect(textOf(canceled)).toContain(`Canceled the render ${renderId}`);
    expect((await api.renders.get(renderId!)).state).toBe("canceled");
    // The cut had finished before the cancel: it is kept.
    expect((await api.cuts.get(job.cut_id!)).state).toBe("completed");
    expect(job.render_path).toBeNull();
  });

  it("wait is bounded: a state that never comes ends in timed_out, not an error", async () => {
    const project = await api.projects.create({ name: "wait bound" });
    // An asset that never gets its bytes stays pending_upload.
    const asset = await api.assets.create({ project_id: project.id, size_bytes: 1000, filename: "never.mp4" });
    const result = await callTool("roughy_wait", { kind: "asset", id: asset.id, wait_seconds: 1 });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ state: "pending_upload", done: false, timed_out: true });
    const unknown = await callTool("roughy_wait", { kind: "job", id: "no-such-job", wait_seconds: 0 });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain("cut_to_script");
  });

  it("sends progress notifications in order for the upload and the render", async () => {
    const media = path.join(work, "progress.mp4");
    await copyFile(FIXTURE, media);
    const progress: Progress[] = [];
    // A loopback upload of 800 kB is over in a blink; holding its last PATCH answer 400 ms lets the
    // rate-limited sink (one notification per 100 ms) show the upload before the next phase starts.
    await control("POST", "/sandbox/faults", { path: "/", method: "PATCH", count: 1, delay_ms: 400 });
    const result = await callTool(
      "cut_to_script",
      { file_path: media, confirm_cost: true, exports: ["otio"], render: "m4a", wait_seconds: 50 },
      progress,
    );
    expect(result.isError, textOf(result)).toBeFalsy();
    let job = result.structuredContent as JobData;
    expectIncreasing(progress);
    if (job.status === "running") {
      // The rest arrives on each wait call's own token, again in order (checked per call by waitForJob).
      const later: Progress[] = [];
      job = (await waitForJob(job.id, 50, later)).job;
      progress.push(...later);
    }
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    const messages = progress.map((p) => p.message ?? "");
    const uploading = messages.findIndex((m) => m.startsWith("Upload"));
    const rendering = messages.findIndex((m) => m.startsWith("Render"));
    expect(uploading).toBeGreaterThanOrEqual(0);
    expect(rendering).toBeGreaterThan(uploading);
    expect(progress.every((p) => p.total === 100)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ progress: 100, message: "Done" });
  }, 0);

  it("cancels mid-upload (notifications/cancelled) and the next call resumes the upload", async () => {
    const media = path.join(work, "resume.mp4");
    await copyFile(FIXTURE, media);
    // The first PATCH keeps 400 kB and then never answers: the cancel lands mid-upload, whatever the machine's speed.
    await control("POST", "/sandbox/faults", { path: "/", method: "PATCH", count: 1, stall: true, after_bytes: 400_000 });
    const controller = new AbortController();
    const progress: Progress[] = [];
    const pending = callTool("cut_to_script", { file_path: media, confirm_cost: true, exports: [], render: "none" }, progress, controller.signal);
    // Cancel once the service holds the partial bytes (its TUS offset says so).
    let canceledJob: string | undefined;
    while (!canceledJob) {
      await new Promise((r) => setTimeout(r, 50));
      const job = conn.server.jobs.list().find((j) => (j.detail as JobData).asset_id && j.status === "running");
      if (job && (await uploadOffset(test.sandbox, (job.detail as JobData).asset_id!)) >= 400_000) canceledJob = job.id;
    }
    controller.abort(new Error("user stopped it"));
    await expect(pending).rejects.toThrow();

    let stopped;
    do stopped = await conn.server.jobs.wait(canceledJob, { timeoutMs: 50_000 });
    while (stopped?.timedOut);
    expect(stopped?.job.status).toBe("canceled");
    const assetId = (stopped!.job.detail as JobData).asset_id!;
    // The partial upload stays on the service, resumable, and nothing else was made.
    expect((await api.assets.get(assetId)).state).toBe("pending_upload");
    expect((stopped!.job.detail as JobData).cut_id).toBeNull();
    await control("DELETE", "/sandbox/faults");

    const resumed = await callTool("cut_to_script", { file_path: media, confirm_cost: true, exports: [], render: "none", wait_seconds: 50 });
    expect(resumed.isError, textOf(resumed)).toBeFalsy();
    let job = resumed.structuredContent as JobData;
    if (job.status === "running") job = (await waitForJob(job.id, 50)).job;
    expect(job.asset_id).toBe(assetId);
    expect(job.upload?.resumed).toBe(true);
    expect(job.upload?.bytes_skipped).toBeGreaterThan(0);
    expect(job.upload!.bytes_skipped).toBeLessThan(job.upload!.bytes_total);
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
  }, 0);
});

// Faults the server must survive, driven through a real MCP Client against a sandbox with its fault controls:
// 503 and 429 with Retry-After (waited out, then the call succeeds), a connection dropped mid-upload (resumed
// from the server's offset, bytes identical), the live-event stream cut (polling takes over), a slow answer
// past the timeout (a clear error naming the request), a 500 after a cut was created (the retry finds the same
// cut), and a render that really fails (its code reaches the agent).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Progress } from "@modelcontextprotocol/client";
import { FIXTURE_MP4, FIXTURE_SCRIPT, connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { attachTruth, startWorkspace, type Workspace } from "../helpers/workspace.js";

let sb: TestSandbox;
let conn: Connected;
let ws: Workspace;
const ids: { asset?: string; cut?: string } = {};

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

async function fault(spec: Record<string, unknown>): Promise<void> {
  const r = await sb.control("POST", "/sandbox/faults", spec);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-faults-");
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
});

afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await ws?.close();
});

describe("faults survived", () => {
  it("503 with Retry-After on a read: waited out, then the call succeeds", async () => {
    await fault({ path: "/v1/credits", method: "GET", count: 1, status: 503, retry_after: 1 });
    const started = Date.now();
    const r = await conn.call("get_credits", {});
    const took = Date.now() - started;
    expect(r.isError, textOf(r)).toBeFalsy();
    expect((r.structuredContent as { balance: number }).balance).toBe(120);
    expect(took).toBeGreaterThanOrEqual(1000);
  });

  it("429 with Retry-After on a create: waited out, retried once, one project", async () => {
    await fault({ path: "/v1/projects", method: "POST", count: 1, status: 429, retry_after: 1 });
    const started = Date.now();
    const r = await conn.call("create_project", { name: "rate-limited" });
    const took = Date.now() - started;
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(took).toBeGreaterThanOrEqual(1000);
    const list = await conn.call("roughy_list", { kind: "projects" });
    const names = (list.structuredContent as { items: { name: string }[] }).items.map((p) => p.name);
    expect(names.filter((n) => n === "rate-limited")).toHaveLength(1);
  });

  it("a connection dropped mid-upload resumes from the server's offset; the stored bytes are the file's", async () => {
    // The first PATCH stores 300 KB and loses its connection; a restart from byte 0 would be refused (409),
    // so success means the upload went on from the server's offset.
    await fault({ path: "/v1/uploads/", method: "PATCH", count: 1, drop: true, after_bytes: 300_000 });
    const r = await conn.call("upload_media", { path: "interview.mp4", confirm_cost: true, wait_seconds: 50 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const asset = (r.structuredContent as { asset: { id: string; state: string } }).asset;
    expect(asset.state).toBe("ready");
    ids.asset = asset.id;

    const got = await conn.call("roughy_get", { kind: "asset", id: asset.id, include_download_url: true });
    const url = (got.structuredContent as { item: { download_url: string | null } }).item.download_url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/downloads\/assets\//);
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    const served = new Uint8Array(await res.arrayBuffer());
    expect(sha256(served)).toBe(sha256(await readFile(FIXTURE_MP4)));

    await attachTruth(sb, asset.id);
  });

  it("a 500 after the cut was created: the retry finds the same cut, and the list shows one", async () => {
    await fault({ path: "/v1/cuts", method: "POST", count: 1, status: 500, after_handler: true });
    const script = await readFile(FIXTURE_SCRIPT, "utf8");
    const r = await conn.call("create_cut", { asset_id: ids.asset, script, wait_seconds: 50 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const cut = (r.structuredContent as { cut: { id: string; state: string } }).cut;
    expect(cut.state).toBe("completed");
    ids.cut = cut.id;
    const list = await conn.call("roughy_list", { kind: "cuts", asset_id: ids.asset });
    const data = list.structuredContent as { total: number; items: { id: string }[] };
    expect(data.total).toBe(1);
    expect(data.items[0]!.id).toBe(cut.id);
  });

  it("the live-event stream cut: polling takes over and the render's states arrive in order up to completed", async () => {
    await fault({ path: `/v1/assets/${ids.asset}/events`, count: 1000, drop: true });
    const progress: Progress[] = [];
    const r = await conn.call("create_render", { asset_id: ids.asset, cut_id: ids.cut, output: "m4a", wait_seconds: 50 }, { progress });
    await sb.control("DELETE", "/sandbox/faults");
    expect(r.isError, textOf(r)).toBeFalsy();
    expect((r.structuredContent as { render: { state: string } }).render.state).toBe("completed");
    const messages = progress.map((p) => p.message ?? "");
    expect(messages.at(-1)).toBe("Render completed");
    // States only move forward: queued, then rendering with rising percentages, then completed.
    const rank = (m: string): number => (m.startsWith("Render queued") ? 0 : m.startsWith("Rendering") ? 1 : m === "Render completed" ? 2 : -1);
    const seen = messages.map(rank).filter((x) => x >= 0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    const pcts = messages.filter((m) => m.startsWith("Rendering")).map((m) => Number(/(\d+)%/.exec(m)?.[1]));
    for (let i = 1; i < pcts.length; i++) expect(pcts[i]!).toBeGreaterThanOrEqual(pcts[i - 1]!);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
  });

  it("an answer slower than ROUGHY_TIMEOUT_MS: a clear error naming the request, not a hang", async () => {
    const slow = await connect({
      sandbox: sb.sandbox,
      allowDirs: [ws.dir],
      server: { backend: { mode: "remote", apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl, timeoutMs: 1000 } },
    });
    try {
      await fault({ path: "/v1/credits", method: "GET", count: 1, delay_ms: 4000 });
      const r = await slow.call("get_credits", {});
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("did not answer GET /v1/credits within 1000 ms");
      expect(textOf(r)).toContain("ROUGHY_TIMEOUT_MS");
      // The server is still fine afterwards.
      const again = await slow.call("get_credits", {});
      expect(again.isError, textOf(again)).toBeFalsy();
    } finally {
      await slow.close();
    }
  });

  it("a dropped POST /v1/renders reads the same to create_render and to a cut_to_script job, and both are logged", async () => {
    await fault({ path: "/v1/renders", method: "POST", count: 20, drop: true });
    try {
      const direct = await conn.call("create_render", { asset_id: ids.asset, cut_id: ids.cut, output: "mp3" });
      expect(direct.isError).toBe(true);
      const logsBefore = conn.logs.length;
      const viaJob = await conn.call("cut_to_script", { asset_id: ids.asset, exports: [], render: "mp3", wait_seconds: 50 });
      expect(viaJob.isError, textOf(viaJob)).toBeFalsy();
      type JobView = { id: string; status: string; error: { message: string; code: string } | null };
      let job = viaJob.structuredContent as JobView;
      while (job.status === "running") job = ((await conn.call("roughy_wait", { kind: "job", id: job.id, wait_seconds: 50 })).structuredContent as { job: JobView }).job;
      expect(job.status).toBe("failed");
      expect(job.error?.code).toBe("connection_error");
      // One error path: the job's message is the tool's, word for word, and neither names the socket error.
      expect(job.error?.message).toBe(textOf(direct));
      expect(job.error?.message).toMatch(/^Roughy did not complete the request \(connection_error\)/);
      expect(job.error?.message).not.toMatch(/UND_ERR|other side closed|127\.0\.0\.1/);
      expect(conn.logs.slice(logsBefore).some((line) => line.includes(`job ${job.id}`) && line.includes("failed"))).toBe(true);
    } finally {
      await sb.control("DELETE", "/sandbox/faults");
    }
  });

  it("a render that fails for real (its source is gone) reports the failure with its code", async () => {
    await rm(path.join(sb.dataDir, "uploads", ids.asset!), { force: true });
    const r = await conn.call("create_render", { asset_id: ids.asset, cut_id: ids.cut, output: "mp3", wait_seconds: 50 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const render = (r.structuredContent as { render: { id: string; state: string; error: string | null } }).render;
    expect(render.state).toBe("failed");
    expect(render.error).toMatch(/^ffmpeg_failed: \S/);
    expect(textOf(r)).toContain("ffmpeg_failed");
    const d = await conn.call("download_render", { render_id: render.id });
    expect(d.isError).toBe(true);
    expect(textOf(d)).toContain("failed, not completed");
  });
});

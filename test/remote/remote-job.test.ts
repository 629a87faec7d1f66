// cut_to_script on the HTTP mode, where no job outlives a request: two instances behind a round-robin proxy
// (one shared secret, no shared memory) and one sandbox. A remote MCP client uploads through upload_media's
// command, starts the job with a small wait bound and continues it with roughy_wait, each request landing
// on the other instance, to exports (inline and as resources) and a render that ffprobe reads. Then the job
// ids this server will not answer: altered, sealed elsewhere, another key's.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServerHandle } from "../../src/http/server.js";
import { JobSealer } from "../../src/jobs/sealed-job.js";
import type { JobOutput } from "../../src/jobs/job-view.js";
import { FIXTURE_MP4, FIXTURE_SCRIPT, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";
import { attachTruth } from "../helpers/workspace.js";
import { ffprobeOut } from "../media/fixtures.js";
import { connectRemote, dataOf, type RemoteClient } from "./helpers.js";
import { startRoundRobin } from "./oauth-helpers.js";

const run = promisify(execFile);
const SECRET = "remote-job-test-secret-0123456789abcdef";

/** cut_to_script's answer (roughy_wait's `job` has the same fields, without next_step). */
type Job = JobOutput & { next_step?: string };

let sb: TestSandbox;
const servers: HttpServerHandle[] = [];
let proxy: Awaited<ReturnType<typeof startRoundRobin>>;
let c: RemoteClient;
let work: string;
const logs: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "roughy-remote-job-"));
  sb = await startTestSandbox();
  proxy = await startRoundRobin();
  for (let i = 0; i < 2; i++) {
    servers.push(await startHttpServer({ port: 0, baseUrl: sb.sandbox.baseUrl, allowedHosts: ["127.0.0.1"], oauth: { secret: SECRET, publicUrl: proxy.publicUrl }, logger: (line) => logs.push(line) }));
  }
  proxy.route(servers.map((s) => s.port));
  c = await connectRemote(`${proxy.publicUrl}/mcp`, sb.sandbox.apiKey);
});

afterAll(async () => {
  await c?.close();
  await proxy?.close();
  for (const s of servers) await s.close();
  await sb?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** upload_media's remote answer, and its command run as the user would (the key only in their environment). */
async function uploadThroughCommand(): Promise<string> {
  const size = (await stat(FIXTURE_MP4)).size;
  const up = dataOf<{ asset: { id: string }; upload_command: string }>(
    await c.call("upload_media", { path: FIXTURE_MP4, size_bytes: size, duration_seconds: 32, confirm_cost: true, project_name: "remote job" }),
  );
  await run("sh", ["-c", up.upload_command], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ROUGHY_API_KEY: sb.sandbox.apiKey } });
  // Known words, so the scripted cut is deterministic (the recogniser is tested elsewhere).
  await attachTruth(sb, up.asset.id);
  return up.asset.id;
}

describe("cut_to_script over HTTP, across two instances", () => {
  let assetId: string;
  let finished: Job;

  it("runs the whole job in bounded calls continued by roughy_wait, alternating instances", async () => {
    assetId = await uploadThroughCommand();
    const hitsBefore = [...proxy.hits];
    const first = await c.call("cut_to_script", {
      asset_id: assetId,
      script: await readFile(FIXTURE_SCRIPT, "utf8"),
      exports: ["edl", "xmeml", "fcpxml", "otio", "srt", "vtt"],
      render: "mp4",
      wait_seconds: 1,
    });
    let job = dataOf<Job>(first);
    expect(job.id).toMatch(/^rj1\./);
    expect(job.asset_id).toBe(assetId);
    let calls = 1;
    let next = job.next_step;
    const ids = new Set([job.id]);
    while (job.status === "running") {
      expect(next).toContain(`roughy_wait with kind=job, id=${job.id}`);
      const waited = await c.call("roughy_wait", { kind: "job", id: job.id, wait_seconds: 1 });
      const data = dataOf<{ done: boolean; job: Job; next_step: string }>(waited);
      expect(data.done).toBe(data.job.status !== "running");
      job = data.job;
      next = data.next_step;
      ids.add(job.id);
      calls++;
    }
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    expect(calls).toBeGreaterThanOrEqual(2);
    console.log(`remote cut_to_script: ${calls} calls, final job id ${job.id.length} characters, hits ${proxy.hits.join("/")}`);
    // The id moved on with the job (it carries the cut and render ids once they exist).
    expect(ids.size).toBeGreaterThanOrEqual(2);
    // Both instances answered MCP requests of this job: each carried on what the other started. (At least two
    // calls through a round-robin proxy give each instance one; a fast machine may need no more than three.)
    expect(proxy.hits[0]! - hitsBefore[0]!).toBeGreaterThanOrEqual(1);
    expect(proxy.hits[1]! - hitsBefore[1]!).toBeGreaterThanOrEqual(1);
    expect(job.cut_id).toBeTruthy();
    expect(job.render_id).toBeTruthy();
    expect(job.segments!.count).toBeGreaterThan(1);
    finished = job;
  }, 0);

  it("answers the exports inline or as roughy:// resources that read the same", async () => {
    const formats = finished.exports.map((e) => e.format).sort();
    expect(formats).toEqual(["edl", "fcpxml", "otio", "srt", "vtt", "xmeml"]);
    expect(finished.exports.some((e) => typeof e.text === "string")).toBe(true);
    for (const e of finished.exports) {
      expect(e.path).toMatch(new RegExp(`^roughy://cuts/${finished.cut_id}/(export|subtitle)/${e.format}`));
      const read = await c.client.readResource({ uri: e.path });
      const body = read.contents[0] as { text?: string };
      expect(Buffer.byteLength(body.text ?? "", "utf8")).toBe(e.bytes);
      if (typeof e.text === "string") expect(e.text).toBe(body.text);
    }
    const srt = (await c.client.readResource({ uri: finished.exports.find((e) => e.format === "srt")!.path })).contents[0] as { text: string };
    expect(srt.text).toContain("-->");
  });

  it("gives the render as a signed URL that downloads without a key to a file ffprobe reads", async () => {
    expect(finished.render_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const res = await fetch(finished.render_url!);
    expect(res.status).toBe(200);
    const file = path.join(work, "render.mp4");
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    const probed = ffprobeOut(file);
    expect(probed.streams.some((s) => s.codec_type === "video")).toBe(true);
    expect(probed.streams.some((s) => s.codec_type === "audio")).toBe(true);
    // The render is the cut: as long as the kept segments, within a frame or two.
    expect(Math.abs(probed.duration - finished.segments!.kept_seconds)).toBeLessThan(0.2);
  });

  it("a finished job's id answers at once, again and again, with no new render", async () => {
    const again = dataOf<{ done: boolean; job: Job }>(await c.call("roughy_wait", { kind: "job", id: finished.id, wait_seconds: 0 }));
    expect(again.done).toBe(true);
    expect(again.job).toMatchObject({ status: "completed", cut_id: finished.cut_id, render_id: finished.render_id });
    const renders = await (await fetch(`${sb.sandbox.baseUrl}/v1/renders?cut_id=${finished.cut_id}`, { headers: { authorization: `Bearer ${sb.sandbox.apiKey}` } })).json();
    expect((renders as { total: number }).total).toBe(1);
  });

  it("refuses an altered id, one sealed under another secret, and another key's, each with a typed error", async () => {
    const tail = finished.id.slice(-6);
    const altered = finished.id.slice(0, -6) + (tail === "AAAAAA" ? "BBBBBB" : "AAAAAA");
    const tampered = await c.call("roughy_wait", { kind: "job", id: altered, wait_seconds: 0 });
    expect(tampered.isError).toBe(true);
    expect(textOf(tampered)).toMatch(/^job_id_(foreign|malformed): /);

    const elsewhere = new JobSealer("another-deployment-secret-0123456789abc");
    const foreignId = await elsewhere.seal(
      { asset_id: assetId, cut_id: null, render_id: null, step: "prepare", exports: [], output: "none", frame_rate: null, script: null, created_at: new Date().toISOString() },
      elsewhere.ownerOf(sb.sandbox.apiKey),
    );
    const foreign = await c.call("roughy_wait", { kind: "job", id: foreignId, wait_seconds: 0 });
    expect(foreign.isError).toBe(true);
    expect(textOf(foreign)).toMatch(/^job_id_foreign: .*another server secret/);

    const other = await connectRemote(`${proxy.publicUrl}/mcp`, "sk_sandbox_someone_else_entirely");
    try {
      for (const call of [
        () => other.call("roughy_wait", { kind: "job", id: finished.id, wait_seconds: 0 }),
        () => other.call("cut_to_script", { cancel_job_id: finished.id }),
      ]) {
        const refused = await call();
        expect(refused.isError).toBe(true);
        expect(textOf(refused)).toMatch(/^job_id_other_owner: .*another Roughy key/);
        // Nothing of the job leaks to the other key: not its ids, not its files.
        expect(JSON.stringify(refused)).not.toContain(finished.cut_id!);
      }
    } finally {
      await other.close();
    }
    // The id is sealed: the key that made it is not in it, in any encoding.
    expect(finished.id).not.toContain(sb.sandbox.apiKey);
    expect(Buffer.from(finished.id.split(".").slice(1).join(""), "base64url").toString("latin1")).not.toContain(sb.sandbox.apiKey);
  });

  it("a render started but answered 503 reads as the tools' generic error, is logged, and the next call finds it: one render", async () => {
    // The service makes the render and then loses the answer: the job must not start a second one.
    await sb.control("POST", "/sandbox/faults", { path: "/v1/renders", method: "POST", count: 1, status: 503, after_handler: true });
    try {
      const logsBefore = logs.length;
      let data = dataOf<Job>(await c.call("cut_to_script", { asset_id: assetId, exports: [], render: "m4a", wait_seconds: 0 }));
      let job: Job = data;
      const notes: string[] = [...job.notes];
      while (job.status === "running") {
        const waited = dataOf<{ job: Job }>(await c.call("roughy_wait", { kind: "job", id: job.id, wait_seconds: 1 }));
        job = waited.job;
        notes.push(...job.notes);
      }
      data = job;
      expect(data.status, JSON.stringify(data.error)).toBe("completed");
      const failedOnce = notes.find((n) => /did not complete|try again|unavailable/i.test(n));
      expect(failedOnce, notes.join(" | ")).toBeTruthy();
      expect(failedOnce).toContain("call roughy_wait again");
      expect(failedOnce).not.toMatch(/127\.0\.0\.1|UND_ERR|<html/);
      expect(logs.slice(logsBefore).some((line) => line.includes("remote cut_to_script job failed at render"))).toBe(true);
      const renders = (await (await fetch(`${sb.sandbox.baseUrl}/v1/renders?cut_id=${data.cut_id}`, { headers: { authorization: `Bearer ${sb.sandbox.apiKey}` } })).json()) as { total: number };
      expect(renders.total).toBe(1);
    } finally {
      await sb.control("DELETE", "/sandbox/faults");
    }
  }, 0);

  it("waits for an upload that has not come, and cancel_job_id stops the job for good: its id then answers canceled", async () => {
    const size = (await stat(FIXTURE_MP4)).size;
    const up = dataOf<{ asset: { id: string } }>(await c.call("upload_media", { path: FIXTURE_MP4, size_bytes: size, duration_seconds: 32, confirm_cost: true, project_name: "never sent" }));
    const started = dataOf<Job>(await c.call("cut_to_script", { asset_id: up.asset.id, exports: ["srt"], render: "mp4", wait_seconds: 0 }));
    expect(started).toMatchObject({ status: "running", step: "prepare", asset_state: "pending_upload", cut_id: null });
    expect(started.progress.message).toMatch(/upload_command/);
    const canceled = dataOf<Job>(await c.call("cut_to_script", { cancel_job_id: started.id }));
    expect(canceled.status).toBe("canceled");
    const after = dataOf<{ done: boolean; job: Job }>(await c.call("roughy_wait", { kind: "job", id: canceled.id, wait_seconds: 1 }));
    expect(after.done).toBe(true);
    expect(after.job.status).toBe("canceled");
    // Nothing was made for it.
    const cuts = (await (await fetch(`${sb.sandbox.baseUrl}/v1/cuts?asset_id=${up.asset.id}`, { headers: { authorization: `Bearer ${sb.sandbox.apiKey}` } })).json()) as { total: number };
    expect(cuts.total).toBe(0);
  });

  it("refuses local files remotely and says how to upload instead", async () => {
    const refused = await c.call("cut_to_script", { file_path: FIXTURE_MP4 });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^file_path: this roughy-mcp server runs remotely.*upload_media.*asset_id/);
  });
});

// upload_media answers within its bound while the bytes are still going (a slow link: the sandbox reads the
// PATCH at a fixed rate), the transfer goes on in the server, roughy_get says it is sending, and roughy_wait
// follows it through the bytes (progress) and the preparation to ready; the bytes the sandbox stored are the
// file's. A transfer that fails in the background is reported by roughy_wait and roughy_get with the
// describer's message, and the next upload_media of the file continues from the server's offset.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallToolResult, Progress } from "@modelcontextprotocol/client";
import { CALL_TIMEOUT_MS, connect, uploadOffset, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, type Workspace } from "../helpers/workspace.js";

let sb: TestSandbox;
let conn: Connected;
let ws: Workspace;

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-bg-upload-");
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
});

afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await ws?.close();
});

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function api(pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sb.sandbox.baseUrl}${pathname}`, { ...init, headers: { authorization: `Bearer ${sb.sandbox.apiKey}`, ...(init.headers ?? {}) } });
}

/** The sandbox's own view of how many bytes of the asset it holds. */
const serverOffset = (assetId: string): Promise<number> => uploadOffset(sb.sandbox, assetId);

/** The bytes the sandbox stored for the asset, through its signed download URL. */
async function storedBytes(assetId: string): Promise<Uint8Array> {
  const asset = (await (await api(`/v1/assets/${assetId}`)).json()) as { download_url: string };
  return new Uint8Array(await (await fetch(asset.download_url)).arrayBuffer());
}

type WaitData = { state: string; done: boolean; resource: { error_code: string | null; error_message: string | null; progress: number | null }; next_step: string };

/** roughy_wait on the asset until it reports `until` (each call is bounded by the tool itself). */
async function waitAsset(assetId: string, until: (d: WaitData) => boolean, progress?: Progress[]): Promise<{ r: CallToolResult; data: WaitData }> {
  for (;;) {
    const r = await conn.call("roughy_wait", { kind: "asset", id: assetId, wait_seconds: 50 }, progress ? { progress } : {});
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as WaitData;
    if (until(data)) return { r, data };
  }
}

/** A copy of the fixture with one byte changed near its end: a file of its own (asset, resume record). */
async function variant(name: string, fromEnd: number): Promise<Buffer> {
  const bytes = await readFile(ws.media);
  bytes[bytes.length - fromEnd] = bytes[bytes.length - fromEnd]! ^ 0xff;
  await writeFile(`${ws.dir}/${name}`, bytes);
  return bytes;
}

async function faults(...specs: object[]): Promise<void> {
  await sb.control("DELETE", "/sandbox/faults");
  for (const spec of specs) expect((await sb.control("POST", "/sandbox/faults", spec)).status).toBe(201);
}

describe("upload_media on a slow link", () => {
  it("answers while the bytes are still going; roughy_wait follows them to ready; the stored bytes are the file's", async () => {
    const size = (await readFile(ws.media)).length;
    // About 30 s for the file: far longer than the call takes (1 s of waiting after the probe, quote and asset
    // creation, which a loaded machine can stretch to seconds), so the offset read after the answer is still short.
    await faults({ path: "/v1/uploads/", method: "PATCH", count: 5, bytes_per_second: Math.ceil(size / 30) });
    const r = await conn.call("upload_media", { path: "interview.mp4", confirm_cost: true, wait_seconds: 1 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as { asset: { id: string; state: string }; timed_out: boolean; next_step: string; sending: { bytes_sent: number; bytes_total: number } | null };
    const assetId = data.asset.id;
    // The sandbox has not received the whole file when the answer arrives.
    expect(await serverOffset(assetId)).toBeLessThan(size);
    expect(data.asset.state).toBe("pending_upload");
    expect(data.timed_out).toBe(true);
    expect(data.sending?.bytes_total).toBe(size);
    // What the uploader has handed to the socket; the sandbox's offset above is the ground truth.
    expect(data.sending!.bytes_sent).toBeLessThanOrEqual(size);
    expect(data.next_step).toContain(`roughy_wait with kind=asset, id=${assetId}`);
    expect(textOf(r)).toContain("still being sent");

    const got = await conn.call("roughy_get", { kind: "asset", id: assetId });
    expect(got.isError, textOf(got)).toBeFalsy();
    const item = (got.structuredContent as { item: { state: string; sending?: { state: string; bytes_total: number } } }).item;
    if (item.state === "pending_upload") {
      expect(item.sending).toMatchObject({ state: "sending", bytes_total: size });
      expect(textOf(got)).toContain("still receiving its bytes");
    }

    const progress: Progress[] = [];
    const { data: done } = await waitAsset(assetId, (d) => d.done, progress);
    expect(done.state).toBe("ready");
    expect(progress.some((p) => /^Sent .* MB of .* MB/.test(p.message ?? "") && p.total === size)).toBe(true);
    expect(sha256(await storedBytes(assetId))).toBe(sha256(await readFile(ws.media)));
    await sb.control("DELETE", "/sandbox/faults");
  });

  it("a transfer that fails in the background is reported by roughy_wait and roughy_get; upload_media continues from the server's offset", async () => {
    const bytes = await variant("second.mp4", 10);
    const kept = 300_000;
    // The first PATCH is slow and then cut off after `kept` bytes; every retry is cut off at once.
    await faults(
      { path: "/v1/uploads/", method: "PATCH", count: 1, bytes_per_second: 100_000, drop: true, after_bytes: kept },
      { path: "/v1/uploads/", method: "PATCH", count: 10, drop: true },
    );
    const r = await conn.call("upload_media", { path: "second.mp4", confirm_cost: true, wait_seconds: 1 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const assetId = (r.structuredContent as { asset: { id: string } }).asset.id;
    expect((r.structuredContent as { timed_out: boolean }).timed_out).toBe(true);

    const { data: failed, r: failedAnswer } = await waitAsset(assetId, (d) => d.resource.error_message !== null);
    expect(failed.state).toBe("pending_upload");
    expect(failed.done).toBe(false);
    // The describer's message for an interrupted upload, and the call that resumes it.
    expect(failed.resource.error_message).toContain("Call again with the same path to resume the upload");
    expect(failed.next_step).toContain("upload_media with path=");
    expect(failed.next_step).toContain("second.mp4");
    expect(textOf(failedAnswer)).toContain("its upload stopped");

    const got = await conn.call("roughy_get", { kind: "asset", id: assetId });
    const item = (got.structuredContent as { item: { sending: { state: string; error: string } } }).item;
    expect(item.sending.state).toBe("failed");
    expect(item.sending.error).toContain("resume the upload");
    expect(await serverOffset(assetId)).toBe(kept);

    await sb.control("DELETE", "/sandbox/faults");
    const again = await conn.call("upload_media", { path: "second.mp4", confirm_cost: true, wait_seconds: 50 });
    expect(again.isError, textOf(again)).toBeFalsy();
    const resumed = again.structuredContent as { asset: { id: string; state: string }; resumed: boolean; bytes_skipped: number };
    expect(resumed.asset.id).toBe(assetId);
    expect(resumed.resumed).toBe(true);
    expect(resumed.bytes_skipped).toBe(kept);
    expect(resumed.asset.state).toBe("ready");
    expect(sha256(await storedBytes(assetId))).toBe(sha256(bytes));
  });

  it("a cancel while upload_media waits stops the transfer; roughy_get says so; the same call resumes from the server's offset", async () => {
    const bytes = await variant("fourth.mp4", 30);
    // About 16 s for the file: the cancel lands well before the last byte, even on a loaded machine.
    await faults({ path: "/v1/uploads/", method: "PATCH", count: 1, bytes_per_second: 50_000 });
    const controller = new AbortController();
    const pending = conn.client
      .callTool({ name: "upload_media", arguments: { path: "fourth.mp4", confirm_cost: true } }, { signal: controller.signal, timeout: CALL_TIMEOUT_MS })
      .catch((error: unknown) => error);
    // Cancelled once the sandbox holds some of the bytes.
    let asset: { id: string; filename: string } | undefined;
    while (!asset || (await serverOffset(asset.id)) === 0) {
      await new Promise((r) => setTimeout(r, 50));
      const listed = await api("/v1/assets?limit=100");
      asset = ((await listed.json()) as { items: { id: string; filename: string }[] }).items.find((a) => a.filename === "fourth.mp4");
    }
    controller.abort(new Error("user stopped it"));
    expect(await pending).toBeInstanceOf(Error);
    // The stop is told on the next read (the call that would have answered was cancelled).
    let item: { state: string; sending?: { state: string } } = { state: "" };
    while (item.sending?.state !== "stopped") {
      item = ((await conn.call("roughy_get", { kind: "asset", id: asset.id })).structuredContent as { item: typeof item }).item;
      if (item.sending?.state === "sending") await new Promise((r) => setTimeout(r, 50));
      else expect(item.sending?.state).toBe("stopped");
    }
    expect(item.state).toBe("pending_upload");
    expect(item.sending?.state).toBe("stopped");
    await sb.control("DELETE", "/sandbox/faults");

    const again = await conn.call("upload_media", { path: "fourth.mp4", confirm_cost: true, wait_seconds: 50 });
    expect(again.isError, textOf(again)).toBeFalsy();
    const data = again.structuredContent as { asset: { id: string; state: string }; resumed: boolean; bytes_skipped: number };
    // A transfer still running would have been joined (not resumed) and finished with everything sent.
    expect(data.asset.id).toBe(asset.id);
    expect(data.resumed).toBe(true);
    expect(data.bytes_skipped).toBeGreaterThan(0);
    expect(data.bytes_skipped).toBeLessThan(bytes.length);
    expect(data.asset.state).toBe("ready");
    expect(sha256(await storedBytes(asset.id))).toBe(sha256(bytes));
  });

  it("cut_to_script's upload is the same background transfer: roughy_get and roughy_wait see it sending", async () => {
    const bytes = await variant("fifth.mp4", 40);
    await faults({ path: "/v1/uploads/", method: "PATCH", count: 1, bytes_per_second: Math.ceil(bytes.length / 30) });
    const started = await conn.call("cut_to_script", { file_path: "fifth.mp4", confirm_cost: true, exports: [], render: "none", wait_seconds: 0 });
    expect(started.isError, textOf(started)).toBeFalsy();
    let job = started.structuredContent as { id: string; status: string; asset_id: string | null };
    const jobOf = async (wait: number) => ((await conn.call("roughy_wait", { kind: "job", id: job.id, wait_seconds: wait })).structuredContent as { job: typeof job }).job;
    while (!job.asset_id) job = await jobOf(0);
    const assetId = job.asset_id;
    // The job's transfer (about 30 s on this link) is the one the tools know: roughy_get tells it is sending.
    const got = (await conn.call("roughy_get", { kind: "asset", id: assetId })).structuredContent as { item: { state: string; sending?: { state: string } } };
    expect(got.item.state).toBe("pending_upload");
    expect(got.item.sending?.state).toBe("sending");
    while (job.status === "running") job = await jobOf(50);
    expect(job.status).toBe("completed");
    expect(sha256(await storedBytes(assetId))).toBe(sha256(bytes));
    await sb.control("DELETE", "/sandbox/faults");
  });

  it("the server restarted mid-transfer: the next upload_media continues the same asset from the server's offset", async () => {
    const bytes = await variant("third.mp4", 20);
    await faults({ path: "/v1/uploads/", method: "PATCH", count: 1, bytes_per_second: 50_000 });
    const first = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
    const r = await first.call("upload_media", { path: "third.mp4", confirm_cost: true, wait_seconds: 1 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const assetId = (r.structuredContent as { asset: { id: string } }).asset.id;
    // The server goes away with the bytes still going (once the sandbox holds some); what it holds is below the size.
    while ((await serverOffset(assetId)) === 0) await new Promise((r) => setTimeout(r, 50));
    await first.close();
    const held = await serverOffset(assetId);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(bytes.length);
    await sb.control("DELETE", "/sandbox/faults");

    const second = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
    try {
      // Nothing in the new server sends those bytes: waiting would not bring them, upload_media does.
      const waited = await second.call("roughy_wait", { kind: "asset", id: assetId, wait_seconds: 1 });
      expect((waited.structuredContent as { state: string; next_step: string }).state).toBe("pending_upload");
      expect((waited.structuredContent as { next_step: string }).next_step).toContain("call upload_media again with the same path");
      const again = await second.call("upload_media", { path: "third.mp4", confirm_cost: true, wait_seconds: 50 });
      expect(again.isError, textOf(again)).toBeFalsy();
      const data = again.structuredContent as { asset: { id: string; state: string }; resumed: boolean; bytes_skipped: number };
      expect(data.asset.id).toBe(assetId);
      expect(data.resumed).toBe(true);
      // Bytes already on their way when the server closed may still have landed: never fewer than it held.
      expect(data.bytes_skipped).toBeGreaterThanOrEqual(held);
      expect(data.bytes_skipped).toBeLessThan(bytes.length);
      expect(data.asset.state).toBe("ready");
      expect(sha256(await storedBytes(assetId))).toBe(sha256(bytes));
    } finally {
      await second.close();
    }
  });
});

// upload_media answers within its bound while the bytes are still going (a slow link: the sandbox reads the
// PATCH at a fixed rate), the transfer goes on in the server, roughy_get says it is sending, and roughy_wait
// follows it through the bytes (progress) and the preparation to ready; the bytes the sandbox stored are the
// file's. A transfer that fails in the background is reported by roughy_wait and roughy_get with the
// describer's message, and the next upload_media of the file continues from the server's offset.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallToolResult, Progress } from "@modelcontextprotocol/client";
import { connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
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
async function serverOffset(assetId: string): Promise<number> {
  const head = await api(`/v1/uploads/${assetId}`, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
  return Number(head.headers.get("upload-offset"));
}

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

async function faults(...specs: object[]): Promise<void> {
  await sb.control("DELETE", "/sandbox/faults");
  for (const spec of specs) expect((await sb.control("POST", "/sandbox/faults", spec)).status).toBe(201);
}

describe("upload_media on a slow link", () => {
  it("answers while the bytes are still going; roughy_wait follows them to ready; the stored bytes are the file's", async () => {
    const size = (await readFile(ws.media)).length;
    // About 4 s for the file: far longer than the 1 s the call may take.
    await faults({ path: "/v1/uploads/", method: "PATCH", count: 5, bytes_per_second: Math.ceil(size / 4) });
    const r = await conn.call("upload_media", { path: "interview.mp4", confirm_cost: true, wait_seconds: 1 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as { asset: { id: string; state: string }; timed_out: boolean; next_step: string; sending: { bytes_sent: number; bytes_total: number } | null };
    const assetId = data.asset.id;
    // The sandbox has not received the whole file when the answer arrives.
    expect(await serverOffset(assetId)).toBeLessThan(size);
    expect(data.asset.state).toBe("pending_upload");
    expect(data.timed_out).toBe(true);
    expect(data.sending?.bytes_total).toBe(size);
    expect(data.sending!.bytes_sent).toBeLessThan(size);
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
  }, 120_000);

  it("a transfer that fails in the background is reported by roughy_wait and roughy_get; upload_media continues from the server's offset", async () => {
    const media = `${ws.dir}/second.mp4`;
    const bytes = await readFile(ws.media);
    // A different file (one byte changed past the part that is sent): its own asset and resume record.
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    await import("node:fs/promises").then((fs) => fs.writeFile(media, bytes));
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
  }, 120_000);
});

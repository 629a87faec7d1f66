// An upload that the network cuts off (every retry dropped mid-transfer) fails with a message that says to
// call again, and the next upload_media call with the same path resumes at the server's offset instead of
// starting over, creating no second asset.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FIXTURE_MP4, connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";

let sb: TestSandbox;
let conn: Connected;
let work: string;
const savedStore = process.env.ROUGHY_UPLOAD_STORE;

beforeAll(async () => {
  sb = await startTestSandbox();
  work = await mkdtemp(path.join(tmpdir(), "roughy-mcp-resume-"));
  process.env.ROUGHY_UPLOAD_STORE = path.join(work, ".uploads.json");
  await copyFile(FIXTURE_MP4, path.join(work, "interview.mp4"));
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [work] });
});

afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await rm(work, { recursive: true, force: true });
  if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
  else process.env.ROUGHY_UPLOAD_STORE = savedStore;
});

describe("upload_media resume", () => {
  it("fails cleanly when every attempt is cut off, then resumes on the next call", async () => {
    // The first transfer is cut off after 300 KB; every retry after it is cut off at once. tus-js-client
    // resets its retry count when a try made progress, so only retries without progress exhaust it.
    for (const spec of [
      { path: "/", method: "PATCH", count: 1, drop: true, after_bytes: 300_000 },
      { path: "/", method: "PATCH", count: 10, drop: true },
    ]) {
      expect((await sb.control("POST", "/sandbox/faults", spec)).status).toBeLessThan(300);
    }
    const failed = await conn.call("upload_media", { path: "interview.mp4", confirm_cost: true });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toContain("resume the upload");
    await sb.control("DELETE", "/sandbox/faults");

    const resumed = await conn.call("upload_media", { path: "interview.mp4", confirm_cost: true, wait_seconds: 50 });
    expect(resumed.isError, textOf(resumed)).toBeFalsy();
    const data = resumed.structuredContent as { resumed: boolean; bytes_skipped: number; asset: { state: string } };
    expect(data.resumed).toBe(true);
    expect(data.bytes_skipped).toBeGreaterThan(0);
    expect(data.asset.state).toBe("ready");
    expect(textOf(resumed)).toContain("resumed");
    const assets = await conn.call("list", { kind: "assets" });
    expect((assets.structuredContent as { total: number }).total).toBe(1);
  }, 60_000);
});

// An upload that the network cuts off (every retry dropped mid-transfer) fails with a message that says to
// call again, and the next upload_media call with the same path resumes at the server's offset instead of
// starting over, creating no second asset.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, type Workspace } from "../helpers/workspace.js";

let sb: TestSandbox;
let conn: Connected;
let ws: Workspace;

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-resume-");
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
});

afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await ws?.close();
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
    const assets = await conn.call("roughy_list", { kind: "assets" });
    expect((assets.structuredContent as { total: number }).total).toBe(1);
  });
});

// roughy_wait against a real sandbox through a real MCP client: a render the sandbox holds unfinished is reported
// not done with "wait again"; once let go, the wait follows it to completed and names download_render. Unknown
// jobs and malformed ids are refused with where ids come from.
import { beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { readyAsset, useToolHarness, whileHeld } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-wait-");
let assetId: string;

beforeAll(async () => {
  ({ assetId } = await readyAsset(h));
});

describe("roughy_wait", () => {
  it("reports a render still running as not done, then follows it to completed", async () => {
    // Held in processing by the sandbox: certainly unfinished when the first wait reads it.
    const renderId = await whileHeld(h, { renders: true }, async () => {
      const started = await h.conn.call("create_render", { asset_id: assetId, output: "m4a" });
      expect(started.isError, textOf(started)).toBeFalsy();
      const id = (started.structuredContent as { render: { id: string } }).render.id;
      const now = await h.conn.call("roughy_wait", { kind: "render", id, wait_seconds: 0 });
      expect(now.isError, textOf(now)).toBeFalsy();
      const early = now.structuredContent as { state: string; done: boolean; next_step: string };
      expect(["pending", "processing"]).toContain(early.state);
      expect(early.done).toBe(false);
      expect(early.next_step).toContain(`roughy_wait with kind=render, id=${id}`);
      return id;
    });
    const waited = await h.conn.call("roughy_wait", { kind: "render", id: renderId, wait_seconds: 50 });
    expect(waited.isError, textOf(waited)).toBeFalsy();
    const done = waited.structuredContent as { state: string; done: boolean; timed_out: boolean; next_step: string };
    expect(done).toMatchObject({ state: "completed", done: true, timed_out: false });
    expect(done.next_step).toBe(`download_render render_id=${renderId}.`);
    expect(textOf(waited)).toContain(done.next_step);
  });

  it("refuses an unknown job and a malformed id with where ids come from", async () => {
    const job = await h.conn.call("roughy_wait", { kind: "job", id: "no-such-job", wait_seconds: 0 });
    expect(job.isError).toBe(true);
    expect(textOf(job)).toContain("cut_to_script");
    const bad = await h.conn.call("roughy_wait", { kind: "cut", id: "my-cut", wait_seconds: 0 });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain("UUID");
  });
});

// Cancelling create_render while it waits cancels the render it started (issue 11, item 6): a render that
// went on for nobody would keep working (and, against the real API, spending). The source is long enough
// that the render is still running when the cancel arrives; the render's own state is the ground truth.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, startTestSandbox, textOf, type Connected, type TestSandbox } from "../helpers/mcp-harness.js";
import { startWorkspace, type Workspace } from "../helpers/workspace.js";

let sb: TestSandbox;
let ws: Workspace;
let conn: Connected;

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-render-cancel-");
  conn = await connect({ sandbox: sb.sandbox, allowDirs: [ws.dir] });
});
afterAll(async () => {
  await conn?.close();
  await sb?.close();
  await ws?.close();
});

describe("cancelling create_render", () => {
  it("a cancel while the call waits cancels the render it started", async () => {
    const long = path.join(ws.dir, "long.mp4");
    execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "anullsrc=r=48000", "-t", "480", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", long]);
    const up = await conn.call("upload_media", { path: long, confirm_cost: true, wait_seconds: 50 });
    expect(up.isError, textOf(up)).toBeFalsy();
    const asset = (up.structuredContent as { asset: { id: string; state: string } }).asset;
    let state = asset.state;
    while (state !== "ready") {
      const w = await conn.call("roughy_wait", { kind: "asset", id: asset.id, wait_seconds: 50 });
      expect(w.isError, textOf(w)).toBeFalsy();
      state = (w.structuredContent as { asset: { state: string } }).asset.state;
    }

    const controller = new AbortController();
    const progress: unknown[] = [];
    const call = conn.call("create_render", { asset_id: asset.id, output: "mp4", wait_seconds: 50 }, { progress: progress as never, signal: controller.signal });
    // Cancel once the render has reported progress: it exists and is working.
    while (progress.length === 0) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(call).rejects.toThrow();

    const list = await conn.call("roughy_list", { kind: "renders" });
    const renders = (list.structuredContent as { items: { id: string; state: string }[] }).items;
    expect(renders).toHaveLength(1);
    const id = renders[0]!.id;
    let final = renders[0]!.state;
    while (final === "queued" || final === "processing") {
      const w = await conn.call("roughy_wait", { kind: "render", id, wait_seconds: 50 });
      final = (w.structuredContent as { render: { state: string } }).render.state;
    }
    expect(final).toBe("canceled");
  });
});

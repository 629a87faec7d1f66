// upload_media against a real sandbox through a real MCP client: without a way to ask for the cost it states
// cost and balance and uploads nothing; with confirm_cost it uploads with progress and waits until ready.
// Each describe has its own sandbox, so "nothing was uploaded" holds whichever runs first.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Progress } from "@modelcontextprotocol/client";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { useToolHarness } from "../../test/helpers/tool-harness.js";

describe("upload_media refusals", () => {
  const h = useToolHarness("roughy-mcp-upload-refused-");
  beforeAll(async () => {
    await writeFile(path.join(h.ws.dir, "tiny.mp4"), "x".repeat(10));
  });

  it("without a way to ask states cost and balance, and uploads nothing", async () => {
    const r = await h.conn.call("upload_media", { path: h.ws.media, project_name: "it" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/costs 1 credit\(s\); the balance is \d+/);
    expect(textOf(r)).toContain("confirm_cost: true");
    const tiny = await h.conn.call("upload_media", { path: "tiny.mp4", confirm_cost: true });
    expect(textOf(tiny)).toContain("at least 64 bytes");
    const dir = await h.conn.call("upload_media", { path: h.ws.dir, confirm_cost: true });
    expect(textOf(dir)).toContain("not a regular file");
    const assets = await h.conn.call("roughy_list", { kind: "assets" });
    expect((assets.structuredContent as { total: number }).total).toBe(0);
  });
});

describe("upload_media", () => {
  const h = useToolHarness("roughy-mcp-upload-");

  it("with confirm_cost uploads with progress and waits until ready", async () => {
    const progress: Progress[] = [];
    const r = await h.conn.call("upload_media", { path: h.ws.media, project_name: "it", confirm_cost: true, wait_seconds: 50 }, { progress });
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as { asset: { id: string; state: string; cuttable: boolean }; project_id: string; project_created: boolean; credits: number };
    expect(data.asset.state).toBe("ready");
    expect(data.asset.cuttable).toBe(true);
    expect(data.project_created).toBe(true);
    expect(textOf(r)).toContain("create_cut");
    expect(progress.length).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
  });
});

// create_cut against a real sandbox through a real MCP client: a scripted cut completes with kept segments and
// a repeat returns the same cut; bad, missing and out-of-range arguments are named with what to do instead.
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_SCRIPT, textOf } from "../../test/helpers/mcp-harness.js";
import { MISSING_ID, readyAsset, useToolHarness } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-create-cut-");
let assetId: string;

beforeAll(async () => {
  ({ assetId } = await readyAsset(h));
});

describe("create_cut", () => {
  it("with a script completes with kept segments; a repeat returns the same cut", async () => {
    const script = await readFile(FIXTURE_SCRIPT, "utf8");
    const r = await h.conn.call("create_cut", { asset_id: assetId, script, wait_seconds: 50 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as {
      cut: { id: string; state: string; has_script: boolean };
      created: boolean;
      segments: { count: number; kept_seconds: number; source_seconds: number | null; segments: { start: number; end: number }[] } | null;
    };
    expect(data.cut.state).toBe("completed");
    expect(data.created).toBe(true);
    expect(data.cut.has_script).toBe(true);
    expect(data.segments).not.toBeNull();
    expect(data.segments!.count).toBeGreaterThan(1);
    expect(data.segments!.segments.length).toBe(data.segments!.count);
    // Filler, the abandoned take and the aside are gone: well under the ~31.7 s source.
    expect(data.segments!.kept_seconds).toBeLessThan(28);
    expect(data.segments!.kept_seconds).toBeGreaterThan(10);
    for (const s of data.segments!.segments) expect(s.end).toBeGreaterThan(s.start);

    const again = await h.conn.call("create_cut", { asset_id: assetId, script });
    expect(again.isError, textOf(again)).toBeFalsy();
    expect((again.structuredContent as { created: boolean; cut: { id: string } }).created).toBe(false);
    expect((again.structuredContent as { cut: { id: string } }).cut.id).toBe(data.cut.id);
    expect(textOf(again)).toContain("already had cut");
  });

  it("a bad id names the argument and the tool that gives it", async () => {
    const r = await h.conn.call("create_cut", { asset_id: "my-video" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("asset_id");
    expect(textOf(r)).toContain("upload_media");
    expect(textOf(r)).not.toContain("invalid_string");
  });

  it("a wait_seconds out of range is named", async () => {
    const wait = await h.conn.call("create_cut", { asset_id: MISSING_ID, wait_seconds: 600 });
    expect(textOf(wait)).toContain("wait_seconds");
  });

  it("not found names the id and the list call that shows valid ones", async () => {
    const r = await h.conn.call("create_cut", { asset_id: MISSING_ID });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain(`asset_id ${MISSING_ID}`);
    expect(textOf(r)).toContain("roughy_list kind=assets");
    expect(textOf(r)).toMatch(/request id \S+/);
  });
});

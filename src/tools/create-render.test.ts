// create_render against a real sandbox through a real MCP client: a cut rendered with progress, waited for
// until completed; a wrong output is named with the ones there are.
import { beforeAll, describe, expect, it } from "vitest";
import type { Progress } from "@modelcontextprotocol/client";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { completedCut, useToolHarness } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-create-render-");
let assetId: string;
let cutId: string;

beforeAll(async () => {
  ({ assetId, cutId } = await completedCut(h));
});

describe("create_render", () => {
  it("renders the cut with progress", async () => {
    const progress: Progress[] = [];
    const r = await h.conn.call("create_render", { asset_id: assetId, cut_id: cutId, output: "m4a", wait_seconds: 50 }, { progress });
    expect(r.isError, textOf(r)).toBeFalsy();
    const render = (r.structuredContent as { render: { id: string; state: string; cut_id: string | null } }).render;
    expect(render.state).toBe("completed");
    expect(render.cut_id).toBe(cutId);
    expect(textOf(r)).toContain("download_render");
  });

  it("a wrong output is named with the ones there are", async () => {
    const badOutput = await h.conn.call("create_render", { asset_id: assetId, output: "avi" });
    expect(textOf(badOutput)).toContain("output must be one of mp4, mov, m4a, mp3");
  });
});

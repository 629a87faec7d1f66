// roughy_get against a real sandbox through a real MCP client: every kind, with the next step; a completed cut
// shows its segments; a kind get does not serve is refused with the ones it does.
import { beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { MISSING_ID, completedCut, completedRender, useToolHarness } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-get-");
const ids: { project?: string; asset?: string; cut?: string; render?: string } = {};

beforeAll(async () => {
  const { assetId, cutId } = await completedCut(h);
  ids.asset = assetId;
  ids.cut = cutId;
  ids.project = ((await h.conn.call("roughy_get", { kind: "asset", id: assetId })).structuredContent as { item: { project_id: string } }).item.project_id;
  ids.render = await completedRender(h, assetId, cutId);
});

describe("roughy_get", () => {
  it("every kind, with the next step; a completed cut shows its segments", async () => {
    for (const [kind, id] of [
      ["project", ids.project],
      ["asset", ids.asset],
      ["cut", ids.cut],
      ["render", ids.render],
    ] as const) {
      const r = await h.conn.call("roughy_get", { kind, id });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect((r.structuredContent as { item: { id: string } }).item.id).toBe(id);
      expect(textOf(r)).toContain("Next:");
    }
    const cut = await h.conn.call("roughy_get", { kind: "cut", id: ids.cut });
    expect((cut.structuredContent as { segments: { count: number } }).segments.count).toBeGreaterThan(1);
  });

  it("a kind get does not serve is refused with the ones it does", async () => {
    const badKind = await h.conn.call("roughy_get", { kind: "job", id: MISSING_ID });
    expect(textOf(badKind)).toContain("kind must be one of project, asset, cut, render");
  });
});

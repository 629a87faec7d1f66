// roughy_list against a real sandbox through a real MCP client: every kind, paging with "N more, call with
// offset=…", the ledger's charge, filters checked against the kind, and a full page kept under the answer cap.
import { beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { MISSING_ID, completedCut, completedRender, useToolHarness } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-list-");
let assetId: string;

beforeAll(async () => {
  const cut = await completedCut(h);
  assetId = cut.assetId;
  // Two renders of the asset, so that a page of one has one more.
  await completedRender(h, cut.assetId, cut.cutId);
  await completedRender(h, cut.assetId, null, "mp3");
});

describe("roughy_list", () => {
  it("every kind, paging with 'N more, call with offset=…', and filters checked", async () => {
    for (const kind of ["projects", "assets", "cuts", "renders", "webhooks", "ledger"]) {
      const r = await h.conn.call("roughy_list", { kind });
      expect(r.isError, `${kind}: ${textOf(r)}`).toBeFalsy();
    }
    const renders = await h.conn.call("roughy_list", { kind: "renders", asset_id: assetId, limit: 1 });
    const data = renders.structuredContent as { items: unknown[]; total: number; next_offset: number | null };
    expect(data.items.length).toBe(1);
    expect(data.total).toBe(2);
    expect(data.next_offset).toBe(1);
    expect(textOf(renders)).toContain("1 more, call with offset=1");
    const ledger = await h.conn.call("roughy_list", { kind: "ledger" });
    expect((ledger.structuredContent as { items: { kind: string }[] }).items.some((e) => e.kind === "charge")).toBe(true);
    const wrong = await h.conn.call("roughy_list", { kind: "projects", asset_id: assetId });
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toContain("asset_id cannot filter projects");
    const none = await h.conn.call("roughy_list", { kind: "cuts", asset_id: MISSING_ID });
    expect(none.isError).toBe(true);
    expect(textOf(none)).toContain("Not found");
  });

  it("keeps a full page under the 20,000-character answer cap and says where to go on", async () => {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => h.sb.control("POST", "/v1/projects", { name: `Project ${i} ${"x".repeat(150)}`, description: "d".repeat(300) })),
    );
    const r = await h.conn.call("roughy_list", { kind: "projects", limit: 100 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const size = JSON.stringify({ content: r.content, structuredContent: r.structuredContent }).length;
    expect(size).toBeLessThanOrEqual(20_000);
    const data = r.structuredContent as { items: unknown[]; total: number; next_offset: number | null };
    expect(data.items.length).toBeGreaterThan(5);
    expect(data.items.length).toBeLessThan(100);
    expect(data.next_offset).toBe(data.items.length);
    expect(textOf(r)).toContain(`more, call with offset=${data.items.length}`);
  });
});

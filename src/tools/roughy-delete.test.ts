// roughy_delete against a real sandbox through a real MCP client: a webhook and a project are deleted (get then
// says where to look instead); deleting a cut takes its renders and exports with it.
import { describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { completedCut, completedRender, useToolHarness } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-delete-");

describe("roughy_delete", () => {
  it("deletes a webhook and a project; get then names the list call", async () => {
    const p = await h.conn.call("create_project", { name: "Second", description: "for the test" });
    expect(p.isError, textOf(p)).toBeFalsy();
    const projectId = (p.structuredContent as { project: { id: string } }).project.id;
    const w = await h.conn.call("create_webhook", { url: "http://127.0.0.1:9/hook", events: ["cut.completed"] });
    expect(w.isError, textOf(w)).toBeFalsy();
    const hook = w.structuredContent as { webhook: { id: string } };
    for (const [kind, id] of [
      ["webhook", hook.webhook.id],
      ["project", projectId],
    ] as const) {
      const d = await h.conn.call("roughy_delete", { kind, id });
      expect(d.isError, textOf(d)).toBeFalsy();
    }
    const gone = await h.conn.call("roughy_get", { kind: "project", id: projectId });
    expect(gone.isError).toBe(true);
    expect(textOf(gone)).toContain("roughy_list kind=projects");
  });

  it("removes a cut: its renders and exports are gone", async () => {
    const { assetId, cutId } = await completedCut(h);
    const renderId = await completedRender(h, assetId, cutId);
    const d = await h.conn.call("roughy_delete", { kind: "cut", id: cutId });
    expect(d.isError, textOf(d)).toBeFalsy();
    const r = await h.conn.call("roughy_get", { kind: "render", id: renderId });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("roughy_list kind=renders");
    const e = await h.conn.call("export_cut", { cut_id: cutId, format: "otio" });
    expect(e.isError).toBe(true);
    expect(textOf(e)).toContain("Not found");
  });
});

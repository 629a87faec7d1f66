// cancel_render against a real sandbox through a real MCP client: a finished render cannot be canceled (the
// conflict is explained), a render in progress is stopped.
import { beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { completedRender, readyAsset, useToolHarness, whileHeld } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-cancel-");
let assetId: string;

beforeAll(async () => {
  ({ assetId } = await readyAsset(h));
});

describe("cancel_render", () => {
  it("on a finished render explains the conflict", async () => {
    const renderId = await completedRender(h, assetId, null);
    const r = await h.conn.call("cancel_render", { render_id: renderId });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/conflict/i);
    expect(textOf(r)).toMatch(/request id/);
    expect(textOf(r)).not.toContain("{");
  });

  it("stops a render in progress", async () => {
    // Held in processing by the sandbox, so it is certainly still running when it is canceled.
    const r = await whileHeld(h, { renders: true }, async () => {
      const started = await h.conn.call("create_render", { asset_id: assetId, output: "mp4" });
      const id = (started.structuredContent as { render: { id: string } }).render.id;
      return h.conn.call("cancel_render", { render_id: id });
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect((r.structuredContent as { render: { state: string } }).render.state).toBe("canceled");
  });
});

// download_render against a real sandbox through a real MCP client: a completed render saved into the allowed
// folder without clobbering (and over it on request); a render that does not exist, one not completed yet, and a
// destination outside the allowed folders are refused with what to do.
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { MISSING_ID, completedCut, completedRender, useToolHarness, whileHeld } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-download-");
let assetId: string;
let renderId: string;

beforeAll(async () => {
  const cut = await completedCut(h);
  assetId = cut.assetId;
  renderId = await completedRender(h, cut.assetId, cut.cutId);
});

describe("download_render", () => {
  it("saves it without clobbering, and overwrites on request", async () => {
    const d = await h.conn.call("download_render", { render_id: renderId });
    expect(d.isError, textOf(d)).toBeFalsy();
    const saved = (d.structuredContent as { saved_to: string; bytes: number }).saved_to;
    expect(path.dirname(saved)).toBe(await realpath(h.ws.dir));
    expect((await stat(saved)).size).toBe((d.structuredContent as { bytes: number }).bytes);
    const again = await h.conn.call("download_render", { render_id: renderId });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toContain("already exists");
    const forced = await h.conn.call("download_render", { render_id: renderId, overwrite: true });
    expect(forced.isError, textOf(forced)).toBeFalsy();
  });

  it("a missing render, one not completed and an escaping save_to are refused with what to do", async () => {
    const missingRender = await h.conn.call("download_render", { render_id: MISSING_ID });
    expect(textOf(missingRender)).toContain("roughy_list kind=renders");
    // Held in processing by the sandbox, so it is certainly not completed when the download is asked for.
    const started = await whileHeld(h, { renders: true }, async () => {
      const r = await h.conn.call("create_render", { asset_id: assetId, output: "mp3" });
      const render = (r.structuredContent as { render: { id: string; state: string } }).render;
      expect(render.state).not.toBe("completed");
      const early = await h.conn.call("download_render", { render_id: render.id });
      expect(early.isError).toBe(true);
      expect(textOf(early)).toContain("not completed");
      return render;
    });
    const escape = await h.conn.call("download_render", { render_id: started.id, save_to: "../escape.mp3" });
    expect(escape.isError).toBe(true);
    expect(textOf(escape)).toContain("outside the allowed directories");
  });
});

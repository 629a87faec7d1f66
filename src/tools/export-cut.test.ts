// export_cut against a real sandbox through a real MCP client: every format, inline when small (in the text
// and in structuredContent) or saved to a free name when large, with its roughy:// URI; save_to and overwrite;
// and the refusals (outside the allowed folders, missing or wrong arguments, a cut that is not completed yet).
import { mkdtemp, readFile, realpath, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { MISSING_ID, completedCut, useToolHarness, whileHeld } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-export-");
let assetId: string;
let cutId: string;
let outside: string;

beforeAll(async () => {
  ({ assetId, cutId } = await completedCut(h));
  outside = await mkdtemp(path.join(tmpdir(), "roughy-mcp-outside-"));
});

afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
});

describe("export_cut", () => {
  it("every format, inline when small in both the text and structuredContent, with its roughy:// URI", async () => {
    for (const format of ["edl", "xmeml", "fcpxml", "otio", "srt", "vtt"]) {
      const r = await h.conn.call("export_cut", { cut_id: cutId, format });
      expect(r.isError, `${format}: ${textOf(r)}`).toBeFalsy();
      const data = r.structuredContent as { bytes: number; inline: boolean; saved_to: string | null; uri: string; text: string | null; next_step: string };
      expect(data.bytes).toBeGreaterThan(20);
      // Small files come inline; larger ones (the OTIO export, ~27 KB here; xmeml with a clip item per channel) go
      // over the 8 KB limit to disk.
      expect(data.inline, format).toBe(data.bytes <= 8 * 1024);
      if (format === "edl" || format === "srt") expect(data.inline, format).toBe(true);
      if (format === "otio") expect(data.inline, format).toBe(false);
      expect(data.uri).toMatch(format === "srt" || format === "vtt" ? /\/subtitle\// : /\/export\//);
      expect(textOf(r)).toContain(data.uri);
      expect(data.next_step).toMatch(/create_render|editor/);
      // No resource blocks: LangChain's adapter turns them into file blocks its chat models refuse.
      expect(r.content.every((c) => c.type === "text"), format).toBe(true);
      if (data.inline) {
        expect(Buffer.byteLength(data.text!, "utf8")).toBe(data.bytes);
        expect(textOf(r)).toContain(data.text!);
      } else {
        expect(data.text).toBeNull();
        expect((await stat(data.saved_to!)).size).toBe(data.bytes);
        expect(path.dirname(data.saved_to!)).toBe(await realpath(h.ws.dir));
        expect(textOf(r)).toContain(data.saved_to!);
      }
    }
    const vtt = await h.conn.call("export_cut", { cut_id: cutId, format: "vtt" });
    expect((vtt.structuredContent as { text: string }).text.startsWith("WEBVTT")).toBe(true);
  });

  it("save_to writes the file, refuses to overwrite, and overwrites on request", async () => {
    const target = path.join(h.ws.dir, "cut.edl");
    const first = await h.conn.call("export_cut", { cut_id: cutId, format: "edl", save_to: target });
    expect(first.isError, textOf(first)).toBeFalsy();
    expect((await readFile(target, "utf8")).length).toBe((first.structuredContent as { bytes: number }).bytes);
    const again = await h.conn.call("export_cut", { cut_id: cutId, format: "edl", save_to: target });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toContain("overwrite: true");
    const forced = await h.conn.call("export_cut", { cut_id: cutId, format: "xmeml", save_to: target, overwrite: true });
    expect(forced.isError, textOf(forced)).toBeFalsy();
    expect(await readFile(target, "utf8")).toContain("<xmeml");
    const outsideTarget = await h.conn.call("export_cut", { cut_id: cutId, format: "edl", save_to: path.join(outside, "cut.edl") });
    expect(outsideTarget.isError).toBe(true);
    expect(textOf(outsideTarget)).toContain("outside the allowed directories");
  });

  it("a missing argument and a wrong enum are named", async () => {
    const missing = await h.conn.call("export_cut", { format: "edl" });
    expect(textOf(missing)).toContain("cut_id is required");
    const badEnum = await h.conn.call("export_cut", { cut_id: MISSING_ID, format: "pdf" });
    expect(textOf(badEnum)).toMatch(/format must be one of edl, xmeml/);
  });

  it("export of a cut that is not completed says to wait", async () => {
    // The sandbox holds the new cut in processing, so it is certainly unfinished when its export is asked for.
    const r = await whileHeld(h, { cuts: true }, async () => {
      // A different script is a new cut.
      const created = await h.conn.call("create_cut", { asset_id: assetId, script: "Thanks for having me." });
      const cut = (created.structuredContent as { cut: { id: string; state: string } }).cut;
      expect(cut.state).not.toBe("completed");
      return h.conn.call("export_cut", { cut_id: cut.id, format: "edl" });
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("roughy_wait with kind=cut");
  });
});

// estimate_cost against a real sandbox through a real MCP client: what a local file costs, and the files it
// refuses (outside the allowed folders, too small, not media) before anything is uploaded.
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_MP4, textOf } from "../../test/helpers/mcp-harness.js";
import { useToolHarness } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-estimate-");
let outside: string;

beforeAll(async () => {
  outside = await mkdtemp(path.join(tmpdir(), "roughy-mcp-outside-"));
  await copyFile(FIXTURE_MP4, path.join(outside, "interview.mp4"));
  await writeFile(path.join(h.ws.dir, "tiny.mp4"), "x".repeat(10));
  await writeFile(path.join(h.ws.dir, "notes.mp4"), "this is not media at all, just text that is long enough to pass the size check.\n".repeat(3));
});

afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
});

describe("estimate_cost", () => {
  it("duration, credits and balance of a local file", async () => {
    const r = await h.conn.call("estimate_cost", { path: h.ws.media });
    expect(r.isError, textOf(r)).toBeFalsy();
    const data = r.structuredContent as { duration_seconds: number; credits: number; media_type: string; enough: boolean };
    expect(data.duration_seconds).toBeGreaterThan(30);
    expect(data.duration_seconds).toBeLessThan(33);
    expect(data.credits).toBe(1);
    expect(data.media_type).toBe("video");
    expect(data.enough).toBe(true);
  });

  it("refuses files outside the allowed dirs, tiny files and non-media", async () => {
    const work = h.ws.dir;
    const out = await h.conn.call("estimate_cost", { path: path.join(outside, "interview.mp4") });
    expect(out.isError).toBe(true);
    expect(textOf(out)).toContain("outside the allowed directories");
    expect(textOf(out)).toContain(work.split(path.sep).pop());
    const escape = await h.conn.call("estimate_cost", { path: path.join(work, "..", path.basename(outside), "interview.mp4") });
    expect(escape.isError).toBe(true);
    expect(textOf(escape)).toContain("outside the allowed directories");
    const tiny = await h.conn.call("estimate_cost", { path: path.join(work, "tiny.mp4") });
    expect(tiny.isError).toBe(true);
    expect(textOf(tiny)).toContain("at least 64 bytes");
    const text = await h.conn.call("estimate_cost", { path: "notes.mp4" });
    expect(text.isError).toBe(true);
    expect(textOf(text)).toMatch(/No reader could open the file as audio or video \(tried .*\)\..*Nothing was uploaded or charged/);
  });
});

// cut_to_script against a real sandbox through a real MCP client: the whole job from a local file (upload, cut to
// the script, exports saved beside it, an m4a render downloaded), continued by roughy_wait until it completes;
// the saved files are checked by what reads them (an SRT parser, ffprobe), not by the job's own report.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { execFileSync } from "node:child_process";
import SrtParser from "srt-parser-2";
import { describe, expect, it } from "vitest";
import { FIXTURE_SCRIPT, textOf } from "../../test/helpers/mcp-harness.js";
import { useToolHarness } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-cut-to-script-");

type Job = {
  id: string;
  status: string;
  cut_id: string | null;
  segments: { count: number; kept_seconds: number } | null;
  exports: { format: string; path: string; bytes: number }[];
  render_path: string | null;
  render_bytes: number | null;
};

describe("cut_to_script", () => {
  it("runs the whole job from a local file: exports beside it, the render downloaded", async () => {
    const script = await readFile(FIXTURE_SCRIPT, "utf8");
    const first = await h.conn.call("cut_to_script", { file_path: h.ws.media, script, confirm_cost: true, exports: ["srt", "otio"], render: "m4a", wait_seconds: 50 });
    expect(first.isError, textOf(first)).toBeFalsy();
    let job = first.structuredContent as Job;
    // A loaded machine may need more calls; each is bounded by the tool itself.
    while (job.status === "running") {
      expect(textOf(first)).toContain(job.id);
      const waited = await h.conn.call("roughy_wait", { kind: "job", id: job.id, wait_seconds: 50 });
      expect(waited.isError, textOf(waited)).toBeFalsy();
      job = (waited.structuredContent as { job: Job }).job;
    }
    expect(job.status).toBe("completed");
    expect(job.cut_id).toBeTruthy();
    expect(job.segments!.count).toBeGreaterThan(1);
    expect(job.exports.map((e) => e.format).sort()).toEqual(["otio", "srt"]);

    for (const e of job.exports) {
      // Saved next to the source, with the size the answer reports.
      expect(path.dirname(e.path)).toBe(path.dirname(h.ws.media));
      expect((await stat(e.path)).size).toBe(e.bytes);
    }
    const srt = new SrtParser().fromSrt(await readFile(job.exports.find((e) => e.format === "srt")!.path, "utf8"));
    expect(srt.length).toBeGreaterThan(0);
    const said = srt.map((c) => c.text).join(" ").toLowerCase();
    // The script's opening words are what the subtitles carry.
    const opening = script.split(/\s+/).slice(0, 3).join(" ").toLowerCase().replace(/[^a-z' ]/g, "");
    expect(said.replace(/[^a-z' ]/g, "")).toContain(opening);

    // The render: a real audio file of about the kept length, by ffprobe.
    expect(job.render_path).toBeTruthy();
    expect((await stat(job.render_path!)).size).toBe(job.render_bytes);
    const seconds = Number(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", job.render_path!], { encoding: "utf8" }).trim());
    expect(Math.abs(seconds - job.segments!.kept_seconds)).toBeLessThan(0.2);
  });

  it("a file outside the allowed folders is refused before anything is spent", async () => {
    const r = await h.conn.call("cut_to_script", { file_path: "/etc/hostname", confirm_cost: true, render: "none", exports: [] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("file_path");
    const assets = await h.conn.call("roughy_list", { kind: "assets" });
    expect(JSON.stringify(assets.structuredContent)).not.toContain("hostname");
  });
});

// Sandbox media: how long the sandbox takes to compute a cut and to render an mp4, per minute of source,
// on the generated fixture, timed by the sandbox's own started_at → completed_at stamps. Baselines from
// the same ffmpeg in the same run: a bare decode of the source (what any pass over the media costs) and a
// plain transcode of the whole file with the render's own encoder settings (x264 veryfast crf 23, AAC 128k).

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { median, nowMs, withTempDir } from "./lib/common.js";
import { clientFor, startSandbox, type BenchClient } from "./lib/backend.js";
import { completedCut, FIXTURE_MP4, ffmpegPath, fixtureScript, readyAsset, stampSpan, untilDone } from "./lib/media.js";
import { ms, ratio, row, type Bench, type Row } from "./lib/report.js";

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_MEDIA_RUNS ?? 3);

async function timeFfmpeg(args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = nowMs();
    await run(ffmpegPath(), ["-hide_banner", "-loglevel", "error", "-y", ...args]);
    times.push(nowMs() - t0);
  }
  return median(times);
}

async function renderSpan(client: BenchClient, assetId: string, cutId?: string): Promise<number> {
  const render = await client.renders.create({ asset_id: assetId, ...(cutId ? { cut_id: cutId } : {}), output: "mp4" });
  const done = await untilDone(() => client.renders.get(render.id), "the render");
  if (done.state !== "completed") throw new Error(`render ended ${done.state}: ${String(done.error_message ?? done.error_code)}`);
  return stampSpan(done.started_at, done.completed_at);
}

export const sandboxMedia: Bench = {
  id: "media",
  title: "Sandbox media",
  async run(): Promise<Row[]> {
    return withTempDir("media", async (dir) => {
      const sandbox = await startSandbox(path.join(dir, "sandbox"));
      try {
        const client = await clientFor(sandbox);
        const project = await client.projects.create({ name: "bench media" });
        const script = fixtureScript();
        const bench = "sandbox media";
        const rows: Row[] = [];

        const known = await readyAsset(client, sandbox, project.id, { transcript: true });
        const minutes = Number(known.duration_seconds) / 60;
        if (!(minutes > 0)) throw new Error("the fixture asset has no duration");
        const perMin = (millis: number) => `${ms(millis / minutes, 0)}/min`;

        const decode = await timeFfmpeg(["-i", FIXTURE_MP4, "-f", "null", "-"]);
        // The encoder settings the sandbox's render uses, so the ratio shows what the sandbox adds around them.
        const transcode = await timeFfmpeg([
          "-i", FIXTURE_MP4,
          "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
          "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart",
          path.join(dir, "baseline.mp4"),
        ]);
        const decodeLabel = `${perMin(decode)} ffmpeg decode`;

        // With the ground-truth transcript attached: alignment, silence detection and planning only.
        // A fresh asset for each run: the same (asset, script) pair would answer the existing cut.
        const cutKnown: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const asset = i === 0 ? known : await readyAsset(client, sandbox, project.id, { transcript: true });
          const cut = await completedCut(client, asset.id, script);
          cutKnown.push(stampSpan(cut.started_at, cut.completed_at));
        }
        const known50 = median(cutKnown);
        rows.push(row({ bench, metric: `cut with a script, transcript attached (${(minutes * 60).toFixed(1)} s source)`, measured: perMin(known50), baseline: decodeLabel, ratio: ratio(known50, decode) }));

        // Without a transcript: the sandbox's offline recogniser runs too.
        try {
          const heard = await readyAsset(client, sandbox, project.id, { transcript: false });
          const cut = await completedCut(client, heard.id, script);
          const span = stampSpan(cut.started_at, cut.completed_at);
          rows.push(row({ bench, metric: "cut with a script, recogniser (no transcript)", measured: perMin(span), baseline: decodeLabel, ratio: ratio(span, decode) }));
        } catch (error) {
          rows.push(row({ bench, metric: "cut with a script, recogniser (no transcript)", measured: `n/a: ${error instanceof Error ? error.message : String(error)}`, verdict: "n/a" }));
        }

        const transcodeLabel = `${perMin(transcode)} ffmpeg transcode, same settings`;
        const full: number[] = [];
        for (let i = 0; i < RUNS; i++) full.push(await renderSpan(client, known.id));
        const full50 = median(full);
        rows.push(row({ bench, metric: "render mp4, full source", measured: perMin(full50), baseline: transcodeLabel, ratio: ratio(full50, transcode) }));

        const cut = await completedCut(client, known.id, script); // the first run's cut, answered again
        const cutRenders: number[] = [];
        for (let i = 0; i < RUNS; i++) cutRenders.push(await renderSpan(client, known.id, cut.id));
        const cut50 = median(cutRenders);
        rows.push(row({ bench, metric: "render mp4 through the cut (per source minute)", measured: perMin(cut50), baseline: transcodeLabel, ratio: ratio(cut50, transcode) }));
        return rows;
      } finally {
        await sandbox.close();
      }
    });
  },
};

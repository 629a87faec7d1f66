// `npm run bench`: builds, then runs every benchmark in turn and prints one table. Each figure stands beside
// a baseline measured in the same run and its goal. A bench whose pieces are missing prints "n/a: <reason>".
//   --only=upload,cold-start   run a subset (ids: upload, tool-overhead, progress, cold-start, context-cost, media)
//   --write                    also write bench/RESULTS.md
// BENCH_UPLOAD_MB / BENCH_UPLOAD_RSS_MB / BENCH_UPLOAD_ROUNDS / BENCH_UPLOAD_RSS_ROUNDS size the upload bench; BENCH_COLD_RUNS, BENCH_CALLS change sample sizes.

import { writeFileSync } from "node:fs";
import path from "node:path";
import { coldStart } from "./cold-start.js";
import { contextCost } from "./context-cost.js";
import { NotAvailable, ROOT } from "./lib/common.js";
import { loadAverage, machine, markdownTable, notAvailable, type Bench, type Row } from "./lib/report.js";
import { progressLatency } from "./progress-latency.js";
import { sandboxMedia } from "./sandbox-media.js";
import { toolOverhead } from "./tool-overhead.js";
import { upload } from "./upload.js";

const BENCHES: readonly Bench[] = [upload, toolOverhead, progressLatency, coldStart, contextCost, sandboxMedia];

const NOTES = `## How each figure is measured

- **upload**: a sparse file of BENCH_UPLOAD_MB (default 1024 MiB) in a temp dir, uploaded BENCH_UPLOAD_ROUNDS times (default 5) by each of: \`client.uploads.uploadFile\` (the path the upload tool uses: asset create + TUS from disk) into the sandbox on 127.0.0.1, from POST to the last byte acknowledged; a raw TUS upload with undici to the same sandbox, as one PATCH and as 8 MiB PATCHes; and the baseline, one streamed undici PUT of the same file to a trivial local server that writes the body to a file (both sides read from disk and write to disk). The rounds interleave the four, the order rotated each round; each figure is the median with min–max, each ratio the ratio of the medians with the per-round ratios beside it. Every uploader runs in its own child process of plain \`node\` (bench/upload-worker.mjs: no TypeScript loader, whose own 35-50 MiB would dilute the ratio); peak RSS is that process's \`maxRSS\` (resource usage), sampled memory included, checked again at BENCH_UPLOAD_RSS_MB (default 2048 MiB, client and PUT in BENCH_UPLOAD_RSS_ROUNDS interleaved rounds, default 3); the memory verdict takes the highest peak of each side, the ratio of the medians and the per-round ratios stand beside it. CPU per GiB: the uploader process's own CPU time, and the bench process's (which hosts the sandbox and the sink and otherwise only waits) during each upload.
- **tool-overhead**: the same cheap read (get a cut, else an asset, else the credits) N times through an MCP Client over stdio to \`node dist/cli.js\` (remote mode, pointed at the sandbox with its key) vs the same call made directly with the client library in this process. Warm-up calls are discarded.
- **progress**: a tool call with a progress token that waits on a cut. The sandbox stamps \`completed_at\` (ms) when the cut completes; latency is the wall-clock time from that stamp to the arrival of the MCP progress notification that reports the completion. With SSE, then with the events path faulted to 404 (polling only), which is the baseline.
- **cold-start**: a raw JSON-RPC probe over stdio (bench/lib/stdio-probe.ts) spawns the server and times spawn → \`initialize\` answer and spawn → \`tools/list\` answer (legacy era), and, in a spawn of its own, spawn → \`server/discover\` answer (2026 era); BENCH_COLD_RUNS runs (default 9) after one unmeasured warm-up run, no API key (sandbox mode, started lazily). Baseline: @modelcontextprotocol/server-everything (pinned; installed on first use into .cache/bench-servers), spawned the same way, interleaved with ours, the order rotated each run; where it does not answer \`server/discover\`, its \`initialize\` answer is the bar. Diagnostic: bench/fixtures/minimal-server.mjs, the smallest SDK stdio server. BENCH_BEFORE_CLI=/path/to/an/older/dist/cli.js adds that build as a "before" row.
- **context-cost**: bytes of the \`tools/list\` result as JSON; tokens ≈ bytes/4. The ratio is the share of the 6,000-token budget.
- **media**: the generated fixture (test/fixtures/interview.mp4) uploaded to the sandbox with its ground-truth transcript attached; cut time and mp4 render time are the sandbox's own \`started_at\` → \`completed_at\`, per minute of source. Baselines: \`ffmpeg -f null\` decode of the source (the floor for anything that reads the media) and a plain transcode of the whole file with the same ffmpeg and the render's own encoder settings (libx264 veryfast crf 23, AAC 128k, faststart).
`;

function parseArgs(argv: readonly string[]): { only: Set<string> | null; write: boolean } {
  let only: Set<string> | null = null;
  let write = false;
  for (const arg of argv) {
    if (arg === "--write") write = true;
    else if (arg.startsWith("--only=")) only = new Set(arg.slice("--only=".length).split(",").filter(Boolean));
    else throw new Error(`unknown argument ${arg}`);
  }
  return { only, write };
}

async function main(): Promise<void> {
  const { only, write } = parseArgs(process.argv.slice(2));
  const rows: Row[] = [];
  // The machine is shared: the load each bench started under says how far to trust its figures.
  const loads: string[] = [];
  for (const bench of BENCHES) {
    if (only && !only.has(bench.id)) continue;
    process.stderr.write(`bench ${bench.id}: running\n`);
    const started = Date.now();
    loads.push(`${bench.id} ${loadAverage()}`);
    try {
      rows.push(...(await bench.run()));
    } catch (error) {
      const reason = error instanceof NotAvailable ? error.message : `failed: ${error instanceof Error ? error.message : String(error)}`;
      rows.push(notAvailable(bench.title.toLowerCase(), reason));
      if (!(error instanceof NotAvailable)) process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    }
    process.stderr.write(`bench ${bench.id}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }

  const info = { ...machine(), "load average (1/5/15 min) as each bench started": loads.join("; "), "load average at the end": loadAverage() };
  const table = markdownTable(rows);
  process.stdout.write(`\n${table}\n\n${Object.entries(info).map(([k, v]) => `${k}: ${v}`).join("; ")}\n`);

  if (write) {
    const doc = [
      "# Benchmark results",
      "",
      `One run of \`npm run bench -- --write\` on ${new Date().toISOString().slice(0, 10)}. Re-run to refresh; figures move with the machine.`,
      "",
      "| machine | |",
      "|---|---|",
      ...Object.entries(info).map(([k, v]) => `| ${k} | ${v} |`),
      "",
      table,
      "",
      NOTES,
    ].join("\n");
    writeFileSync(path.join(ROOT, "bench", "RESULTS.md"), doc);
    process.stderr.write("wrote bench/RESULTS.md\n");
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

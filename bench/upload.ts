// Upload throughput: a large (sparse) file through the client's upload into the sandbox on loopback, vs a
// plain streamed PUT of the same file to a trivial sink in the same run. Each uploader runs in its own
// process (upload-worker.ts) so that its peak RSS shows whether memory stays flat whatever the size.

import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { clientFor, startSandbox } from "./lib/backend.js";
import { ROOT, withTempDir } from "./lib/common.js";
import { mib, mibPerSec, ratio, row, verdict, type Bench, type Row } from "./lib/report.js";

const run = promisify(execFile);
const GOAL_RATIO = 0.8;
const SIZE_MB = Number(process.env.BENCH_UPLOAD_MB ?? 1024);
/** The client's PATCH size (src/client/uploads.ts UPLOAD_CHUNK_BYTES), for the chunked diagnostic. */
const CLIENT_CHUNK_BYTES = 8 * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 3);

type WorkerResult = { ms: number; bytes: number; idleRss: number; peakRss: number };

async function worker(mode: "client" | "put" | "tus", args: object, cacheDir: string): Promise<WorkerResult> {
  const script = path.join(ROOT, "bench", "upload-worker.ts");
  const { stdout } = await run(process.execPath, ["--import", "tsx", script, mode, JSON.stringify(args)], {
    cwd: ROOT,
    // The client's default resume store lives under the cache dir; keep it out of the user's.
    env: { ...process.env, XDG_CACHE_HOME: cacheDir },
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as WorkerResult;
}

/** The baseline's server: takes a PUT body and writes it to a file, nothing else. */
async function startSink(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    pipeline(req, createWriteStream(path.join(dir, "sink.bin"))).then(
      () => res.writeHead(204).end(),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sink`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function sparseFile(file: string, bytes: number): Promise<void> {
  const handle = await open(file, "w");
  try {
    await handle.truncate(bytes);
  } finally {
    await handle.close();
  }
}

export const upload: Bench = {
  id: "upload",
  title: "Upload",
  async run(): Promise<Row[]> {
    return withTempDir("upload", async (dir) => {
      const bytes = Math.round(SIZE_MB * 1024 * 1024);
      const file = path.join(dir, "big.bin");
      await sparseFile(file, bytes);

      const sandbox = await startSandbox(path.join(dir, "sandbox"));
      const sink = await startSink(dir);
      try {
        const client = await clientFor(sandbox);
        const project = await client.projects.create({ name: "bench upload" });
        // Rounds of all four uploads in turn, best of each kept: the machine may be shared (other test runs,
        // the page cache), and interference only ever slows a run down, for ours and the baseline alike.
        const tusArgs = { baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, file, projectId: project.id };
        const all: Record<"put" | "client" | "tus" | "tus8", WorkerResult[]> = { put: [], client: [], tus: [], tus8: [] };
        for (let round = 0; round < ROUNDS; round++) {
          all.put.push(await worker("put", { url: sink.url, file }, dir));
          all.client.push(await worker("client", tusArgs, dir));
          all.tus.push(await worker("tus", tusArgs, dir));
          all.tus8.push(await worker("tus", { ...tusArgs, chunkBytes: CLIENT_CHUNK_BYTES }, dir));
        }
        const fastest = (runs: WorkerResult[]): WorkerResult => {
          const top = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
          return { ...top, peakRss: Math.max(...runs.map((r) => r.peakRss)) };
        };
        const best = { put: fastest(all.put), client: fastest(all.client), tus: fastest(all.tus), tus8: fastest(all.tus8) };
        // The spread shows how much the machine moved during the run.
        const spread = (runs: WorkerResult[]) => {
          const rates = runs.map((r) => bytes / 1024 / 1024 / (r.ms / 1000));
          return `${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}`;
        };
        const { put, client: ours, tus: raw, tus8: rawChunked } = best;

        const oursRate = bytes / ours.ms;
        const baseRate = bytes / put.ms;
        const bench = `upload ${mib(bytes)}`;
        return [
          row({
            bench,
            metric: `throughput, client TUS → sandbox (best of ${ROUNDS})`,
            measured: `${mibPerSec(bytes, ours.ms)} (rounds ${spread(all.client)})`,
            baseline: `${mibPerSec(bytes, put.ms)} (rounds ${spread(all.put)}) plain PUT → sink`,
            ratio: ratio(oursRate, baseRate),
            goal: `≥ ${GOAL_RATIO}x`,
            verdict: verdict(oursRate / baseRate >= GOAL_RATIO),
          }),
          row({
            bench,
            metric: "diagnostic: one raw TUS PATCH (undici) → sandbox",
            measured: mibPerSec(bytes, raw.ms),
            baseline: `${mibPerSec(bytes, put.ms)} plain PUT → sink`,
            ratio: ratio(bytes / raw.ms, baseRate),
            goal: "",
            verdict: "info",
          }),
          row({
            bench,
            metric: "client's own cost: client vs the best raw TUS upload to the same sandbox",
            measured: mibPerSec(bytes, ours.ms),
            baseline: `${mibPerSec(bytes, Math.min(raw.ms, rawChunked.ms))} raw TUS`,
            ratio: ratio(oursRate, bytes / Math.min(raw.ms, rawChunked.ms)),
            goal: "",
            verdict: "info",
          }),
          row({
            bench,
            metric: "diagnostic: raw TUS PATCHes of 8 MiB (undici) → sandbox",
            measured: mibPerSec(bytes, rawChunked.ms),
            baseline: `${mibPerSec(bytes, put.ms)} plain PUT → sink`,
            ratio: ratio(bytes / rawChunked.ms, baseRate),
            goal: "",
            verdict: "info",
          }),
          row({
            bench,
            metric: "uploader peak RSS (idle before)",
            measured: `${mib(ours.peakRss)} (${mib(ours.idleRss)})`,
            baseline: `${mib(put.peakRss)} (${mib(put.idleRss)}) plain PUT`,
            ratio: ratio(ours.peakRss, put.peakRss),
            goal: "flat: ≪ file size",
            // Constant memory: the peak stays far below the file, whatever its size.
            verdict: verdict(ours.peakRss - ours.idleRss < Math.max(256 * 1024 * 1024, bytes / 4)),
          }),
        ];
      } finally {
        await sink.close();
        await sandbox.close();
      }
    });
  },
};

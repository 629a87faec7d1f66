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

type WorkerResult = { ms: number; bytes: number; idleRss: number; peakRss: number };

async function worker(mode: "client" | "put", args: object, cacheDir: string): Promise<WorkerResult> {
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
  let n = 0;
  const server: Server = createServer((req, res) => {
    pipeline(req, createWriteStream(path.join(dir, `sink-${n++}.bin`))).then(
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
        // Baseline first, then ours, then the baseline again: the better baseline counts, so a cold disk
        // cache cannot flatter our figure.
        const put1 = await worker("put", { url: sink.url, file }, dir);
        const ours = await worker("client", { baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, file, projectId: project.id }, dir);
        const put2 = await worker("put", { url: sink.url, file }, dir);
        const put = put1.ms <= put2.ms ? put1 : put2;

        const oursRate = bytes / ours.ms;
        const baseRate = bytes / put.ms;
        const bench = `upload ${mib(bytes)}`;
        return [
          row({
            bench,
            metric: "throughput, client TUS → sandbox",
            measured: mibPerSec(bytes, ours.ms),
            baseline: `${mibPerSec(bytes, put.ms)} plain PUT → sink`,
            ratio: ratio(oursRate, baseRate),
            goal: `≥ ${GOAL_RATIO}x`,
            verdict: verdict(oursRate / baseRate >= GOAL_RATIO),
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

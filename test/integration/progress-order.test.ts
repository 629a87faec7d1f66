// The last progress notification of a call arrives before its result: a client drops progress for a
// request that has answered, so a "completed" sent after the result is lost. create_render with
// wait_seconds is followed to the end several times in a row, and each time the 100 must be in hand
// when the result resolves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { type CallToolResult, type Progress } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/client";
import type { Transport } from "@modelcontextprotocol/client";
import type { JSONRPCMessage } from "@modelcontextprotocol/client";
import { RoughyClient } from "../../src/client/index.js";
import { createServer } from "../../src/server/create-server.js";
import { CALL_TIMEOUT_MS, FIXTURE_M4A, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";

let sb: TestSandbox;
let assetId: string;
let api: RoughyClient;
let store: string;
const savedStore = process.env.ROUGHY_UPLOAD_STORE;

beforeAll(async () => {
  sb = await startTestSandbox();
  store = await mkdtemp(path.join(tmpdir(), "roughy-mcp-order-"));
  process.env.ROUGHY_UPLOAD_STORE = path.join(store, "uploads.json");
  api = new RoughyClient({ apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl });
  const project = await api.projects.create({ name: "progress order" });
  const uploaded = await api.uploads.uploadFile({ path: FIXTURE_M4A, projectId: project.id });
  assetId = (await api.waitForCuttable(uploaded.asset.id, { timeoutMs: 60_000 })).id;
});

afterAll(async () => {
  await sb?.close();
  await rm(store, { recursive: true, force: true });
  if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
  else process.env.ROUGHY_UPLOAD_STORE = savedStore;
});

async function renderRuns(call: (progress: Progress[]) => Promise<CallToolResult>, runs: number): Promise<void> {
  for (let run = 0; run < runs; run++) {
    const progress: Progress[] = [];
    const r = await call(progress);
    // Copied at once: anything arriving after this line came after the result.
    const seen = progress.map((p) => p.progress);
    expect(r.isError, textOf(r)).toBeFalsy();
    expect((r.structuredContent as { render: { state: string } }).render.state).toBe("completed");
    expect(seen.at(-1), `run ${run}: ${JSON.stringify(seen)}`).toBe(100);
  }
}

/**
 * The client end of an in-memory pair that hands over what arrived during one turn of the event loop in
 * one synchronous batch, as the stdio transport does with one read from the pipe. The SDK client drops a
 * progress notification handled after its response, which in one batch it would be.
 */
class BatchingTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private queue: JSONRPCMessage[] = [];
  private scheduled = false;
  constructor(private readonly inner: InMemoryTransport) {
    inner.onmessage = (message) => {
      this.queue.push(message);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        const batch = this.queue;
        this.queue = [];
        for (const m of batch) this.onmessage?.(m);
      });
    };
    inner.onclose = () => this.onclose?.();
    inner.onerror = (e) => this.onerror?.(e);
  }
  start(): Promise<void> {
    return this.inner.start();
  }
  send(message: JSONRPCMessage): Promise<void> {
    return this.inner.send(message);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe("the final progress notification", () => {
  it("with a client that reads in batches (as from a pipe), five renders in a row", async () => {
    const server = createServer({ backend: { mode: "remote", apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.mcp.connect(serverSide);
    const client = new Client({ name: "batching", version: "0.0.0" });
    await client.connect(new BatchingTransport(clientSide));
    try {
      await renderRuns(
        async (progress) =>
          (await client.callTool({ name: "create_render", arguments: { asset_id: assetId, output: "mp3", wait_seconds: 50 } }, {
            onprogress: (p) => void progress.push(p),
            timeout: CALL_TIMEOUT_MS,
          })) as CallToolResult,
        5,
      );
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("over stdio (the server as a client launches it), wait on three renders in a row", async () => {
    // From the sources through tsx, so that the test does not depend on a fresh dist/.
    const env: Record<string, string> = {};
    for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[key]) env[key] = process.env[key]!;
    Object.assign(env, { ROUGHY_API_KEY: sb.sandbox.apiKey, ROUGHY_BASE_URL: sb.sandbox.baseUrl, ROUGHY_UPLOAD_STORE: path.join(store, "cli.json") });
    const transport = new StdioClientTransport({ command: process.execPath, args: ["--import", "tsx", path.resolve("src/cli.ts")], env, stderr: "pipe" });
    const client = new Client({ name: "progress-order", version: "0.0.0" });
    await client.connect(transport);
    try {
      // wait on a render started elsewhere (as the progress benchmark does).
      for (let run = 0; run < 3; run++) {
        const render = await api.renders.create({ asset_id: assetId, output: "mp3" });
        const progress: Progress[] = [];
        const r = (await client.callTool({ name: "roughy_wait", arguments: { kind: "render", id: render.id, wait_seconds: 50 } }, {
          onprogress: (p) => void progress.push(p),
          timeout: CALL_TIMEOUT_MS,
        })) as CallToolResult;
        const seen = progress.map((p) => p.progress);
        expect(r.isError, textOf(r)).toBeFalsy();
        expect((r.structuredContent as { state: string }).state).toBe("completed");
        expect(seen.at(-1), `wait run ${run}: ${JSON.stringify(seen)}`).toBe(100);
      }
    } finally {
      await client.close();
    }
  });
});

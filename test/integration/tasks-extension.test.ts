// MCP Tasks on the 2026-07-28 wire (SEP-2663, the io.modelcontextprotocol/tasks extension) for cut_to_script,
// over the stdio entry (serveStdio, which picks the era from the opening message) on an in-memory pipe, and
// once over real stdio to the built CLI. The SDK client has no tasks extension, so this test speaks raw
// JSON-RPC with the 2026 `_meta` envelope: what it asserts is the wire itself (the flat CreateTaskResult, the
// DetailedTask, the ack), read as a client would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { InMemoryTransport, type JSONRPCMessage, type Transport } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { RoughyClient } from "../../src/client/index.js";
import { createServer, type RoughyServer } from "../../src/server/create-server.js";
import { FIXTURE_SCRIPT, startTestSandbox, type TestSandbox } from "../helpers/mcp-harness.js";
import { readyAsset, startWorkspace, type Workspace } from "../helpers/workspace.js";

const CLI = path.resolve("dist/cli.js");
const MODERN = "2026-07-28";
const TASKS = "io.modelcontextprotocol/tasks";
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

type Answer = { result?: Record<string, unknown>; error?: { code: number; message: string; data?: unknown } };

/** A 2026-07-28 client on a raw pipe: every request carries the envelope, with or without the tasks extension. */
class RawModernClient {
  private nextId = 1;
  private pending = new Map<number, (answer: Answer) => void>();

  constructor(private readonly transport: Transport) {
    transport.onmessage = (message: JSONRPCMessage) => {
      if (!("id" in message) || typeof message.id !== "number") return;
      const settle = this.pending.get(message.id);
      this.pending.delete(message.id);
      settle?.(message as Answer);
    };
  }

  request(method: string, params: Record<string, unknown>, options: { tasks: boolean }): Promise<Answer> {
    const id = this.nextId++;
    const capabilities = options.tasks ? { extensions: { [TASKS]: {} } } : {};
    const _meta = {
      ...((params._meta as Record<string, unknown> | undefined) ?? {}),
      "io.modelcontextprotocol/protocolVersion": MODERN,
      "io.modelcontextprotocol/clientInfo": { name: "tasks-extension-test", version: "0.0.0" },
      "io.modelcontextprotocol/clientCapabilities": capabilities,
    };
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      void this.transport.send({ jsonrpc: "2.0", id, method, params: { ...params, _meta } } as JSONRPCMessage);
    });
  }
}

let sb: TestSandbox;
let ws: Workspace;
let api: RoughyClient;
let server: RoughyServer;
let connection: { close(): Promise<void> };
let client: RawModernClient;


/** Polls tasks/get at the interval the task asked for until it is over. */
async function settle(taskId: string, pollMs: number, via: RawModernClient = client): Promise<Record<string, unknown>> {
  for (;;) {
    const got = await via.request("tasks/get", { taskId }, { tasks: true });
    expect(got.error, JSON.stringify(got.error)).toBeUndefined();
    const task = got.result!;
    if (["completed", "failed", "cancelled"].includes(task.status as string)) return task;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

beforeAll(async () => {
  sb = await startTestSandbox();
  ws = await startWorkspace("roughy-mcp-tasks26-", { copyMedia: false });
  api = new RoughyClient({ apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl });
  server = createServer({ backend: { mode: "remote", apiKey: sb.sandbox.apiKey, baseUrl: sb.sandbox.baseUrl }, allowDirs: [ws.dir] });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  connection = serveStdio((ctx) => server.factory(ctx), { transport: serverSide });
  client = new RawModernClient(clientSide);
  await clientSide.start();
});

afterAll(async () => {
  await sb?.control("DELETE", "/sandbox/holds").catch(() => {});
  await connection?.close();
  await server?.close();
  await sb?.close();
  await ws?.close();
});

describe("MCP Tasks extension (2026-07-28)", () => {
  it("server/discover advertises the extension, not the 2025 tasks capability", async () => {
    const discovered = await client.request("server/discover", {}, { tasks: false });
    expect(discovered.error, JSON.stringify(discovered.error)).toBeUndefined();
    const caps = discovered.result!.capabilities as { tasks?: unknown; extensions?: Record<string, unknown> };
    expect(discovered.result!.supportedVersions).toContain(MODERN);
    expect(caps.extensions?.[TASKS]).toBeDefined();
    expect(caps.tasks).toBeUndefined();
  });

  it("runs cut_to_script as a task: a flat CreateTaskResult, then tasks/get inlines the tool's result", async () => {
    const assetId = await readyAsset(sb, api, "tasks26 run");
    const args = { asset_id: assetId, script: await readFile(FIXTURE_SCRIPT, "utf8"), exports: ["srt", "edl"], render: "none", output_dir: ws.dir };
    const created = await client.request("tools/call", { name: "cut_to_script", arguments: args }, { tasks: true });
    expect(created.error, JSON.stringify(created.error)).toBeUndefined();
    const task = created.result!;
    expect(task.resultType).toBe("task");
    expect(typeof task.taskId).toBe("string");
    expect(task.status).toBe("working");
    expect(task.createdAt).toMatch(ISO);
    expect(task.lastUpdatedAt).toMatch(ISO);
    expect(Number.isInteger(task.ttlMs) && (task.ttlMs as number) > 0).toBe(true);
    expect(Number.isInteger(task.pollIntervalMs) && (task.pollIntervalMs as number) > 0).toBe(true);
    for (const key of ["task", "result", "error", "requestState", "ttl", "pollInterval"]) expect(task, key).not.toHaveProperty(key);
    // The SDK checks every tools/call answer as a CallToolResult and gives one without content an empty list.
    expect(task.content ?? []).toEqual([]);

    const done = await settle(task.taskId as string, task.pollIntervalMs as number);
    expect(done.status).toBe("completed");
    expect(done).not.toHaveProperty("error");
    expect(done).not.toHaveProperty("requestState");
    const result = done.result as { isError?: boolean; content: { type: string; text?: string }[]; structuredContent: Record<string, unknown>; _meta?: Record<string, unknown> };
    expect(result.isError ?? false, JSON.stringify(result.content)).toBe(false);
    expect(result.content[0]?.text).toContain(`Job ${task.taskId} completed`);
    expect(result._meta?.["io.modelcontextprotocol/related-task"]).toBeUndefined();
    const data = result.structuredContent as { id: string; status: string; exports: { format: string; path: string }[] };
    expect(data.id).toBe(task.taskId);
    expect(data.status).toBe("completed");
    expect(data.exports.map((e) => e.format).sort()).toEqual(["edl", "srt"]);
    // The exports are on disk, and an outside reading of the SRT finds cues in it.
    const srt = await readFile(data.exports.find((e) => e.format === "srt")!.path, "utf8");
    expect(srt).toMatch(/^1\r?\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}/);
    // The task is the job: the server's job manager holds it by the same id.
    expect(server.jobs.get(task.taskId as string)?.status).toBe("completed");

    // A finished task still answers, and a cancel of it is the same empty ack.
    const again = await client.request("tasks/cancel", { taskId: task.taskId }, { tasks: true });
    expect(again.result).toMatchObject({ resultType: "complete" });
    expect(Object.keys(again.result!).filter((k) => k !== "_meta" && k !== "resultType")).toEqual([]);
    expect((await client.request("tasks/get", { taskId: task.taskId }, { tasks: true })).result?.status).toBe("completed");
  });

  it("tasks/cancel mid-render acks, the task settles to cancelled and the render is cancelled on the service", async () => {
    const assetId = await readyAsset(sb, api, "tasks26 cancel");
    expect((await sb.control("POST", "/sandbox/holds", { renders: true })).status).toBe(200);
    try {
      // Declared per request only: the opt-in is the tools/call's own _meta.
      const created = await client.request("tools/call", { name: "cut_to_script", arguments: { asset_id: assetId, exports: [], render: "mp3", output_dir: ws.dir } }, { tasks: true });
      const taskId = created.result!.taskId as string;
      expect(created.result!.resultType).toBe("task");
      // The render exists and is held in processing: the job is certainly mid-render.
      let renderId: string | null | undefined;
      for (;;) {
        renderId = (server.jobs.get(taskId)?.detail as { render_id?: string | null } | undefined)?.render_id;
        if (renderId && (await api.renders.get(renderId)).state === "processing") break;
        await new Promise((r) => setTimeout(r, 25));
      }
      // While it works: status and metadata, no result, error or requestState; it takes no input.
      const working = (await client.request("tasks/get", { taskId }, { tasks: true })).result!;
      expect(working.status).toBe("working");
      expect(working.statusMessage).toBeTruthy();
      for (const key of ["result", "error", "requestState"]) expect(working, key).not.toHaveProperty(key);
      const update = await client.request("tasks/update", { taskId, inputResponses: {} }, { tasks: true });
      expect(update.error?.code).toBe(-32602);
      expect(update.error?.message).toContain("not input_required");
      const ack = await client.request("tasks/cancel", { taskId }, { tasks: true });
      expect(ack.error, JSON.stringify(ack.error)).toBeUndefined();
      expect(ack.result!.resultType).toBe("complete");
      for (const key of ["taskId", "status", "result", "error"]) expect(ack.result!, key).not.toHaveProperty(key);
      const settled = await settle(taskId, 100);
      expect(settled.status).toBe("cancelled");
      expect((await api.renders.get(renderId)).state).toBe("canceled");
    } finally {
      await sb.control("DELETE", "/sandbox/holds");
    }
  });

  it("a job that fails is answered by the tool: completed, with the result a plain call gives (failed is for protocol errors)", async () => {
    const assetId = await readyAsset(sb, api, "tasks26 failure");
    // The service refuses the render the job asks for.
    expect((await sb.control("POST", "/sandbox/faults", { path: "/v1/renders", method: "POST", count: 1, status: 422 })).status).toBeLessThan(300);
    try {
      const created = await client.request("tools/call", { name: "cut_to_script", arguments: { asset_id: assetId, exports: [], render: "mp3", output_dir: ws.dir } }, { tasks: true });
      expect(created.result!.resultType).toBe("task");
      const done = await settle(created.result!.taskId as string, 100);
      expect(done.status).toBe("completed");
      expect(done).not.toHaveProperty("error");
      // cut_to_script reports a failed job as data (status failed, the reason), as it does to a waiting call.
      const result = done.result as { content: { text?: string }[]; structuredContent: { status: string; error: { message: string } | null } };
      expect(result.structuredContent.status).toBe("failed");
      expect(result.structuredContent.error?.message).toBeTruthy();
      expect(result.content[0]?.text).toContain("failed");
      expect(server.jobs.get(created.result!.taskId as string)?.status).toBe("failed");
    } finally {
      await sb.control("DELETE", "/sandbox/faults");
    }
  });

  it("without the extension: tasks/* answer -32021 and cut_to_script runs as a plain call", async () => {
    for (const method of ["tasks/get", "tasks/update", "tasks/cancel"]) {
      const refused = await client.request(method, { taskId: "gate-test", inputResponses: {} }, { tasks: false });
      expect(refused.error?.code, method).toBe(-32021);
      expect(refused.error?.message).toContain(TASKS);
    }
    // The 2025 `task` param asks for nothing on this wire.
    const plain = await client.request("tools/call", { name: "cut_to_script", arguments: { script: "no source given" }, task: { ttl: 60_000 } }, { tasks: false });
    expect(plain.result?.resultType).toBe("complete");
    expect(plain.result).not.toHaveProperty("taskId");
    expect(plain.result).not.toHaveProperty("task");
    expect(plain.result?.isError).toBe(true);
    expect(JSON.stringify(plain.result?.content)).toContain("Give exactly one of file_path");
  });

  it("with the extension: a refused start answers at once, other tools stay synchronous, unknown ids are -32602", async () => {
    const refused = await client.request("tools/call", { name: "cut_to_script", arguments: { script: "no source given" } }, { tasks: true });
    expect(refused.result?.resultType).toBe("complete");
    expect(refused.result?.isError).toBe(true);
    const credits = await client.request("tools/call", { name: "get_credits", arguments: {} }, { tasks: true });
    expect(credits.result?.resultType).toBe("complete");
    expect(credits.result).not.toHaveProperty("taskId");
    for (const method of ["tasks/get", "tasks/cancel"]) {
      expect((await client.request(method, { taskId: "no-such-task" }, { tasks: true })).error?.code, method).toBe(-32602);
    }
    // The 2025 wire's tasks/result and tasks/list are not part of the extension.
    for (const method of ["tasks/result", "tasks/list"]) {
      expect((await client.request(method, { taskId: "no-such-task" }, { tasks: true })).error?.code, method).toBe(-32601);
    }
  });
});

describe("MCP Tasks extension (2026-07-28) on the built CLI over stdio", () => {
  it("discover advertises it; cut_to_script runs as a task to completed, its exports on disk", async () => {
    expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
    const env: Record<string, string> = { ROUGHY_API_KEY: sb.sandbox.apiKey, ROUGHY_BASE_URL: sb.sandbox.baseUrl, ROUGHY_ALLOWED_DIRS: ws.dir };
    for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[key]) env[key] = process.env[key]!;
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI], env, stderr: "ignore" });
    const cli = new RawModernClient(transport);
    await transport.start();
    try {
      const discovered = await cli.request("server/discover", {}, { tasks: true });
      expect((discovered.result?.capabilities as { extensions?: Record<string, unknown> }).extensions?.[TASKS]).toBeDefined();
      const assetId = await readyAsset(sb, api, "tasks26 cli");
      const created = await cli.request("tools/call", { name: "cut_to_script", arguments: { asset_id: assetId, exports: ["vtt"], render: "none", output_dir: ws.dir } }, { tasks: true });
      expect(created.result?.resultType, JSON.stringify(created)).toBe("task");
      const done = await settle(created.result!.taskId as string, created.result!.pollIntervalMs as number, cli);
      expect(done.status).toBe("completed");
      const data = (done.result as { structuredContent: { exports: { format: string; path: string }[] } }).structuredContent;
      const vtt = await readFile(data.exports.find((e) => e.format === "vtt")!.path, "utf8");
      expect(vtt.startsWith("WEBVTT")).toBe(true);
    } finally {
      await transport.close();
    }
  });
});

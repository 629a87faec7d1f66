// Shared setup for the server's integration tests: a real sandbox on a random loopback port with its own
// data dir, a roughy-mcp server pointed at it as a remote backend (so cost confirmation applies), and an SDK
// Client connected over an in-memory transport with the capabilities a test asks for.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client, type ClientOptions } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/client";
import type { CallToolResult, ElicitRequest, ElicitResult, JSONRPCMessage, Progress } from "@modelcontextprotocol/client";
import { createServer, type CreateServerOptions, type RoughyServer } from "../../src/server/create-server.js";
import { sandboxControl } from "./sandbox-control.js";

/** The part of the sandbox handle the tests use (the module is imported only by tests that start one). */
export type Sandbox = { baseUrl: string; apiKey: string; close(): Promise<void> };

export const FIXTURE_MP4 = path.resolve("test/fixtures/interview.mp4");
export const FIXTURE_M4A = path.resolve("test/fixtures/interview.m4a");
export const FIXTURE_TRUTH = path.resolve("test/fixtures/interview.truth.json");
export const FIXTURE_SCRIPT = path.resolve("test/fixtures/interview.script.txt");

export type TestSandbox = {
  sandbox: Sandbox;
  dataDir: string;
  /** A sandbox-only control request (credits, faults, transcripts), bearer-authenticated. */
  control(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
};

export async function startTestSandbox(options: { startingBalance?: number } = {}): Promise<TestSandbox> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "roughy-mcp-it-"));
  const { startSandbox } = await import("../../src/sandbox/index.js");
  const sandbox: Sandbox = await startSandbox({ port: 0, dataDir, ...(options.startingBalance !== undefined ? { startingBalance: options.startingBalance } : {}) });
  return {
    sandbox,
    dataDir,
    control: (method, pathname, body) => sandboxControl(sandbox, method, pathname, body),
    async close() {
      await sandbox.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type ConnectOptions = {
  sandbox?: Sandbox;
  /** Directories offered as MCP roots; omit for a client without the roots capability. */
  roots?: string[];
  allowDirs?: string[];
  /** An elicitation handler; omit for a client without the elicitation capability. */
  onElicit?: (request: ElicitRequest) => ElicitResult | Promise<ElicitResult>;
  server?: Partial<CreateServerOptions>;
  /** More client capabilities, e.g. MCP Apps' `extensions`. */
  capabilities?: Record<string, unknown>;
  /** Sees every message the server sends, before the client handles it (what a wire trace shows). */
  tap?: (message: JSONRPCMessage) => void;
};

export type Connected = {
  client: Client;
  server: RoughyServer;
  /** Server-side log lines (what the CLI would print to stderr). */
  logs: string[];
  call(name: string, args: Record<string, unknown>, opts?: { progress?: Progress[]; signal?: AbortSignal }): Promise<CallToolResult>;
  close(): Promise<void>;
};

/**
 * How long a test's MCP request may take: the same 10-minute safety net as vitest's testTimeout (the SDK's
 * default, 60 s, would be a deadline a loaded machine could hit). Tests get slowness from the sandbox's fault
 * controls and holds, never from racing a clock.
 */
/** How many bytes of an asset's upload the sandbox holds: its own TUS offset (HEAD), the ground truth a test compares with. */
export async function uploadOffset(sandbox: Sandbox, assetId: string): Promise<number> {
  const head = await fetch(`${sandbox.baseUrl}/v1/uploads/${assetId}`, { method: "HEAD", headers: { authorization: `Bearer ${sandbox.apiKey}`, "tus-resumable": "1.0.0" } });
  return Number(head.headers.get("upload-offset") ?? 0);
}

export const CALL_TIMEOUT_MS = 10 * 60_000;

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

export async function connect(options: ConnectOptions = {}): Promise<Connected> {
  const logs: string[] = [];
  const server = createServer({
    backend: options.sandbox
      ? { mode: "remote", apiKey: options.sandbox.apiKey, baseUrl: options.sandbox.baseUrl }
      : { mode: "remote", apiKey: "sk_test_unreachable", baseUrl: "http://127.0.0.1:9" },
    allowDirs: options.allowDirs,
    logger: (line) => logs.push(line),
    subscriptionPollMs: 100,
    ...options.server,
  });
  const capabilities: NonNullable<ClientOptions["capabilities"]> = {};
  if (options.roots) capabilities.roots = { listChanged: true };
  if (options.onElicit) capabilities.elicitation = { form: {} };
  Object.assign(capabilities, options.capabilities);
  const client = new Client({ name: "roughy-mcp-test", version: "0.0.0" }, { capabilities });
  if (options.roots) {
    const roots = options.roots;
    client.setRequestHandler("roots/list", async () => ({
      roots: roots.map((dir) => ({ uri: `file://${dir}`, name: path.basename(dir) })),
    }));
  }
  if (options.onElicit) {
    const handler = options.onElicit;
    client.setRequestHandler("elicitation/create", async (request) => handler(request));
  }
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.mcp.connect(serverTransport);
  await client.connect(clientTransport);
  if (options.tap) {
    const tap = options.tap;
    const deliver = clientTransport.onmessage;
    clientTransport.onmessage = (message, extra) => {
      tap(message);
      deliver?.(message, extra);
    };
  }
  return {
    client,
    server,
    logs,
    async call(name, args, opts = {}) {
      return (await client.callTool({ name, arguments: args }, {
        ...(opts.progress ? { onprogress: (p: Progress) => void opts.progress!.push(p) } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        timeout: CALL_TIMEOUT_MS,
      })) as CallToolResult;
    },
    async close() {
      await client.close().catch(() => {});
      await server.close();
    },
  };
}

// The API key stays secret: no tool takes one as an argument, and over a full workflow (upload, cut, every
// export, render, download, resources, errors including a 401 from a wrong key) it appears in no message in
// either direction, no server log line, and nothing the stdio server writes to stdout or stderr. Signed
// download URLs (credentials of their own) reach the agent only when it asks for them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import type { Transport } from "@modelcontextprotocol/client";
import { type CallToolResult } from "@modelcontextprotocol/client";
import { createServer } from "../../src/server/create-server.js";
import { CALL_TIMEOUT_MS, FIXTURE_MP4, FIXTURE_SCRIPT, FIXTURE_TRUTH, startTestSandbox, textOf, type TestSandbox } from "../helpers/mcp-harness.js";

const CLI = path.resolve("dist/cli.js");
const WRONG_KEY = "sk_live_wrongwrongwrongwrong0123456789";
let sb: TestSandbox;
let work: string;
const savedStore = process.env.ROUGHY_UPLOAD_STORE;

/** Records every JSON-RPC message a transport sends. */
function tap(transport: Transport, into: string[]): void {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    into.push(JSON.stringify(message));
    return send(message, options);
  };
}

type Session = { client: Client; wire: string[]; logs: string[]; call(name: string, args: Record<string, unknown>): Promise<CallToolResult>; close(): Promise<void> };

async function session(apiKey: string): Promise<Session> {
  const wire: string[] = [];
  const logs: string[] = [];
  const server = createServer({ backend: { mode: "remote", apiKey, baseUrl: sb.sandbox.baseUrl }, allowDirs: [work], logger: (l) => logs.push(l) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  tap(clientSide, wire);
  tap(serverSide, wire);
  await server.mcp.connect(serverSide);
  const client = new Client({ name: "secrets-test", version: "0" }, { capabilities: {} });
  await client.connect(clientSide);
  await client.setLoggingLevel("debug");
  return {
    client,
    wire,
    logs,
    call: async (name, args) => (await client.callTool({ name, arguments: args }, { timeout: CALL_TIMEOUT_MS })) as CallToolResult,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** The key in any form a leak could take: raw, as a bearer header, JSON-escaped, or a long prefix of it. */
function leaks(haystack: string, key: string): string[] {
  const forms = [key, `Bearer ${key}`, JSON.stringify(key).slice(1, -1), key.slice(0, Math.max(12, key.length - 4))];
  return forms.filter((f) => haystack.includes(f));
}

beforeAll(async () => {
  sb = await startTestSandbox();
  work = await mkdtemp(path.join(tmpdir(), "roughy-mcp-secrets-"));
  process.env.ROUGHY_UPLOAD_STORE = path.join(work, ".uploads.json");
  await copyFile(FIXTURE_MP4, path.join(work, "interview.mp4"));
});

afterAll(async () => {
  await sb?.close();
  await rm(work, { recursive: true, force: true });
  if (savedStore === undefined) delete process.env.ROUGHY_UPLOAD_STORE;
  else process.env.ROUGHY_UPLOAD_STORE = savedStore;
});

describe("secrets", () => {
  it("no tool takes a key, token or secret as an argument", async () => {
    const s = await session(sb.sandbox.apiKey);
    try {
      const names: string[] = [];
      const walk = (schema: unknown): void => {
        if (!schema || typeof schema !== "object") return;
        const props = (schema as { properties?: Record<string, unknown> }).properties;
        for (const [k, v] of Object.entries(props ?? {})) {
          names.push(k);
          walk(v);
        }
        walk((schema as { items?: unknown }).items);
      };
      const { tools } = await s.client.listTools();
      for (const t of tools) walk(t.inputSchema);
      expect(names.length).toBeGreaterThan(20);
      expect(names.filter((n) => /key|token|secret|passw|bearer|auth|credential/i.test(n))).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it("a full workflow and its errors never show the key, in any message either way or any log line", async () => {
    const key = sb.sandbox.apiKey;
    const s = await session(key);
    let renderId = "";
    try {
      expect((await s.call("get_credits", {})).isError).toBeFalsy();
      const up = await s.call("upload_media", { path: "interview.mp4", confirm_cost: true, wait_seconds: 50 });
      expect(up.isError, textOf(up)).toBeFalsy();
      const assetId = (up.structuredContent as { asset: { id: string } }).asset.id;
      const truth = JSON.parse(await readFile(FIXTURE_TRUTH, "utf8")) as { words: unknown[] };
      await sb.control("PUT", `/sandbox/assets/${assetId}/transcript`, { words: truth.words });
      const cut = await s.call("create_cut", { asset_id: assetId, script: await readFile(FIXTURE_SCRIPT, "utf8"), wait_seconds: 50 });
      expect(cut.isError, textOf(cut)).toBeFalsy();
      const cutId = (cut.structuredContent as { cut: { id: string } }).cut.id;
      for (const format of ["edl", "xmeml", "fcpxml", "otio", "srt", "vtt"]) {
        const r = await s.call("export_cut", { cut_id: cutId, format });
        expect(r.isError, textOf(r)).toBeFalsy();
      }
      const render = await s.call("create_render", { asset_id: assetId, cut_id: cutId, output: "m4a", wait_seconds: 50 });
      expect(render.isError, textOf(render)).toBeFalsy();
      renderId = (render.structuredContent as { render: { id: string } }).render.id;
      expect((await s.call("download_render", { render_id: renderId })).isError).toBeFalsy();
      expect((await s.call("roughy_get", { kind: "render", id: renderId, include_download_url: true })).isError).toBeFalsy();
      const { resources } = await s.client.listResources();
      for (const r of resources.slice(0, 3)) await s.client.readResource({ uri: r.uri });
      // Errors: unknown ids, a conflict, a server-side failure, a failed upload.
      expect((await s.call("roughy_get", { kind: "cut", id: "6f1d3c2a-0000-4c7d-a5f4-000000000001" })).isError).toBe(true);
      expect((await s.call("cancel_render", { render_id: renderId })).isError).toBe(true);
      await sb.control("POST", "/sandbox/faults", { path: "/v1/credits", count: 10, status: 500 });
      expect((await s.call("get_credits", {})).isError).toBe(true);
      await sb.control("DELETE", "/sandbox/faults");
      await sb.control("POST", "/sandbox/faults", { path: "/v1/uploads/", method: "PATCH", count: 20, drop: true });
      await copyFile(FIXTURE_MP4, path.join(work, "second.mp4"));
      expect((await s.call("upload_media", { path: "second.mp4", confirm_cost: true })).isError).toBe(true);
      await sb.control("DELETE", "/sandbox/faults");
    } finally {
      await s.close();
    }
    expect(s.wire.length).toBeGreaterThan(30);
    expect(s.wire.some((m) => m.includes("notifications/message"))).toBe(true);
    expect(leaks(s.wire.join("\n"), key)).toEqual([]);
    expect(leaks(s.logs.join("\n"), key)).toEqual([]);

    // A wrong key: the 401 is explained, and neither key shows anywhere.
    const wrong = await session(WRONG_KEY);
    try {
      const r = await wrong.call("roughy_list", { kind: "projects" });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("unauthenticated");
      const u = await wrong.call("upload_media", { path: "interview.mp4", confirm_cost: true });
      expect(u.isError).toBe(true);
    } finally {
      await wrong.close();
    }
    for (const k of [WRONG_KEY, key]) {
      expect(leaks(wrong.wire.join("\n"), k)).toEqual([]);
      expect(leaks(wrong.logs.join("\n"), k)).toEqual([]);
    }
  });

  it("over stdio, neither stdout nor stderr carries the key, also when the key is wrong", async () => {
    expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
    for (const key of [sb.sandbox.apiKey, WRONG_KEY]) {
      const env: Record<string, string> = {};
      for (const k of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[k]) env[k] = process.env[k]!;
      Object.assign(env, { ROUGHY_API_KEY: key, ROUGHY_BASE_URL: sb.sandbox.baseUrl, ROUGHY_UPLOAD_STORE: path.join(work, ".stdio-uploads.json") });
      const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--allow-dir", work], env, stderr: "pipe" });
      let stderr = "";
      transport.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
      const wire: string[] = [];
      tap(transport, wire);
      const client = new Client({ name: "secrets-stdio", version: "0" });
      await client.connect(transport);
      const onmessage = transport.onmessage!;
      transport.onmessage = (m) => {
        wire.push(JSON.stringify(m));
        onmessage(m);
      };
      await client.setLoggingLevel("debug");
      await client.callTool({ name: "get_credits", arguments: {} });
      await client.callTool({ name: "upload_media", arguments: { path: "interview.mp4", confirm_cost: true } });
      await sb.control("POST", "/sandbox/faults", { path: "/v1/projects", count: 10, status: 503 });
      await client.callTool({ name: "roughy_list", arguments: { kind: "projects" } });
      await sb.control("DELETE", "/sandbox/faults");
      await client.callTool({ name: "roughy_get", arguments: { kind: "asset", id: "not-a-uuid" } });
      await client.close();
      expect(wire.length).toBeGreaterThan(8);
      expect(leaks(wire.join("\n"), key)).toEqual([]);
      expect(leaks(stderr, key)).toEqual([]);
    }
  });

  it("signed download URLs only when asked: get and download_render show none by default", async () => {
    const s = await session(sb.sandbox.apiKey);
    try {
      const list = await s.call("roughy_list", { kind: "renders" });
      const render = (list.structuredContent as { items: { id: string; state: string }[] }).items.find((r) => r.state === "completed")!;
      const assets = await s.call("roughy_list", { kind: "assets", state: "ready" });
      const asset = (assets.structuredContent as { items: { id: string }[] }).items[0]!;
      for (const [kind, id] of [["render", render.id], ["asset", asset.id]] as const) {
        const plain = await s.call("roughy_get", { kind, id });
        expect(JSON.stringify(plain)).not.toMatch(/signature=|\/downloads\//);
        expect((plain.structuredContent as { item: Record<string, unknown> }).item).not.toHaveProperty("download_url");
        const asked = await s.call("roughy_get", { kind, id, include_download_url: true });
        const url = (asked.structuredContent as { item: { download_url: string } }).item.download_url;
        expect(url).toMatch(/\/downloads\/.+signature=/);
        // The URL works without the key: it is a credential, which is why it is opt-in.
        expect((await fetch(url)).status).toBe(200);
      }
      const saved = await s.call("download_render", { render_id: render.id, overwrite: true });
      expect(saved.isError, textOf(saved)).toBeFalsy();
      expect(JSON.stringify(saved)).not.toMatch(/signature=|\/downloads\//);
    } finally {
      await s.close();
    }
  });
});

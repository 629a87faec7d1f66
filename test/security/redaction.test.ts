// One redaction pass by value over everything that leaves the server. A hostile (or broken) API on loopback
// puts the key where no field-based redaction looks: in X-Request-Id, as the name of a validation field, in a
// cut's script that a resource read returns, in an error message. Through the transport wrapper the CLI
// uses, and through the real stdio CLI, the key shows in no message, no log line and no stderr byte.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { createServer } from "../../src/server/create-server.js";
import { redactingTransport } from "../../src/secrets.js";

const KEY = "sk_live_R3dact10nT3stK3y0123456789abcdef";
const CUT_ID = "6f1d3c2a-0000-4c7d-a5f4-00000000c0de";
const CLI = path.resolve("dist/cli.js");
let api: http.Server;
let baseUrl: string;

/** The forms a leak could take: whole, as a header, JSON-escaped, or a long prefix of it. */
function leaks(haystack: string): string[] {
  return [KEY, `Bearer ${KEY}`, KEY.slice(0, KEY.length - 6), KEY.slice(0, 20)].filter((f) => haystack.includes(f));
}

beforeAll(async () => {
  // Echoes the caller's key back wherever it can: the API is the attacker (or a proxy that logs too much).
  api = http.createServer((req, res) => {
    const key = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_${key}` });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/v1/credits") {
      return json(422, { error: { code: "validation_error", message: `Invalid request: body.${key}: unexpected`, fields: [{ field: `body.${key}`, message: `unknown field ${key}` }] } });
    }
    if (url.pathname === `/v1/cuts/${CUT_ID}`) {
      const now = new Date().toISOString();
      return json(200, { id: CUT_ID, asset_id: CUT_ID, state: "failed", script: `My key is ${key}.`, error_code: `bad_${key}`, error_message: `failed for ${key}`, created_at: now, started_at: now, completed_at: now });
    }
    if (url.pathname === "/v1/projects") return json(500, { error: { code: "internal_error", message: `boom ${key}` } });
    return json(404, { error: { code: "not_found", message: `nothing here for ${key}` } });
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => api.close(() => resolve()));
});

/** What the calls below ask for: a validation error, a server error, a failed cut and its resource. */
async function probe(client: Client): Promise<CallToolResult[]> {
  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  const results = [await call("get_credits", {}), await call("roughy_list", { kind: "projects" }), await call("roughy_get", { kind: "cut", id: CUT_ID })];
  await client.readResource({ uri: `roughy://cuts/${CUT_ID}` });
  return results;
}

describe("redaction by value", () => {
  it("tool text, structuredContent, resource contents and log lines carry no key through the CLI's transport wrapper", async () => {
    const logs: string[] = [];
    const wire: string[] = [];
    const server = createServer({ backend: { mode: "remote", apiKey: KEY, baseUrl }, allowDirs: [process.cwd()], logger: (l) => logs.push(l) });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    // As src/cli.ts wires it: the server's transport redacts every message it sends.
    await server.mcp.connect(redactingTransport(serverSide));
    const client = new Client({ name: "redaction-test", version: "0" });
    const onmessage = (m: unknown) => wire.push(JSON.stringify(m));
    await client.connect(clientSide);
    const inner = clientSide.onmessage!;
    clientSide.onmessage = (m, extra) => {
      onmessage(m);
      inner(m, extra);
    };
    await client.setLoggingLevel("debug");
    try {
      const results = await probe(client);
      expect(results[0]!.isError && results[1]!.isError).toBe(true);
      // The request id is kept, with the key taken out of it: an operator can still quote it.
      expect(JSON.stringify(results[1])).toContain("req_[redacted]");
    } finally {
      await client.close();
      await server.close();
    }
    expect(wire.length).toBeGreaterThan(5);
    expect(wire.join("\n")).toContain("[redacted]");
    expect(leaks(wire.join("\n"))).toEqual([]);
    expect(leaks(logs.join("\n"))).toEqual([]);
  });

  it.each(["ROUGHY_API_KEY", "ROUGHY_API_KEY_FILE"])("the stdio CLI with the key in %s: stdout and stderr carry no key", async (source) => {
    expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
    const env: Record<string, string> = {};
    for (const k of ["PATH", "HOME", "TMPDIR", "LANG"]) if (process.env[k]) env[k] = process.env[k]!;
    Object.assign(env, { ROUGHY_BASE_URL: baseUrl });
    let dir: string | null = null;
    if (source === "ROUGHY_API_KEY") env.ROUGHY_API_KEY = KEY;
    else {
      dir = await mkdtemp(path.join(tmpdir(), "roughy-mcp-keyfile-"));
      env.ROUGHY_API_KEY_FILE = path.join(dir, "key");
      await writeFile(env.ROUGHY_API_KEY_FILE, `${KEY}\n`, { mode: 0o600 });
    }
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--allow-dir", process.cwd()], env, stderr: "pipe" });
    let stderr = "";
    transport.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    const client = new Client({ name: "redaction-stdio", version: "0" });
    await client.connect(transport);
    const wire: string[] = [];
    const inner = transport.onmessage!;
    transport.onmessage = (m) => {
      wire.push(JSON.stringify(m));
      inner(m);
    };
    await client.setLoggingLevel("debug");
    await probe(client);
    await client.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(wire.join("\n")).toContain("[redacted]");
    expect(leaks(wire.join("\n"))).toEqual([]);
    expect(leaks(stderr)).toEqual([]);
  });
});
